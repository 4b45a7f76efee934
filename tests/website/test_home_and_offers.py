"""What the author offers, where readers meet it: the home page, the guides bundle, the article's shop card."""

import re

from courses.models import CoursePage
from shop import entitlements
from shop.models import Product
from tests.courses.factories import UserFactory
from tests.html_checks import assert_accessible_html, inline_code_problems
from tests.website.conftest import add_article
from website.models import GuidePage

BUNDLE_BUY = 'href="/shop/buy/all-three-guides/"'


def _grant(user, slug):
    product = Product.objects.get(slug=slug)
    entitlements.grant(user=user, product=product, actor=entitlements.Actor.for_system(), reason="test")


def test_home_offers_the_guides_the_course_the_bundle_and_the_free_course(client, demo_site):
    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    for guide in GuidePage.objects.live():
        assert f'href="{guide.url}"' in html
    paid = CoursePage.objects.live().filter(product__isnull=False).first()
    assert f'href="{paid.url}"' in html
    assert BUNDLE_BUY in html
    assert Product.objects.get(slug="all-three-guides").price_display in html
    assert_accessible_html(html)
    assert inline_code_problems(html) == []


def test_home_sign_up_form_posts_to_enrol_and_carries_no_per_person_token(client, demo_site):
    free = CoursePage.objects.live().filter(product__isnull=True).first()

    response = client.get("/")

    html = response.content.decode()
    form = re.search(r'<form class="signup-form" method="post" action="([^"]+)"[^>]*>(.*?)</form>', html, re.S)
    assert form.group(1) == f"/learn/courses/{free.pk}/enrol/"
    assert 'type="email" name="email"' in form.group(2)
    assert "csrfmiddlewaretoken" not in html
    assert not response.cookies


def test_shop_index_offers_all_three_guides_with_price_and_buy_link(client, demo_site):
    html = client.get("/guides/").content.decode()

    offer = re.search(r'<aside class="offer-card offer-bundle".*?</aside>', html, re.S).group(0)
    assert "Get all three" in offer
    assert "$45.00" in offer
    assert BUNDLE_BUY in offer
    assert "save $15.00" in offer
    assert_accessible_html(html)


def test_each_guide_page_offers_the_bundle(client, demo_site):
    for guide in GuidePage.objects.live():
        html = client.get(guide.url).content.decode()
        assert BUNDLE_BUY in html, guide.url
        assert_accessible_html(html)


def test_a_reader_who_owns_one_of_the_guides_is_not_offered_the_bundle(client, demo_site):
    reader = UserFactory(email="reader@example.com")
    _grant(reader, "iliopsoas-guide")
    client.force_login(reader)

    assert BUNDLE_BUY not in client.get("/guides/").content.decode()
    assert BUNDLE_BUY not in client.get(GuidePage.objects.get(slug="stretching-guide").url).content.decode()


def test_no_bundle_offer_when_the_bundle_is_off_sale(client, demo_site):
    Product.objects.filter(slug="all-three-guides").update(active=False)

    assert BUNDLE_BUY not in client.get("/guides/").content.decode()
    assert BUNDLE_BUY not in client.get("/").content.decode()


def test_article_promotion_is_a_card(client, demo_site):
    html = client.get("/articles/hip-flexor-stretches/").content.decode()

    card = re.search(r'<aside class="promo-card" aria-label="From the shop">.*?</aside>', html, re.S).group(0)
    assert 'class="promo-title"' in card
    assert 'class="button" data-keep-source href="/shop/buy/iliopsoas-guide/?from=' in card


def test_an_article_without_a_hero_image_gets_a_text_card_without_an_empty_picture(client, site_tree):
    site_tree.hip.unpublish()
    add_article(site_tree.index, slug="no-picture", title="An article with no picture", author=site_tree.author)

    html = client.get("/").content.decode()

    card = re.search(r'<article class="card card-featured card-text-only">.*?</article>', html, re.S).group(0)
    assert "An article with no picture" in card
    assert "card-media" not in card
