"""/sitemap.xml over gunicorn: every URL, listings (home, index, topics, authors) included, says when it changed."""

import xml.etree.ElementTree as ET
from datetime import date, datetime

from tests.website import conftest as website_fixtures

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
site_tree = website_fixtures.site_tree


def w3c_date(text: str):
    """A W3C datetime as sitemaps allow it: YYYY-MM-DD, or a full datetime with its zone."""
    if len(text) == 10:
        return date.fromisoformat(text)
    parsed = datetime.fromisoformat(text)
    assert parsed.tzinfo is not None, text
    return parsed


def test_every_url_in_the_sitemap_has_a_w3c_lastmod(live_site, request):
    request.getfixturevalue("site_tree")

    answer = live_site.get("/sitemap.xml")

    assert answer.status_code == 200
    urls = list(ET.fromstring(answer.content).iter(f"{SITEMAP}url"))  # noqa: S314
    locations = [url.findtext(f"{SITEMAP}loc") for url in urls]
    assert any(loc.endswith("/articles/topic/stretching/") for loc in locations)
    assert any(loc.endswith("/articles/author/stephen-odwyer/") for loc in locations)
    for url in urls:
        lastmod = url.findtext(f"{SITEMAP}lastmod")
        assert lastmod, url.findtext(f"{SITEMAP}loc")
        w3c_date(lastmod)
