"""shop.pages: the shop finds the pages that show its products and the legal pages through registrations only."""

import pytest

from courses.models import CoursePage
from shop import entitlements, library, pages
from shop.entitlements import Actor
from shop.models import Product
from tests.shop.factories import UserFactory
from website.models import GuidePage, LegalPage, ShopIndexPage

pytestmark = pytest.mark.django_db


def test_the_rooms_above_registered_their_page_types():
    registered = [model for model, _field, _shown_with in pages._product_pages]

    assert registered == [GuidePage, CoursePage]


def test_library_links_each_product_to_the_page_that_shows_it(demo_site):
    buyer = UserFactory()
    for slug in ("stretching-guide", "relieving-that-pain"):
        entitlements.grant(user=buyer, product=Product.objects.get(slug=slug), actor=Actor.for_system(), reason="t")

    urls = {item.slug: item.page_url for item in library.items_for(buyer)}

    assert urls == {
        "stretching-guide": GuidePage.objects.get(slug="stretching-guide").url,
        "relieving-that-pain": CoursePage.objects.get(slug="relieving-that-pain").url,
    }
    assert urls["stretching-guide"] == "/guides/stretching-guide/"


def test_a_product_without_a_live_page_has_no_page(demo_site):
    guide = GuidePage.objects.get(slug="stretching-guide")
    guide.unpublish()

    assert pages.page_for(guide.product) is None
    assert library.page_url_for(guide.product) == ""


def test_checkout_links_the_legal_pages_where_editors_put_them(demo_site):
    terms = LegalPage.objects.get(slug="terms")
    terms.move(ShopIndexPage.objects.get(), pos="last-child")

    urls = pages.legal_urls()

    assert urls == {"terms": "/guides/terms/", "refund_policy": "/refund-policy/", "privacy": "/privacy/"}


def test_legal_links_fall_back_to_the_usual_addresses_without_pages(db):
    assert pages.legal_urls() == {"terms": "/terms/", "refund_policy": "/refund-policy/", "privacy": "/privacy/"}
