"""Outside-in: the shop's payment checks and admin over real HTTP through gunicorn.

Forged-but-validly-signed Stripe events (someone else's session, another amount, another currency) grant
nothing and answer 200; an oversized webhook is refused with 413; the ledger cannot be added to or edited
through the admin's generic views; staff with only "change entitlement" cannot read a customer's page.
"""

import copy
import json
import re

import pytest
from django.contrib.auth.models import Group, Permission

from shop import entitlements
from shop.entitlements import Actor
from shop.models import Entitlement, Order, StripeEvent
from shop.stripe_gateway import sign_payload
from tests.e2e.conftest import csrf_token
from tests.fakestripe.server import FakeStripe
from tests.shop.factories import OrderFactory, ProductFactory, UserFactory

WEBHOOK_SECRET = "whsec_e2e_secret"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def fake_stripe(settings):
    """The fake Stripe in this process; start_live_site passes its address and keys to the server."""
    fake = FakeStripe(secret_key="sk_test_e2e")
    settings.STRIPE_API_BASE = fake.start()
    settings.STRIPE_SECRET_KEY = "sk_test_e2e"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.SHOP_DEMO = False
    yield fake
    fake.stop()


def _post_event(site, event: dict):
    payload = json.dumps(event).encode()
    return site.post(
        "/shop/stripe/webhook/",
        data=payload,
        headers={
            "Content-Type": "application/json",
            "Stripe-Signature": sign_payload(payload=payload, secret=WEBHOOK_SECRET),
        },
    )


def _start_order(site, token: str):
    browser = site.client()
    started = site.submit(browser, "/shop/buy/stretching-guide/", {"token": token, "price": "1900", "consent": "on"})
    assert started.status_code == 303, started.text
    return browser, Order.objects.get(checkout_token=token)


def _with_session_fields(event: dict, **fields) -> dict:
    forged = copy.deepcopy(event)
    forged["data"]["object"].update(fields)
    return forged


def test_forged_but_signed_events_grant_nothing_answer_200_and_need_a_refund(fake_stripe, live_db, start_live_site):
    ProductFactory(name="Stretching guide", slug="stretching-guide", price_amount=1900, currency="usd")
    site = start_live_site(workers=1)
    _browser, foreign_target = _start_order(site, "e2e-foreign")
    amount_browser, wrong_amount = _start_order(site, "e2e-amount")
    _browser, wrong_currency = _start_order(site, "e2e-currency")
    metadata = {"order_id": str(foreign_target.pk), "product_id": str(foreign_target.product_id)}
    foreign = fake_stripe.open_session(
        {
            "mode": "payment",
            "line_items": [{"quantity": "1", "price_data": {"currency": "usd", "unit_amount": "1900"}}],
            "client_reference_id": str(foreign_target.pk),
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
        }
    )
    events = [
        fake_stripe.complete(foreign["id"], email="mallory@example.com"),
        _with_session_fields(
            fake_stripe.complete(wrong_amount.stripe_session_id), amount_subtotal=100, amount_total=100
        ),
        _with_session_fields(fake_stripe.complete(wrong_currency.stripe_session_id), currency="eur"),
    ]

    answers = [_post_event(site, event) for event in events]

    assert [(a.status_code, a.json()["result"]) for a in answers] == [(200, "rejected")] * 3
    assert Entitlement.objects.count() == 0
    assert set(Order.objects.values_list("status", flat=True)) == {"needs_refund"}
    assert set(StripeEvent.objects.values_list("status", flat=True)) == {"rejected"}
    page = site.get(f"/shop/checkout/success/?session_id={wrong_amount.stripe_session_id}", amount_browser)
    assert page.status_code == 200
    assert "We could not accept this payment" in page.text
    assert "Thank you for your order" not in page.text


def test_an_oversized_webhook_body_is_refused_with_413(fake_stripe, live_db, start_live_site):
    site = start_live_site(workers=1)

    answers = [
        site.post("/shop/stripe/webhook/", data=b"{" + b" " * size + b"}", headers={"Stripe-Signature": "t=1,v1=0"})
        for size in (1024 * 1024 + 1, 3 * 1024 * 1024)
    ]

    assert [a.status_code for a in answers] == [413, 413]
    assert StripeEvent.objects.count() == 0


def _signed_in(site, user) -> object:
    browser = site.client()
    answer = site.submit(browser, "/admin/login/", {"username": user.username, "password": PASSWORD})
    assert answer.status_code == 302, answer.text
    return browser


def test_the_ledger_cannot_be_added_to_or_edited_through_the_admin_even_by_a_superuser(
    fake_stripe, live_db, start_live_site
):
    boss = UserFactory(email="stephen@example.com", is_staff=True, is_superuser=True)
    boss.set_password(PASSWORD)
    boss.save()
    order = OrderFactory(status="paid", email="ann@example.com", amount_paid=1900)
    site = start_live_site(workers=1)
    browser = _signed_in(site, boss)
    token = csrf_token(site.get("/admin/order/", browser).text) or browser.cookies.get("csrftoken", "")

    answers = {
        "list": site.get("/admin/order/", browser).status_code,
        "add": site.get("/admin/order/new/", browser).status_code,
        "add-post": site.post(
            "/admin/order/new/",
            browser,
            data={"csrfmiddlewaretoken": token, "email": "x@example.com"},
            headers={"Referer": site.url + "/admin/order/"},
        ).status_code,
        "edit": site.get(f"/admin/order/edit/{order.pk}/", browser).status_code,
        "edit-post": site.post(
            f"/admin/order/edit/{order.pk}/",
            browser,
            data={"csrfmiddlewaretoken": token, "email": "x@example.com"},
            headers={"Referer": site.url + "/admin/order/"},
        ).status_code,
        "entitlement-add": site.get("/admin/entitlement/new/", browser).status_code,
        "stripe-event-add": site.get("/admin/stripeevent/new/", browser).status_code,
    }

    assert answers == {
        "list": 200,
        "add": 404,
        "add-post": 404,
        "edit": 404,
        "edit-post": 404,
        "entitlement-add": 404,
        "stripe-event-add": 404,
    }
    assert Order.objects.get().email == "ann@example.com"


def test_staff_with_only_change_entitlement_cannot_read_a_customer_page_by_posting(
    fake_stripe, live_db, start_live_site
):
    buyer = UserFactory(email="private.buyer@example.com")
    product = ProductFactory(name="Stretching guide", slug="stretching-guide")
    order = OrderFactory(product=product, user=buyer, email=buyer.email, status="paid", amount_paid=1900)
    entitlements.grant(user=buyer, product=product, order=order, actor=Actor.for_checkout(), reason="Paid.")
    group = Group.objects.create(name="Access only")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(content_type__app_label="shop", codename="change_entitlement"),
    )
    helper = UserFactory(email="helper@example.com", is_staff=True)
    helper.set_password(PASSWORD)
    helper.save()
    helper.groups.add(group)
    site = start_live_site(workers=1)
    browser = _signed_in(site, helper)
    dashboard = site.get("/admin/", browser)
    token = csrf_token(dashboard.text) or browser.cookies.get("csrftoken", "")

    posted = site.post(
        f"/admin/shop/customers/{buyer.pk}/access/",
        browser,
        data={"csrfmiddlewaretoken": token, "action": "grant", "product": ""},
        headers={"Referer": site.url + "/admin/"},
    )
    landed = site.get(posted.headers.get("Location", "/admin/"), browser)

    assert posted.status_code == 302
    assert posted.headers["Location"] == "/admin/"
    assert "private.buyer@example.com" not in posted.text
    assert "private.buyer@example.com" not in landed.text
    assert re.search(r"permission", landed.text, re.IGNORECASE)
    assert Entitlement.objects.get().status == "active"
