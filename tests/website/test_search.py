"""Search across public pages, with highlighting, and never a 500 for odd queries."""

import pytest
from wagtail.models import PageViewRestriction

from tests.html_checks import assert_accessible_html
from tests.website.conftest import add_article
from website.search import clean_query, highlight

# Search results come from the index that saved pages update.
pytestmark = pytest.mark.indexing


def test_psoas_finds_the_hip_flexor_article_highlighted(client, site_tree):
    response = client.get("/search/", {"q": "psoas"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/articles/hip-flexor-stretches/"' in html
    assert "Hip flexor stretches that release the <mark>psoas</mark>" in html
    assert "The <mark>psoas</mark> and iliacus" in html
    assert_accessible_html(html)


def test_search_covers_other_page_types(client, site_tree):
    html = client.get("/search/", {"q": "articles"}).content.decode()

    assert 'href="/articles/"' in html


def test_search_never_finds_drafts_or_private_pages(client, site_tree):
    add_article(site_tree.index, slug="draft", title="Psoas draft", publish=False)
    private = add_article(site_tree.index, slug="private", title="Psoas members only")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)

    html = client.get("/search/", {"q": "psoas"}).content.decode()

    assert "draft" not in html.lower().split("<main")[1]
    assert "members only" not in html


@pytest.mark.parametrize(
    "query",
    [
        "x" * 10_000,
        "psoas " * 2_000,
        "\x00\x01\x1f psoas",
        "\u202e\u200b\ufeff psoas",
        "😀🦴 ψόας 腰痛 \U0010ffff",
        "' OR 1=1 --",
        '"unbalanced AND (psoas OR',
        "<script>alert(1)</script>",
        "*",
        "   ",
        "\uff30\uff53\uff4f\uff41\uff53",  # full-width "Psoas"
    ],
)
def test_odd_queries_get_a_normal_results_page(client, site_tree, query):
    response = client.get("/search/", {"q": query})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)" not in html
    assert_accessible_html(html)


def test_undecodable_query_string_is_fine(client, site_tree):
    assert client.get("/search/?q=%ff%fe%00psoas").status_code == 200


def test_highlight_escapes_before_marking():
    assert highlight("<b>Psoas</b> & psoai", ["psoa"]) == (
        "&lt;b&gt;<mark>Psoas</mark>&lt;/b&gt; &amp; <mark>psoai</mark>"
    )
    assert highlight("a < b", ["lt"]) == "a &lt; b"


def test_clean_query_bounds_length_and_strips_controls():
    assert clean_query("a" * 10_000) == "a" * 200
    assert clean_query("\x00psoas\u202e ") == "psoas"
