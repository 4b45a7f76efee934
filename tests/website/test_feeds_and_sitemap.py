"""Feeds (RSS and Atom, site-wide, per topic, per author), sitemap.xml and robots.txt."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from wagtail.models import Page, PageViewRestriction

from tests.website.conftest import add_article
from website.models import ArticlePage

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def hidden(site_tree):
    """A draft and a private article on the same topic and by the same author as the public one."""
    draft = add_article(
        site_tree.index, slug="secret-draft", author=site_tree.author, topics=[site_tree.stretching], publish=False
    )
    private = add_article(site_tree.index, slug="members-only", author=site_tree.author, topics=[site_tree.stretching])
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    return [draft, private]


def rss_links(content):
    channel = ET.fromstring(content).find("channel")  # noqa: S314
    return [item.findtext("link") for item in channel.findall("item")]


def atom_links(content):
    feed = ET.fromstring(content)  # noqa: S314
    return [entry.find(f"{ATOM}link").get("href") for entry in feed.findall(f"{ATOM}entry")]


@pytest.mark.parametrize("url", ["/feeds/rss/", "/feeds/topic/stretching/rss/", "/feeds/author/stephen-odwyer/rss/"])
def test_rss_feeds_parse_and_carry_only_public_articles(client, site_tree, hidden, url):
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    links = rss_links(response.content)
    assert links == ["http://testserver/articles/hip-flexor-stretches/"]
    assert b"secret-draft" not in response.content
    assert b"members-only" not in response.content


@pytest.mark.parametrize("url", ["/feeds/atom/", "/feeds/topic/stretching/atom/", "/feeds/author/stephen-odwyer/atom/"])
def test_atom_feeds_parse_and_carry_only_public_articles(client, site_tree, hidden, url):
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert atom_links(response.content) == ["http://testserver/articles/hip-flexor-stretches/"]
    feed = ET.fromstring(response.content)  # noqa: S314
    entry = feed.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "Stephen O'Dwyer, CNMT"
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == ["Stretching"]
    assert b"secret-draft" not in response.content


def test_topic_feed_only_has_its_topic(client, site_tree):
    add_article(site_tree.index, slug="pelvic-torsion", topics=[site_tree.pelvis])

    assert rss_links(client.get("/feeds/topic/pelvis/rss/").content) == ["http://testserver/articles/pelvic-torsion/"]
    assert len(rss_links(client.get("/feeds/rss/").content)) == 2


@pytest.mark.parametrize("url", ["/feeds/topic/nope/rss/", "/feeds/author/nobody/atom/"])
def test_unknown_feed_is_404(client, site_tree, url):
    assert client.get(url).status_code == 404


def test_pages_advertise_their_feeds(client, site_tree):
    html = client.get("/articles/topic/stretching/").content.decode()

    assert 'type="application/rss+xml" href="/feeds/rss/"' in html
    assert 'href="/feeds/topic/stretching/rss/"' in html


def test_sitemap_lists_public_pages_topics_and_authors(client, site_tree, hidden):
    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    locations = [loc.text for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")]  # noqa: S314
    assert "http://localhost/articles/hip-flexor-stretches/" in locations
    assert "http://localhost/" in locations
    assert "http://localhost/articles/topic/stretching/" in locations
    assert "http://localhost/articles/author/stephen-odwyer/" in locations
    assert not [loc for loc in locations if "secret-draft" in loc or "members-only" in loc]


def test_robots_txt_points_at_the_sitemap(client, site_tree):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()


def sitemap_lastmods(client) -> dict[str, str | None]:
    sitemap = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314
    return {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in sitemap.iter(f"{SITEMAP}url")}


def test_every_sitemap_url_has_a_lastmod_and_listings_take_their_newest_article(client, site_tree, hidden):
    newer = add_article(site_tree.index, slug="pelvic-torsion", topics=[site_tree.pelvis], author=site_tree.author)
    ArticlePage.objects.filter(pk=site_tree.hip.pk).update(last_published_at=datetime(2024, 3, 5, tzinfo=UTC))
    ArticlePage.objects.filter(pk=newer.pk).update(last_published_at=datetime(2025, 7, 9, tzinfo=UTC))
    Page.objects.filter(pk=site_tree.index.pk).update(last_published_at=datetime(2023, 1, 2, tzinfo=UTC))

    lastmods = sitemap_lastmods(client)

    assert all(lastmods.values()), lastmods
    assert lastmods["http://localhost/articles/hip-flexor-stretches/"] == "2024-03-05"
    assert lastmods["http://localhost/articles/topic/stretching/"] == "2024-03-05"
    assert lastmods["http://localhost/articles/topic/pelvis/"] == "2025-07-09"
    assert lastmods["http://localhost/articles/author/stephen-odwyer/"] == "2025-07-09"
    assert lastmods["http://localhost/articles/"] == "2025-07-09"
    assert lastmods["http://localhost/"] == "2025-07-09"
