"""Fixtures for the newsletter tests: the courses world, an issue, and people with and without consent."""

import pytest
from django.core.cache import cache
from django.utils import timezone
from wagtail.rich_text import RichText

from newsletter.models import NewsletterIssue, Subscriber
from tests.courses.world import build_world


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def issue(db) -> NewsletterIssue:
    return NewsletterIssue.objects.create(
        title="March issue",
        subject="Three stretches for a stiff morning",
        preheader="And a new guide chapter",
        body=[
            ("heading", "Mornings first"),
            ("paragraph", RichText('<p>Read <a href="/articles/stiff-mornings/">the article</a> &amp; try it.</p>')),
            ("button", {"text": "Open the guide", "url": "https://example.com/guides/stretching/"}),
            ("quote", "Slow is smooth."),
        ],
    )


def subscriber(email: str, **fields) -> Subscriber:
    defaults = {"consent_at": timezone.now(), "consent_source": Subscriber.Source.FORM}
    return Subscriber.objects.create(email=email, **{**defaults, **fields})
