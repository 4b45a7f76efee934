"""A guide's page sells with the sections its editor orders (website.blocks.GuideSalesBlock)."""

import importlib
import re

import pytest
from wagtail.rich_text import RichText

from shop.models import Product
from tests.html_checks import assert_accessible_html
from website.blocks import GuideSalesBlock
from website.models import GuidePage, LegalPage, ShopIndexPage

from .conftest import make_image

migration = importlib.import_module("website.migrations.0006_guide_sales_blocks")


def sections(refund_page=None) -> list:
    return [
        (
            "faq",
            {
                "heading": "Questions readers ask",
                "questions": [
                    {"question": "Do I need a rope?", "answer": RichText("<p>A towel works as well.</p>")},
                    {"question": "Is it a printed book?", "answer": RichText("<p>A PDF to keep.</p>")},
                ],
            },
        ),
        (
            "inside",
            {
                "heading": "What's inside",
                "introduction": "",
                "chapters": [
                    {"title": "Why short stretches work", "summary": "The stretch reflex."},
                    {"title": "The hip flexors", "summary": ""},
                ],
            },
        ),
        (
            "testimonials",
            {
                "heading": "What readers say",
                "testimonials": [{"quote": "My back thanks you.", "name": "Mary K.", "detail": "gardener"}],
            },
        ),
        (
            "refund",
            {"heading": "Our promise", "text": RichText("<p>Thirty days, full refund.</p>"), "policy": refund_page},
        ),
    ]


@pytest.fixture
def guide_page(site_tree):
    home = site_tree.home
    refund = home.add_child(instance=LegalPage(title="Refund policy", slug="refund-policy", body="<p>Refunds.</p>"))
    refund.save_revision().publish()
    index = home.add_child(instance=ShopIndexPage(title="Guides", slug="guides"))
    product = Product.objects.create(name="Stretching Blueprint", slug="stretching", price_amount=1900, currency="usd")
    page = index.add_child(
        instance=GuidePage(
            title="Stretching Blueprint for Pain Relief & Better Flexibility",
            slug="stretching",
            subtitle="The Complete Guide",
            description="<p>Short stretches.</p>",
            product=product,
            cover=make_image("Cover", size=(1000, 1400)),
            sales=sections(refund),
        )
    )
    page.save_revision().publish()
    return page


def test_sections_render_in_the_order_the_editor_put_them(client, guide_page):
    html = client.get(guide_page.url).content.decode()

    headings = re.findall(r"<h2>([^<]+)</h2>", html)
    assert headings == ["Questions readers ask", "What&#x27;s inside", "What readers say", "Our promise"]
    assert_accessible_html(html)


def test_faq_answers_open_under_their_questions_without_script(client, guide_page):
    html = client.get(guide_page.url).content.decode()

    questions = re.findall(r"<details[^>]*>\s*<summary>([^<]+)</summary>\s*<div[^>]*><p>([^<]+)</p>", html)
    assert questions == [("Do I need a rope?", "A towel works as well."), ("Is it a printed book?", "A PDF to keep.")]


def test_testimonial_is_a_quote_credited_in_its_caption(client, guide_page):
    html = client.get(guide_page.url).content.decode()

    assert re.search(
        r'<figure class="guide-testimonial">\s*<blockquote><p>My back thanks you.</p></blockquote>\s*'
        r'<figcaption><span class="guide-testimonial-name">Mary K.</span>, gardener</figcaption>',
        html,
    )


def test_refund_promise_links_the_live_refund_policy_only(client, guide_page):
    policy = LegalPage.objects.get(slug="refund-policy")
    assert f'href="{policy.url}">Read the refund policy' in client.get(guide_page.url).content.decode()

    policy.unpublish()

    assert "Read the refund policy" not in client.get(guide_page.url).content.decode()


def test_cover_is_offered_at_twice_its_size_for_phones(client, guide_page):
    html = client.get(guide_page.url).content.decode()

    img = re.search(r'<img [^>]*class="guide-cover"[^>]*>', html).group(0)
    widths = {int(w) for w in re.findall(r" (\d+)w", re.search(r'srcset="([^"]+)"', img).group(1))}
    shown = int(re.search(r'width="(\d+)"', img).group(1))
    assert shown == 320
    assert 2 * shown in widths


def test_chapters_come_from_the_whats_inside_sections(guide_page):
    assert guide_page.chapters == ["Why short stretches work", "The hip flexors"]


def test_the_api_serves_the_sections(client, guide_page):
    response = client.get(f"/api/v2/pages/{guide_page.pk}/")

    assert response.status_code == 200
    kinds = [section["type"] for section in response.json()["sales"]]
    assert kinds == ["faq", "inside", "testimonials", "refund"]


def test_migration_turns_old_contents_and_sample_into_sections_and_back(db):
    built = migration._sections("Why short stretches work\n\nThe hip flexors\n", "<p>A page of the guide.</p>")

    value = GuideSalesBlock().to_python(built)
    assert [section.block_type for section in value] == ["inside", "samples"]
    assert [c["title"] for c in value[0].value["chapters"]] == ["Why short stretches work", "The hip flexors"]
    assert value[1].value["pages"][0]["excerpt"].source == "<p>A page of the guide.</p>"
    assert migration._old_fields(built) == ("Why short stretches work\nThe hip flexors", "<p>A page of the guide.</p>")


def test_migration_leaves_an_empty_page_empty():
    assert migration._sections("", "") == []
    assert migration._old_fields([]) == ("", "")
