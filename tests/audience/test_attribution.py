"""Attribution in-process: the source's parsing, the buy page's hidden fields under the page cache, the order's
fields, the signed free-course link, and nothing of it in what goes to Stripe."""

import re

import pytest
from django.test import override_settings
from wagtail.models import Page

from core import attribution
from courses import enrolment
from courses.models import Enrolment
from shop.models import Order
from tests.courses.factories import CourseIndexPageFactory, CoursePageFactory
from tests.shop.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_a_source_keeps_one_page_and_clean_utm_values():
    source = attribution.from_parameters(
        {"from": "42", "utm_source": " news\x00letter ", "utm_medium": "x" * 500, "utm_other": "dropped", "gclid": "1"}
    )

    assert source.page_id == 42
    assert source.utm == {"utm_source": "newsletter", "utm_medium": "x" * 100}


@pytest.mark.parametrize("value", ["", "0", "-1", "abc", "1e3", "99999999999"])
def test_a_malformed_page_id_is_dropped(value):
    assert attribution.from_parameters({"from": value}).page_id is None


def test_a_page_id_that_names_no_page_is_not_stored():
    assert attribution.existing(attribution.Source(page_id=987654, utm={"utm_source": "a"})) == attribution.Source(
        utm={"utm_source": "a"}
    )


@override_settings(PAGE_CACHE_ENABLED=True, SHOP_DEMO=True, STRIPE_SECRET_KEY="")
def test_the_buy_page_keeps_the_article_and_the_utm_values_the_page_cache_strips(client):
    ProductFactory(slug="guide")
    article = Page.objects.get(depth=2)

    html = client.get(f"/shop/buy/guide/?from={article.pk}&utm_source=newsletter&utm_campaign=spring").content.decode()
    form = re.search(r'<form method="post".*?</form>', html, re.S).group(0)

    assert f'<input type="hidden" name="from" value="{article.pk}">' in form
    assert '<input type="hidden" name="utm_source" value="newsletter">' in form
    assert '<input type="hidden" name="utm_campaign" value="spring">' in form


def test_checkout_stores_the_source_on_the_order_and_sends_none_of_it_to_stripe(client, settings):
    from tests.fakestripe.server import FakeStripe

    fake = FakeStripe(secret_key="sk_test_unit")
    settings.STRIPE_API_BASE = fake.start()
    settings.STRIPE_SECRET_KEY = "sk_test_unit"
    settings.SHOP_DEMO = False
    try:
        ProductFactory(slug="guide")
        article = Page.objects.get(depth=2)
        form = {"token": "t-1", "price": "1900", "consent": "on", "from": str(article.pk), "utm_source": "newsletter"}

        response = client.post("/shop/buy/guide/", form)

        order = Order.objects.get(checkout_token="t-1")
        sent = repr([request for request in fake.requests if "checkout/sessions" in request[1]])
    finally:
        fake.stop()
    assert response.status_code == 303
    assert (order.source_page_id, order.utm_source, order.utm_medium) == (article.pk, "newsletter", "")
    assert "newsletter" not in sent
    assert "utm" not in sent
    assert "from" not in sent.lower().replace("from_", "")


def test_the_free_course_link_carries_the_source_until_the_student_confirms():
    home = Page.objects.get(depth=2)
    course = CoursePageFactory(parent=CourseIndexPageFactory(parent=home), slug="free")
    source = attribution.Source(page_id=home.pk, utm={"utm_source": "podcast"})

    token = enrolment.optin_token(email="reader@example.com", course=course, source=source)
    assert not Enrolment.objects.exists()
    enrolment.confirm(token=token)

    placed = Enrolment.objects.get()
    assert (placed.source_page_id, placed.utm_source) == (home.pk, "podcast")


def test_a_second_sign_up_keeps_the_first_source():
    home = Page.objects.get(depth=2)
    course = CoursePageFactory(parent=CourseIndexPageFactory(parent=home), slug="free")
    enrolment.confirm(
        token=enrolment.optin_token(
            email="reader@example.com", course=course, source=attribution.Source(utm={"utm_source": "first"})
        )
    )

    enrolment.confirm(
        token=enrolment.optin_token(
            email="reader@example.com", course=course, source=attribution.Source(utm={"utm_source": "second"})
        )
    )

    assert list(Enrolment.objects.values_list("utm_source", flat=True)) == ["first"]
