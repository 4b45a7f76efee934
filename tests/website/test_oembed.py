"""The site as an oEmbed provider: discovery, valid responses, and JSON errors for bad requests."""

import re
from urllib.parse import quote

import pytest
from wagtail.models import PageViewRestriction

from tests.website.conftest import add_article

ARTICLE = "http://testserver/articles/hip-flexor-stretches/"


def oembed(client, url=ARTICLE, **params):
    query = "&".join(f"{k}={quote(str(v))}" for k, v in {"url": url, **params}.items() if v is not None)
    return client.get(f"/oembed?{query}")


def test_every_page_advertises_oembed(client, site_tree):
    for url in ["/", "/articles/", ARTICLE.removeprefix("http://testserver")]:
        html = client.get(url).content.decode()
        link = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', html)
        assert link, url
        discovered = link.group(1).replace("&amp;", "&")
        response = client.get(discovered.removeprefix("http://testserver"))
        assert response.status_code == 200, url


def test_article_answers_a_rich_oembed(client, site_tree):
    response = oembed(client, format="json")

    data = response.json()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert data["version"] == "1.0"
    assert data["type"] == "rich"
    assert data["title"] == "Hip flexor stretches that release the psoas"
    assert data["author_name"] == "Stephen O'Dwyer, CNMT"
    assert data["author_url"] == "http://testserver/articles/author/stephen-odwyer/"
    assert data["provider_name"] == "Lower Back Pain Relief"
    assert data["provider_url"] == "http://testserver/"
    assert f'<a href="{ARTICLE}">' in data["html"]
    assert isinstance(data["width"], int)
    assert isinstance(data["height"], int)
    assert data["thumbnail_url"].startswith("http://testserver/media/")


def test_maxwidth_and_maxheight_are_respected(client, site_tree):
    data = oembed(client, maxwidth=300, maxheight=100).json()

    assert data["width"] <= 300
    assert data["height"] <= 100
    assert data["thumbnail_width"] <= 300
    assert data["thumbnail_height"] <= 100


def test_pages_without_their_own_oembed_answer_a_link(client, site_tree):
    data = oembed(client, "http://testserver/articles/").json()

    assert data["type"] == "link"
    assert data["title"] == "Articles"
    assert data["version"] == "1.0"


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"url": None}, 400),
        ({"url": ""}, 400),
        ({"url": "not a url"}, 400),
        ({"url": "ftp://testserver/articles/"}, 400),
        ({"url": "http://[::1"}, 400),
        ({"maxwidth": "wide"}, 400),
        ({"maxwidth": "-5"}, 400),
        ({"maxheight": "1.5"}, 400),
        ({"maxwidth": "²"}, 400),
        ({"format": "yaml"}, 501),
        ({"url": "https://elsewhere.example/articles/hip-flexor-stretches/"}, 404),
        ({"url": "http://testserver/articles/no-such-article/"}, 404),
        ({"url": "http://testserver/search/"}, 404),
        ({"url": "http://testserver/admin/"}, 404),
    ],
)
def test_bad_requests_get_json_errors(client, site_tree, params, status):
    response = oembed(client, **params)

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]


def test_drafts_and_private_pages_are_not_embeddable(client, site_tree):
    add_article(site_tree.index, slug="draft", publish=False)
    private = add_article(site_tree.index, slug="private")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)

    assert oembed(client, "http://testserver/articles/draft/").status_code == 404
    assert oembed(client, "http://testserver/articles/private/").status_code == 404


@pytest.mark.parametrize(
    "model", ["website.ArticlePage", "website.GuidePage", "courses.CoursePage", "courses.LessonPage"]
)
def test_every_page_type_answers_the_same_card_within_maxwidth(client, demo_site, model):
    from django.apps import apps

    page = apps.get_model(model).objects.live().public().first()
    url = f"http://testserver{page.url}"

    wide = oembed(client, url).json()
    narrow = oembed(client, url, maxwidth=320, maxheight=120).json()

    assert wide["type"] == narrow["type"] == "rich"
    assert (wide["width"], wide["height"]) == (600, 240)
    assert (narrow["width"], narrow["height"]) == (320, 120)
    card = re.fullmatch(
        r'<blockquote class="backcare-embed" style="margin:0;max-width:(\d+)px">'
        r'<p><a href="([^"]+)">([^<]+)</a>[^<]*</p><p>[^<]*</p></blockquote>',
        narrow["html"],
    )
    assert card, narrow["html"]
    assert card.group(1) == "320"
    assert card.group(2) == url
    assert wide["html"].startswith('<blockquote class="backcare-embed" style="margin:0;max-width:600px">')
