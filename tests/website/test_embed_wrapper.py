"""Video embeds keep their shape with a class: Wagtail's inline style would be refused by the site's CSP."""

from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from wagtail.embeds import oembed_providers
from wagtail.rich_text import RichText

from tests.html_checks import assert_no_inline_code
from tests.website.conftest import add_article


@pytest.fixture
def embeds(settings):
    settings.WAGTAILEMBEDS_FINDERS = [{"class": "tests.website.fake_embeds.FakeFinder"}]


def test_video_in_rich_text_has_a_class_wrapper_and_no_inline_code(client, site_tree, embeds):
    # Rich text (and the course video block) render Wagtail's responsive wrapper; the embed block its own figure.
    video = '<p>Watch this first.</p><embed embedtype="media" url="https://video.example/watch?v=1"/>'
    add_article(site_tree.index, slug="with-video", body=[("paragraph", RichText(video))])

    html = client.get("/articles/with-video/").content.decode()

    assert '<div class="responsive-object ratio-16x9">' in html
    assert 'title="A test video"' in html
    assert_no_inline_code(html)


@pytest.mark.parametrize(
    ("width", "height", "css_class"),
    [(640, 360, "ratio-16x9"), (560, 420, "ratio-4x3"), (500, 500, "ratio-1x1"), (360, 640, "ratio-9x16")],
)
def test_embed_ratio_becomes_a_class(settings, width, height, css_class):
    settings.WAGTAILEMBEDS_RESPONSIVE_HTML = True
    embed = SimpleNamespace(is_responsive=True, ratio=height / width, html="<iframe title='v'></iframe>")

    html = render_to_string("wagtailembeds/embed_frontend.html", {"embed": embed})

    assert f'class="responsive-object {css_class}"' in html
    assert "style" not in html


def test_editors_can_embed_only_the_providers_the_policy_allows(settings):
    providers = settings.WAGTAILEMBEDS_FINDERS[0]["providers"]

    assert providers == [oembed_providers.youtube, oembed_providers.vimeo]
    assert "https://www.youtube.com" in settings.SECURE_CSP["frame-src"]
    assert "https://player.vimeo.com" in settings.SECURE_CSP["frame-src"]
