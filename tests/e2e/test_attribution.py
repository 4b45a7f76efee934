"""Outside-in: a reader follows an article's promotion to a purchase (paid through a signed webhook) and to a
free-course place, over HTTP through gunicorn; the order and the enrolment name that one article and the UTM
values, Stripe never hears of them, reading sets no cookie, and DNT / GPC readers are not counted."""

import html as htmllib
import json
import re

from wagtail.models import Page

from audience.models import PageView
from courses.models import Enrolment
from shop.models import Order
from shop.stripe_gateway import sign_payload
from tests.courses.factories import CourseIndexPageFactory, CoursePageFactory, LessonPageFactory
from tests.e2e.test_shop_payments import WEBHOOK_SECRET, fake_stripe  # noqa: F401 - the fixture
from tests.shop.factories import ProductFactory
from tests.website import conftest as website_fixtures

site_tree = website_fixtures.site_tree
ARTICLE = "/articles/hip-flexor-stretches/"
ARRIVAL = "?utm_source=newsletter&utm_medium=email&utm_campaign=spring"


def _promoting_article(tree, product):
    article = tree.hip
    article.body = [("product", {"product": product, "headline": "", "text": "It helps."})]
    article.save_revision().publish()
    return Page.objects.get(pk=article.pk)


def _carried(href: str) -> str:
    """What static/js/audience.js does to a data-keep-source link: add the utm_* values the page was opened with."""
    return href + ("&" if "?" in href else "?") + ARRIVAL.lstrip("?")


def _hidden_fields(form: str) -> dict:
    return {
        name: htmllib.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)
    }


def test_a_promotion_click_leads_to_a_paid_order_that_names_the_article(
    fake_stripe,  # noqa: F811 - first, so the server starts with the fake's address and keys
    live_site,
    request,
):
    tree = request.getfixturevalue("site_tree")
    product = ProductFactory(name="Stretching guide", slug="stretching-guide", price_amount=1900, currency="usd")
    article = _promoting_article(tree, product)
    reader = live_site.client()

    page = live_site.get(ARTICLE + ARRIVAL, reader)
    link = re.search(r'<a class="button" data-keep-source href="([^"]+)">Buy', page.text).group(1)
    buy_page = live_site.get(_carried(htmllib.unescape(link)), reader)
    form = re.search(r"<form method=\"post\" action=\"/shop/buy/stretching-guide/\".*?</form>", buy_page.text, re.S)
    assert form, buy_page.text[buy_page.text.find("<main") :][:1500]
    started = live_site.post(
        "/shop/buy/stretching-guide/",
        reader,
        data={**_hidden_fields(form.group(0)), "consent": "on"},
        headers={"Referer": live_site.url + "/shop/buy/stretching-guide/"},
    )
    order = Order.objects.get()
    event = fake_stripe.complete(order.stripe_session_id)
    payload = json.dumps(event).encode()
    delivered = live_site.post(
        "/shop/stripe/webhook/",
        data=payload,
        headers={
            "Content-Type": "application/json",
            "Stripe-Signature": sign_payload(payload=payload, secret=WEBHOOK_SECRET),
        },
    )

    assert "Set-Cookie" not in page.headers
    assert link == f"/shop/buy/stretching-guide/?from={article.pk}"
    assert started.status_code == 303
    assert delivered.status_code == 200
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert (order.source_page_id, order.utm_source, order.utm_medium, order.utm_campaign) == (
        article.pk,
        "newsletter",
        "email",
        "spring",
    )
    to_stripe = repr([params for _method, path, params, _key in fake_stripe.requests if "checkout" in path])
    assert "newsletter" not in to_stripe
    assert "spring" not in to_stripe
    assert f"from={article.pk}" not in to_stripe


def test_a_promotion_led_free_course_sign_up_names_the_article_once_confirmed(live_site, request):
    tree = request.getfixturevalue("site_tree")
    course = CoursePageFactory(parent=CourseIndexPageFactory(parent=tree.home), title="Free AIS", slug="free-ais")
    LessonPageFactory(parent=course, slug="first-steps")
    article = tree.hip

    course_page = live_site.get(f"{course.url}?from={article.pk}&utm_source=podcast")
    action = re.search(r'<form class="inline-form" method="post" action="([^"]+)" data-keep-source>', course_page.text)
    # The enrol form is on a cached page: the script adds the article and the utm_* values as hidden fields.
    sent = live_site.post(
        action.group(1), data={"email": "new.reader@example.com", "from": str(article.pk), "utm_source": "podcast"}
    )
    (message,) = [mail for mail in live_site.mail() if "new.reader@example.com" in mail.to]
    confirm_path = re.search(r"https?://[^/\s]+(/learn/confirm/[^\s]+/)", message.text_body).group(1)
    student = live_site.client()
    confirm_page = live_site.get(confirm_path, student)
    pressed = live_site.submit(student, confirm_path, {})

    assert sent.status_code == 200
    assert confirm_page.status_code == 200
    assert pressed.status_code == 302
    placed = Enrolment.objects.get(user__email="new.reader@example.com")
    assert (placed.source_page_id, placed.utm_source) == (article.pk, "podcast")


def test_reading_sets_no_cookie_and_dnt_or_gpc_readers_are_not_counted(live_site, request):
    tree = request.getfixturevalue("site_tree")
    article = tree.hip

    first = live_site.get(ARTICLE)
    second = live_site.get(ARTICLE)
    beacon_url = re.search(r'data-view-url="([^"]+)" data-page="(\d+)"', first.text)
    counted = live_site.post(beacon_url.group(1), data={"page": beacon_url.group(2)})
    dnt = live_site.post(beacon_url.group(1), data={"page": article.pk}, headers={"DNT": "1"})
    gpc = live_site.post(beacon_url.group(1), data={"page": article.pk}, headers={"Sec-GPC": "1"})

    assert second.headers["X-Page-Cache"] == "hit"
    assert int(beacon_url.group(2)) == article.pk
    for response in (first, second, counted, dnt, gpc):
        assert "Set-Cookie" not in response.headers
    assert (counted.status_code, dnt.status_code, gpc.status_code) == (204, 204, 204)
    assert list(PageView.objects.values_list("page_id", flat=True)) == [article.pk]
