"""A paid Checkout Session pays for an order only if that order opened it and its own fields match the order.

Webhook and success page both go through fulfillment.fulfill_checkout; a mismatch grants nothing, answers
200 (Stripe stops retrying), marks the order "needs refund" and is refunded with one button.
"""

import copy
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from shop.models import CheckoutSession, Entitlement, Order, RefundRequest, StripeEvent
from tests.shop.conftest import buy, deliver
from tests.shop.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


def _opened(client, fake, product, *, token="token-1"):  # noqa: S107 - a form token, not a password
    assert buy(client, product, token=token).status_code == 303
    order = Order.objects.latest("pk")
    return order, order.stripe_session_id


def _foreign_session(fake, order, *, amount=None, currency=None):
    """A session someone else opened on the account (not our checkout), naming our order in its metadata."""
    metadata = {"order_id": str(order.pk), "product_id": str(order.product_id)}
    session = fake.open_session(
        {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": "1",
                    "price_data": {"currency": currency or order.currency, "unit_amount": str(amount or order.amount)},
                }
            ],
            "client_reference_id": str(order.pk),
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
            "success_url": "https://elsewhere.example/ok",
        }
    )
    return session["id"]


def _tampered(event: dict, **fields) -> dict:
    """The same event with some of the session's own fields changed (Stripe signs whatever it sends)."""
    forged = copy.deepcopy(event)
    session = forged["data"]["object"]
    for name, value in fields.items():
        if name.startswith("total_details__"):
            session["total_details"][name.removeprefix("total_details__")] = value
        elif name.startswith("metadata__"):
            session["metadata"][name.removeprefix("metadata__")] = value
        else:
            session[name] = value
    return forged


def _assert_rejected(order_id: int) -> None:
    order = Order.objects.get(pk=order_id)
    assert order.status == "needs_refund"
    assert order.payment_problem
    assert Entitlement.objects.count() == 0
    assert order.paid_at is None


def test_a_session_the_order_did_not_open_grants_nothing_and_the_order_needs_a_refund(client, fake_stripe, guide):
    order, _own = _opened(client, fake_stripe, guide)
    foreign = _foreign_session(fake_stripe, order)

    response = deliver(client, fake_stripe.complete(foreign, email="mallory@example.com"))

    assert response.status_code == 200
    assert response.json()["result"] == "rejected"
    _assert_rejected(order.pk)
    event = StripeEvent.objects.get()
    assert (event.status, "not opened by this order" in event.last_error) == ("rejected", True)
    assert Order.objects.get().stripe_payment_intent_id == fake_stripe.sessions[foreign]["payment_intent"]


@pytest.mark.parametrize(
    "fields",
    [
        {"amount_subtotal": 100, "amount_total": 100},
        {"currency": "eur"},
        {"currency": None},
        {"amount_subtotal": None},
        {"metadata__order_id": "999999"},
        {"metadata__product_id": "999999"},
        {"client_reference_id": "999999"},
        {"amount_total": 100},
        {"total_details__amount_discount": 5000},
        {"total_details__amount_tax": 300, "amount_total": 2200},
        {"total_details__amount_shipping": 500, "amount_total": 2400},
    ],
    ids=[
        "other-amount",
        "other-currency",
        "no-currency",
        "no-subtotal",
        "other-order",
        "other-product",
        "other-reference",
        "total-not-price",
        "discount-over-price",
        "tax-with-stripe-tax-off",
        "shipping",
    ],
)
def test_a_session_whose_own_fields_do_not_match_grants_nothing(client, fake_stripe, guide, fields):
    order, session_id = _opened(client, fake_stripe, guide)
    event = fake_stripe.complete(session_id, email="ann@example.com")

    response = deliver(client, _tampered(event, **fields))

    assert response.status_code == 200
    assert response.json()["result"] == "rejected"
    _assert_rejected(order.pk)
    assert StripeEvent.objects.get().status == "rejected"


def test_a_promotion_code_discount_that_adds_up_is_accepted(client, fake_stripe, guide):
    order, session_id = _opened(client, fake_stripe, guide)
    event = fake_stripe.complete(session_id, email="ann@example.com")

    response = deliver(client, _tampered(event, total_details__amount_discount=500, amount_total=1400))

    assert response.json()["result"] == "applied"
    order.refresh_from_db()
    assert (order.status, order.amount_paid) == ("paid", 1400)
    assert Entitlement.objects.get().status == "active"


@pytest.mark.parametrize(("behavior", "total"), [("exclusive", 2200), ("inclusive", 1900)])
def test_stripe_tax_is_accepted_as_the_tax_settings_expect(client, fake_stripe, guide, settings, behavior, total):  # noqa: PLR0917
    settings.STRIPE_TAX = True
    settings.STRIPE_TAX_BEHAVIOR = behavior
    _order, session_id = _opened(client, fake_stripe, guide)
    event = fake_stripe.complete(session_id, email="ann@example.com")

    response = deliver(client, _tampered(event, total_details__amount_tax=300, amount_total=total))

    assert response.json()["result"] == "applied"
    assert Order.objects.get().status == "paid"


def test_the_success_page_applies_the_same_check(fake_stripe, guide):
    browser = Client()
    order, session_id = _opened(browser, fake_stripe, guide)
    fake_stripe.complete(session_id, email="ann@example.com")
    fake_stripe.sessions[session_id]["amount_subtotal"] = 100
    fake_stripe.sessions[session_id]["amount_total"] = 100

    page = browser.get(f"/shop/checkout/success/?session_id={session_id}")

    assert page.status_code == 200
    assert b"We could not accept this payment" in page.content
    _assert_rejected(order.pk)


def test_a_mismatch_for_an_order_already_paid_leaves_the_order_and_its_access_alone(client, fake_stripe, guide):
    order, session_id = _opened(client, fake_stripe, guide)
    deliver(client, fake_stripe.complete(session_id, email="ann@example.com"))
    foreign = _foreign_session(fake_stripe, order)

    response = deliver(client, fake_stripe.complete(foreign, email="mallory@example.com"))

    assert response.json()["result"] == "rejected"
    order.refresh_from_db()
    assert (order.status, order.email) == ("paid", "ann@example.com")
    assert Entitlement.objects.get().user.email == "ann@example.com"
    assert StripeEvent.objects.filter(status="rejected").count() == 1


def test_someone_elses_expired_or_failed_session_does_not_close_the_order(client, fake_stripe, guide):
    order, _own = _opened(client, fake_stripe, guide)
    foreign = _foreign_session(fake_stripe, order)
    fake_stripe.complete(foreign, payment_status="unpaid")

    deliver(client, fake_stripe.async_fail(foreign))

    assert Order.objects.get().status == "pending"


# --- one payable session per order ------------------------------------------------------------------


def test_every_session_is_kept_and_the_previous_one_is_expired_at_stripe_first(client, fake_stripe, guide):
    order, first = _opened(client, fake_stripe, guide, token="again")
    Order.objects.update(stripe_session_expires_at=timezone.now() + timedelta(minutes=2))

    assert buy(client, guide, token="again").status_code == 303

    order.refresh_from_db()
    assert order.stripe_session_id != first
    assert list(order.checkout_sessions.values_list("session_id", "attempt")) == [
        (first, 0),
        (order.stripe_session_id, 1),
    ]
    assert fake_stripe.sessions[first]["status"] == "expired"
    assert CheckoutSession.objects.get(session_id=first).expired_at is not None
    expire_calls = [r for r in fake_stripe.requests if r[1] == f"/v1/checkout/sessions/{first}/expire"]
    created = [i for i, r in enumerate(fake_stripe.requests) if r[1] == "/v1/checkout/sessions"]
    assert len(expire_calls) == 1
    assert fake_stripe.requests.index(expire_calls[0]) < created[-1]


def test_an_earlier_session_of_the_order_still_pays_for_it(client, fake_stripe, guide):
    _order, first = _opened(client, fake_stripe, guide, token="again")
    event = fake_stripe.complete(first, email="ann@example.com")
    Order.objects.update(stripe_session_id="cs_test_a_later_attempt")

    assert deliver(client, event).json()["result"] == "applied"
    assert Order.objects.get().status == "paid"


def test_a_previous_session_paid_meanwhile_is_fulfilled_instead_of_opening_another(client, fake_stripe, guide):
    order, first = _opened(client, fake_stripe, guide, token="again")
    fake_stripe.complete(first, email="ann@example.com")  # the webhook has not arrived yet
    Order.objects.update(stripe_session_expires_at=timezone.now() + timedelta(minutes=2))

    again = buy(client, guide, token="again")

    assert again.status_code == 303
    assert again["Location"] == f"/shop/checkout/success/?session_id={first}"
    order.refresh_from_db()
    assert order.status == "paid"
    assert order.checkout_sessions.count() == 1
    assert len(fake_stripe.requests_to("POST", "/v1/checkout/sessions")) == 1


def test_stripe_failing_to_expire_the_previous_session_opens_no_new_one(client, fake_stripe, guide):
    order, first = _opened(client, fake_stripe, guide, token="again")
    Order.objects.update(stripe_session_expires_at=timezone.now() + timedelta(minutes=2))
    fake_stripe.fail("POST", f"/v1/checkout/sessions/{first}/expire", status=500)

    failed = buy(client, guide, token="again")

    assert failed.status_code == 503
    assert b"Nothing was charged" in failed.content
    order.refresh_from_db()
    assert (order.stripe_session_id, order.checkout_attempt) == (first, 0)
    assert len(fake_stripe.requests_to("POST", "/v1/checkout/sessions")) == 1
    assert fake_stripe.sessions[first]["status"] == "open"


# --- the refund of a payment that did not match ----------------------------------------------------


@pytest.fixture
def staff_client():
    user = UserFactory(email="stephen@example.com", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


def test_one_button_refunds_a_mismatched_payment_and_stripe_confirms_it(client, fake_stripe, guide, staff_client):
    order, session_id = _opened(client, fake_stripe, guide)
    deliver(client, _tampered(fake_stripe.complete(session_id), metadata__product_id="999999"))

    listed = staff_client.get("/admin/shop/failures/")
    assert b"Payments to refund (1)" in listed.content
    assert f"/admin/shop/failures/orders/{order.pk}/refund/".encode() in listed.content

    pressed = staff_client.post(f"/admin/shop/failures/orders/{order.pk}/refund/")
    twice = staff_client.post(f"/admin/shop/failures/orders/{order.pk}/refund/")

    assert (pressed.status_code, twice.status_code) == (302, 302)
    assert len(fake_stripe.refunds) == 1  # the second press replays the same idempotency key
    refund = RefundRequest.objects.get()
    assert (refund.order_id, refund.amount) == (order.pk, 1900)
    assert refund.reason.startswith("The payment did not match the order")

    deliver(client, fake_stripe.events[-1])  # charge.refunded, as Stripe sends it after the refund
    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == ("needs_refund", 1900)
    assert Entitlement.objects.count() == 0
    assert b"Payments to refund (0)" in staff_client.get("/admin/shop/failures/").content


def test_the_customer_page_offers_the_refund_button_for_a_mismatched_payment(client, fake_stripe, staff_client):
    product = ProductFactory(name="Iliopsoas guide", price_amount=2500)
    buyer = UserFactory(email="ann@example.com")
    browser = Client()
    browser.force_login(buyer)
    order, session_id = _opened(browser, fake_stripe, product)
    deliver(client, _tampered(fake_stripe.complete(session_id), currency="eur"))

    page = staff_client.get(f"/admin/shop/customers/{buyer.pk}/")

    assert b"Needs refund (payment did not match)" in page.content
    assert b"Refund this payment ($25.00)" in page.content
    pressed = staff_client.post(f"/admin/shop/failures/orders/{order.pk}/refund/", {"back": "customer"})
    assert pressed["Location"] == f"/admin/shop/customers/{buyer.pk}/"
    assert RefundRequest.objects.get().order_id == order.pk
