"""Every page type renders, in valid and accessible HTML; bad addresses get the designed 404 and 500."""

import json

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.views.defaults import server_error
from wagtail.models import PageViewRestriction
from wagtail.rich_text import RichText

from tests.html_checks import assert_accessible_html, html_problems
from tests.website.conftest import add_article, make_image
from website.models import ArticlePage, RelatedArticle

EVERY_BLOCK = [
    ("heading", "Two muscles, one job"),
    ("paragraph", RichText("<p>The <b>psoas</b> starts on the lumbar spine.</p>")),
    (
        "image",
        {
            "image": {"image": None, "decorative": False, "alt_text": "A stretch"},
            "caption": "A caption",
            "credit": "Me",
            "wide": False,
        },
    ),
    ("quote", {"quote": "Move gently.", "attribution": "Stephen"}),
    ("callout", {"tone": "warning", "title": "", "text": RichText("<p>Careful.</p>")}),
    ("embed", "https://video.example/watch?v=1"),
    (
        "exercise",
        {
            "name": "Kneeling hip flexor stretch",
            "introduction": "Gently.",
            "steps": ["Kneel.", "Tuck the tailbone.", "Shift forward."],
            "repetitions": "10 times on each side",
            "hold": "2 seconds",
            "frequency": "Daily",
            "caution": "it hurts.",
        },
    ),
    ("disclaimer", None),
]


@pytest.fixture
def embeds(settings):
    settings.WAGTAILEMBEDS_FINDERS = [{"class": "tests.website.fake_embeds.FakeFinder"}]


def body_with_image(image):
    """The body as raw JSON, the form editors' input is stored in."""
    raw = []
    for kind, python_value in EVERY_BLOCK:
        value = python_value
        if isinstance(value, RichText):
            value = value.source
        elif isinstance(value, dict):
            value = {k: (v.source if isinstance(v, RichText) else v) for k, v in value.items()}
        if kind == "image":
            value = {**value, "image": {"image": image.pk, "decorative": False, "alt_text": "A stretch"}}
        raw.append({"type": kind, "value": value})
    return json.dumps(raw)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/", "Relief for lower back pain"),
        ("/articles/", "Hip flexor stretches"),
        ("/articles/?page=2", "Hip flexor stretches"),
        ("/articles/topic/stretching/", "Stretching"),
        ("/articles/author/stephen-odwyer/", "Helps people out of back pain"),
        ("/articles/hip-flexor-stretches/", "The psoas and iliacus"),
        ("/search/", "Search"),
        pytest.param("/search/?q=psoas", "<mark>psoas</mark>", marks=pytest.mark.indexing),
    ],
)
def test_page_renders_valid_accessible_html(client, site_tree, url, expected):
    response = client.get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert expected in html
    assert_accessible_html(html)


def test_article_with_every_block_renders(client, site_tree, embeds):
    add_article(site_tree.index, slug="all-blocks", body=body_with_image(make_image("Figure")), author=site_tree.author)

    response = client.get("/articles/all-blocks/")

    html = response.content.decode()
    assert response.status_code == 200
    assert_accessible_html(html)
    assert '<ol class="steps">' in html
    assert "10 times on each side" in html
    assert "Education, not a diagnosis." in html  # the disclaimer block and the article footer
    assert 'title="A test video"' in html
    assert "<figcaption>A caption" in html
    assert "Take care" in html


def test_article_shows_dates_author_topics_share_code_and_hero(client, site_tree):
    html = client.get("/articles/hip-flexor-stretches/").content.decode()

    assert '<time datetime="2025-03-04">4 March 2025</time>' in html
    assert '<time datetime="2026-10-12">12 October 2026</time>' in html
    assert 'href="/articles/author/stephen-odwyer/" rel="author"' in html
    assert 'href="/articles/topic/stretching/"' in html
    assert "<picture>" in html
    assert 'type="image/avif"' in html
    assert ".webp" in html
    assert 'alt="A test picture"' in html
    # The share code: a ready-to-copy <a> with the canonical URL, the title and the author.
    assert (
        "&lt;a href=&quot;http://testserver/articles/hip-flexor-stretches/&quot;&gt;"
        "Hip flexor stretches that release the psoas&lt;/a&gt; by Stephen O&#x27;Dwyer, CNMT"
    ) in html
    assert '<label for="share-code">' in html
    assert 'data-copy="share-code" hidden' in html  # the button appears only with JavaScript


def test_images_carry_width_and_height(client, site_tree):
    html = client.get("/articles/hip-flexor-stretches/").content.decode()
    imgs = html.split("<img ")[1:]
    assert imgs
    for img in imgs:
        tag = img.split(">", 1)[0]
        assert "width=" in tag, tag
        assert "height=" in tag, tag


def test_meta_tags_canonical_and_social_cards(client, site_tree):
    html = client.get("/articles/hip-flexor-stretches/").content.decode()

    assert '<link rel="canonical" href="http://testserver/articles/hip-flexor-stretches/">' in html
    assert '<meta name="description" content="The psoas and iliacus' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:image" content="http://testserver/media/images/' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html


def test_home_page_falls_back_to_the_default_share_image(client, site_tree):
    html = client.get("/").content.decode()

    assert '<meta property="og:image" content="http://testserver/media/images/share' in html


def test_related_articles_editor_picked_first_then_same_topic(client, site_tree):
    same_topic = add_article(site_tree.index, slug="same-topic", topics=[site_tree.stretching])
    picked = add_article(site_tree.index, slug="picked", topics=[site_tree.pelvis])
    add_article(site_tree.index, slug="unrelated", topics=[site_tree.pelvis])
    draft = add_article(site_tree.index, slug="draft-related", topics=[site_tree.stretching], publish=False)
    RelatedArticle.objects.create(page=site_tree.hip, article=picked, sort_order=0)
    RelatedArticle.objects.create(page=site_tree.hip, article=draft, sort_order=1)

    related = ArticlePage.objects.get(pk=site_tree.hip.pk).related_articles()

    assert [a.slug for a in related] == [picked.slug, same_topic.slug]


def test_private_articles_never_appear_as_related(client, site_tree):
    private = add_article(site_tree.index, slug="private", topics=[site_tree.stretching])
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)

    assert ArticlePage.objects.get(pk=site_tree.hip.pk).related_articles() == []


def test_topic_query_parameter_redirects_to_the_archive(client, site_tree):
    response = client.get("/articles/?topic=stretching")

    assert response.status_code == 301
    assert response["Location"] == "/articles/topic/stretching/"


@pytest.mark.parametrize(
    "url",
    [
        "/articles/topic/no-such-topic/",
        "/articles/?topic=no-such-topic",
        "/articles/author/nobody/",
        "/articles/no-such-article/",
        "/no/such/page/",
        "/articles/topic/",
        "/articles/hip-flexor-stretches/extra/",
    ],
)
def test_unknown_addresses_get_the_designed_404(client, site_tree, url):
    response = client.get(url)

    html = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in html
    assert 'class="site-header"' in html
    assert_accessible_html(html)


def test_draft_and_private_articles_are_not_served_to_readers(client, site_tree):
    add_article(site_tree.index, slug="draft", publish=False)
    private = add_article(site_tree.index, slug="private")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)

    assert client.get("/articles/draft/").status_code == 404
    assert client.get("/articles/private/").status_code == 302  # to the login page


def test_private_section_restricts_its_articles(client, site_tree):
    PageViewRestriction.objects.create(page=site_tree.index, restriction_type=PageViewRestriction.LOGIN)

    assert client.get("/articles/hip-flexor-stretches/").status_code == 302


def test_deleting_the_author_topic_or_hero_keeps_the_article_published(client, site_tree):
    site_tree.author.delete()
    site_tree.stretching.delete()
    site_tree.hero.delete()

    article = ArticlePage.objects.get(pk=site_tree.hip.pk)
    response = client.get("/articles/hip-flexor-stretches/")

    assert article.live
    assert article.author is None
    assert article.hero_image is None
    assert list(article.topics.all()) == []
    assert response.status_code == 200
    assert_accessible_html(response.content.decode())
    assert client.get("/").status_code == 200
    assert client.get("/feeds/rss/").status_code == 200


def test_page_revisions_survive_a_deleted_author(client, site_tree, admin_client):
    site_tree.author.delete()

    response = admin_client.get(f"/admin/pages/{site_tree.hip.pk}/edit/")

    assert response.status_code == 200


def test_admin_edit_and_preview_work(site_tree, admin_client):
    assert admin_client.get(f"/admin/pages/{site_tree.hip.pk}/edit/").status_code == 200
    assert admin_client.get(f"/admin/pages/{site_tree.home.pk}/edit/").status_code == 200
    assert admin_client.get(f"/admin/pages/{site_tree.hip.pk}/edit/preview/").status_code == 200
    assert admin_client.get("/admin/settings/website/sitesettings/").status_code in {200, 302}
    assert admin_client.get("/admin/snippets/website/topic/").status_code == 200
    assert admin_client.get("/admin/snippets/core/authorprofile/").status_code == 200


def test_500_page_renders_without_the_database():
    # No `db` fixture: any query here would fail the test.
    html = render_to_string("500.html")
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert_accessible_html(html)


def test_html_checker_catches_common_problems():
    bad = (
        "<!doctype html><html><head><title></title></head><body>"
        "<h1>One</h1><h3>Skipped</h3><h1>Two</h1><img src='x.png'>"
        "<input name='q'><a href='/'></a><p id='a'></p><p id='a'></p></body></html>"
    )

    problems = "\n".join(html_problems(bad))

    for expected in (
        "lang",
        "<title>",
        "exactly one <h1>",
        "skipped",
        "no alt",
        "no label",
        "accessible name",
        "duplicate id",
    ):
        assert expected in problems
    assert html_problems("<p>unclosed <b>tag</p>", fragment=True)
