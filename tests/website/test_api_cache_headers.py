"""v2 answers that may depend on who asks are private; only anonymous answers are public (security issue, item 8).

A caller with credentials may pass view restrictions on pages (login, groups, a page password kept in the
session) and on collections, so a shared cache must never keep that answer, nor hand the anonymous
answer to a caller with credentials: every answer varies on each header that can carry them.
"""

import pytest
from django.utils.cache import get_max_age
from wagtail.models import PageViewRestriction

from tests.api.conftest import session_token
from tests.courses.factories import UserFactory

URLS = ["/api/v2/pages/?type=website.ArticlePage", "/api/v2/documents/", "/api/v2/images/", "/api/v2/authors/"]
CREDENTIAL_HEADERS = {"cookie", "authorization", "x-session-token"}


def varies_on(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}


@pytest.fixture
def members_article(site_tree):
    PageViewRestriction.objects.create(page=site_tree.hip, restriction_type=PageViewRestriction.LOGIN)
    return site_tree.hip


@pytest.mark.parametrize("url", URLS)
def test_anonymous_answer_is_public_and_varies_on_every_credential_header(client, members_article, url):
    response = client.get(url)

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("public")
    assert get_max_age(response) == 300
    assert varies_on(response) >= CREDENTIAL_HEADERS


@pytest.mark.parametrize("url", URLS)
def test_signed_in_browser_answer_is_private(client, members_article, url):
    client.force_login(UserFactory())

    response = client.get(url)

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private")
    assert "public" not in response["Cache-Control"]
    assert varies_on(response) >= CREDENTIAL_HEADERS


@pytest.mark.parametrize("url", URLS)
def test_app_token_answer_is_private(client, members_article, url):
    response = client.get(url, headers={"X-Session-Token": session_token(UserFactory())})

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private")
    assert varies_on(response) >= CREDENTIAL_HEADERS


def test_the_members_article_reaches_only_the_signed_in_caller(client, members_article):
    """Why it matters: the same URL answers differently, so the signed-in answer must stay out of shared caches."""
    anonymous = client.get(f"/api/v2/pages/{members_article.pk}/")
    client.force_login(UserFactory())
    signed_in = client.get(f"/api/v2/pages/{members_article.pk}/")

    assert anonymous.status_code == 404
    assert signed_in.status_code == 200
    assert signed_in["Cache-Control"].startswith("private")
