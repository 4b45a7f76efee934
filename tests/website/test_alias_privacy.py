"""An alias of a private article is as private as its source, on every surface (security issue, item 3).

The alias lives in a public section ("Library"); the restriction sits either on the source article itself
or on the source's section (the article index). Wagtail alone follows an alias to its source page but not
to the source's section, and `.public()` ignores aliases altogether.
"""

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from wagtail.models import PageViewRestriction

from tests.api.conftest import session_token
from tests.courses.factories import UserFactory
from tests.website.conftest import add_article
from website.models import ArticleIndexPage

# Search must be live here, or "search does not find the alias" would prove nothing.
pytestmark = pytest.mark.indexing

ALIAS_URL = "/library/hip-alias/"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def alias(site_tree):
    library = site_tree.home.add_child(instance=ArticleIndexPage(title="Library", slug="library"))
    return site_tree.hip.create_alias(parent=library, update_slug="hip-alias")


def restrict(site_tree, where: str) -> PageViewRestriction:
    page = site_tree.hip if where == "source" else site_tree.index
    return PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)


def oembed_status(client, url: str) -> int:
    return client.get("/oembed", {"url": f"http://testserver{url}", "format": "json"}).status_code


def rss_links(client) -> list[str]:
    channel = ET.fromstring(client.get("/feeds/rss/").content).find("channel")  # noqa: S314
    return [item.findtext("link") for item in channel.findall("item")]


def sitemap_paths(client) -> list[str]:
    sitemap = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314
    return [urlsplit(loc.text).path for loc in sitemap.iter(f"{SITEMAP}loc")]


def api_ids(client) -> list[int]:
    response = client.get("/api/v2/pages/", {"type": "website.ArticlePage", "limit": 50})
    return [item["id"] for item in response.json()["items"]]


def test_without_a_restriction_the_alias_is_public_everywhere(client, site_tree, alias):
    """The control: every surface below does show an alias, so each refusal in the tests after is real."""
    assert client.get(ALIAS_URL).status_code == 200
    assert oembed_status(client, ALIAS_URL) == 200
    assert ALIAS_URL in client.get("/search/", {"q": "psoas"}).content.decode()
    assert f"http://testserver{ALIAS_URL}" in rss_links(client)
    assert ALIAS_URL in sitemap_paths(client)
    assert alias.pk in api_ids(client)
    assert client.get(f"/api/v2/pages/{alias.pk}/").status_code == 200
    assert client.get("/api/v2/pages/find/", {"html_path": ALIAS_URL}).status_code == 302


@pytest.mark.parametrize("where", ["source", "section"])
def test_stranger_is_sent_to_sign_in_from_the_alias(client, site_tree, alias, where):
    restrict(site_tree, where)

    response = client.get(ALIAS_URL)

    assert response.status_code == 302
    assert response["Location"].endswith("/login/?next=/library/hip-alias/")


@pytest.mark.parametrize("where", ["source", "section"])
def test_signed_in_reader_gets_the_alias_never_cached(client, site_tree, alias, where):
    restrict(site_tree, where)
    client.force_login(UserFactory())

    response = client.get(ALIAS_URL)

    assert response.status_code == 200
    assert "Hip flexor stretches" in response.content.decode()
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("where", ["source", "section"])
def test_alias_is_not_embeddable(client, site_tree, alias, where):
    restrict(site_tree, where)

    assert oembed_status(client, ALIAS_URL) == 404


@pytest.mark.parametrize("where", ["source", "section"])
def test_search_does_not_find_the_alias(client, site_tree, alias, where):
    restrict(site_tree, where)

    html = client.get("/search/", {"q": "psoas"}).content.decode()

    assert ALIAS_URL not in html
    assert "Hip flexor stretches" not in html


@pytest.mark.parametrize("where", ["source", "section"])
def test_feeds_and_sitemap_leave_the_alias_out(client, site_tree, alias, where):
    restrict(site_tree, where)

    assert f"http://testserver{ALIAS_URL}" not in rss_links(client)
    assert ALIAS_URL not in sitemap_paths(client)
    assert f"http://testserver{ALIAS_URL}" not in client.get("/feeds/atom/").content.decode()


@pytest.mark.parametrize("where", ["source", "section"])
def test_content_api_hides_the_alias_from_strangers(client, site_tree, alias, where):
    restrict(site_tree, where)

    assert alias.pk not in api_ids(client)
    assert client.get(f"/api/v2/pages/{alias.pk}/").status_code == 404
    assert client.get("/api/v2/pages/find/", {"html_path": ALIAS_URL}).status_code == 404


@pytest.mark.parametrize("where", ["source", "section"])
def test_content_api_shows_the_alias_to_a_signed_in_caller_privately(client, site_tree, alias, where):
    restrict(site_tree, where)
    token = session_token(UserFactory())

    response = client.get(
        "/api/v2/pages/", {"type": "website.ArticlePage", "limit": 50}, headers={"X-Session-Token": token}
    )
    detail = client.get(f"/api/v2/pages/{alias.pk}/", headers={"X-Session-Token": token})

    assert alias.pk in [item["id"] for item in response.json()["items"]]
    assert detail.status_code == 200
    assert response["Cache-Control"].startswith("private")
    assert detail["Cache-Control"].startswith("private")


def test_listings_leave_out_an_alias_of_a_private_article(client, site_tree, alias):
    restrict(site_tree, "section")
    add_article(alias.get_parent(), slug="open-letter", title="An open letter", author=site_tree.author)

    home = client.get("/").content.decode()
    library = client.get("/library/").content.decode()

    assert ALIAS_URL not in home
    assert ALIAS_URL not in library
    assert "/library/open-letter/" in library


def test_an_alias_of_an_alias_of_a_private_article_is_private(client, site_tree, alias):
    from core import privacy

    shelf = site_tree.home.add_child(instance=ArticleIndexPage(title="Shelf", slug="shelf"))
    second = alias.create_alias(parent=shelf, update_slug="hip-again")
    restriction = restrict(site_tree, "section")

    assert privacy.restrictions_for(second) == [restriction]
    assert client.get("/shelf/hip-again/").status_code == 302
    assert second.pk not in api_ids(client)


def test_a_page_under_an_alias_of_a_private_section_is_private(client, site_tree):
    """A whole section aliased elsewhere, then made private: its pages are private there too."""
    from core import privacy

    mirror = site_tree.index.create_alias(parent=site_tree.home, update_slug="mirror", recursive=True)
    mirrored_article = mirror.get_children().get()
    restriction = restrict(site_tree, "section")

    assert privacy.restrictions_for(mirror) == [restriction]
    assert privacy.restrictions_for(mirrored_article) == [restriction]
    assert client.get("/mirror/hip-flexor-stretches/").status_code == 302
    assert client.get("/mirror/").status_code == 302


def test_every_page_type_of_the_project_follows_aliases_to_their_source_section():
    """Wagtail's serving check asks the page type; one that forgot the mixin would serve private aliases."""
    from wagtail.models import get_page_models

    from core.privacy import AliasAwarePrivacyMixin

    ours = [model for model in get_page_models() if not model.__module__.startswith("wagtail")]
    missing = [model.__name__ for model in ours if not issubclass(model, AliasAwarePrivacyMixin)]

    assert len(ours) >= 9
    assert missing == []
