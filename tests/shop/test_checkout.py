"""shop.checkout through the buy view and the real gateway: what Stripe gets, session reuse, new attempts, outages."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from shop.models import Order
from tests.shop.conftest import buy, deliver
from tests.shop.factories import UserFactory

pytestmark = pytest.mark.django_db


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def checkout_log():
    handler = _Collect()
    logger = logging.getLogger("shop.checkout")
    logger.addHandler(handler)
    yield handler.records
    logger.removeHandler(handler)


def _created(fake) -> list[tuple[dict, str]]:
    """What each create-session request sent: (parameters, idempotency key)."""
    return [(params, key) for _method, _path, params, key in fake.requests_to("POST", "/v1/checkout/sessions")]


def test_checkout_sends_stripe_exactly_our_order(client, fake_stripe, guide, settings):
    settings.STRIPE_TERMS_CONSENT = False
    settings.STRIPE_TAX = False

    response = buy(client, guide)

    order = Order.objects.get()
    metadata = {"order_id": str(order.pk), "product_id": str(guide.pk), "product_slug": "stretching-guide"}
    [(params, key)] = _created(fake_stripe)
    consent_message = params.pop("custom_text")["submit"]["message"]
    assert params == {
        "mode": "payment",
        "line_items": [
            {
                "quantity": "1",
                "price_data": {
                    "currency": "usd",
                    "unit_amount": "1900",
                    "product_data": {"name": "Stretching guide", "metadata": metadata},
                },
            }
        ],
        "client_reference_id": str(order.pk),
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata},
        "success_url": "http://testserver/shop/checkout/success/?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "http://testserver/shop/buy/stretching-guide/?cancelled=1",
        "allow_promotion_codes": "true",
    }
    assert "14-day right of withdrawal" in consent_message
    assert key == f"checkout-order-{order.pk}-attempt-0"
    session = fake_stripe.sessions[order.stripe_session_id]
    assert response.status_code == 303
    assert response["Location"] == session["url"]
    assert (order.status, order.amount, order.stripe_session_url) == ("pending", 1900, session["url"])


def test_signed_in_buyer_email_goes_to_stripe(client, fake_stripe, guide):
    client.force_login(UserFactory(email="known@example.com"))

    assert buy(client, guide).status_code == 303

    [(params, _key)] = _created(fake_stripe)
    assert params["customer_email"] == "known@example.com"
    assert Order.objects.get().email == "known@example.com"


def test_stripe_tax_adds_automatic_tax_and_digital_goods_codes(client, fake_stripe, guide, settings):
    settings.STRIPE_TAX = True

    assert buy(client, guide).status_code == 303

    [(params, _key)] = _created(fake_stripe)
    assert params["automatic_tax"] == {"enabled": "true"}
    price_data = params["line_items"][0]["price_data"]
    assert price_data["tax_behavior"] == "inclusive"
    assert price_data["product_data"]["tax_code"] == settings.STRIPE_TAX_CODE_GUIDE


def test_double_click_reuses_the_open_session(client, fake_stripe, guide):
    first = buy(client, guide, token="double-click")
    second = buy(client, guide, token="double-click")

    assert (first.status_code, second.status_code) == (303, 303)
    assert first["Location"] == second["Location"]
    assert Order.objects.count() == 1
    assert len(_created(fake_stripe)) == 1


def test_paid_order_resubmitted_goes_to_the_success_page(client, fake_stripe, guide):
    buy(client, guide, token="paid-already")
    order = Order.objects.get()
    deliver(client, fake_stripe.complete(order.stripe_session_id, email="ann@example.com"))

    again = buy(client, guide, token="paid-already")

    assert again.status_code == 303
    assert again["Location"] == f"/shop/checkout/success/?session_id={order.stripe_session_id}"
    assert len(_created(fake_stripe)) == 1


def test_expired_session_starts_a_new_attempt_with_a_new_key(client, fake_stripe, guide):
    buy(client, guide, token="expires")
    order = Order.objects.get()
    first_session = order.stripe_session_id
    deliver(client, fake_stripe.expire(first_session))
    assert Order.objects.get().status == "expired"

    again = buy(client, guide, token="expires")

    order.refresh_from_db()
    assert again.status_code == 303
    assert [key for _params, key in _created(fake_stripe)] == [
        f"checkout-order-{order.pk}-attempt-0",
        f"checkout-order-{order.pk}-attempt-1",
    ]
    assert (order.status, order.checkout_attempt) == ("pending", 1)
    assert order.stripe_session_id != first_session
    assert again["Location"] == fake_stripe.sessions[order.stripe_session_id]["url"]


def test_session_about_to_expire_is_not_handed_out_again(client, fake_stripe, guide):
    buy(client, guide, token="nearly-expired")
    Order.objects.update(stripe_session_expires_at=timezone.now() + timedelta(minutes=2))

    buy(client, guide, token="nearly-expired")

    assert [key[-9:] for _params, key in _created(fake_stripe)] == ["attempt-0", "attempt-1"]


@pytest.mark.parametrize("status", [500, 400], ids=["stripe-failed", "stripe-refused"])
def test_stripe_error_shows_nothing_was_charged_and_trying_again_works(
    client, fake_stripe, guide, checkout_log, status
):
    fake_stripe.fail("POST", "/v1/checkout/sessions", status=status)

    failed = buy(client, guide, token="outage")

    assert failed.status_code == 503
    assert b"Nothing was charged" in failed.content
    assert b"/shop/buy/stretching-guide/" in failed.content
    order = Order.objects.get()
    assert (order.status, order.stripe_session_id, order.checkout_attempt) == ("pending", None, 1)
    [warning] = [r for r in checkout_log if r.levelno == logging.WARNING]
    assert warning.getMessage() == "Checkout could not start"
    assert warning.order_id == order.pk

    retried = buy(client, guide, token="outage")

    assert retried.status_code == 303
    order.refresh_from_db()
    assert retried["Location"] == fake_stripe.sessions[order.stripe_session_id]["url"]
    # Stripe replays a key's first answer (the error) for a day: the retry must have used a new key.
    assert [key[-9:] for _params, key in _created(fake_stripe)] == ["attempt-0", "attempt-1"]


def test_stripe_unreachable_shows_nothing_was_charged_and_trying_again_works(
    client, fake_stripe, guide, settings, free_port
):
    working_base = settings.STRIPE_API_BASE
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{free_port}"

    failed = buy(client, guide, token="unreachable")

    assert failed.status_code == 503
    assert b"Nothing was charged" in failed.content

    settings.STRIPE_API_BASE = working_base
    retried = buy(client, guide, token="unreachable")
    fresh = buy(client, guide, token="a-fresh-form")

    assert (retried.status_code, fresh.status_code) == (303, 303)
    assert Order.objects.filter(stripe_session_id__isnull=False).count() == 2


@pytest.mark.parametrize("fault", ["disconnect", "timeout", "rate-limited"])
def test_no_answer_from_stripe_then_a_retry_reuses_the_key_and_opens_one_session(
    client, fake_stripe, guide, settings, fault
):
    settings.STRIPE_TIMEOUT = 0.5
    if fault == "disconnect":
        fake_stripe.disconnect("POST", "/v1/checkout/sessions")
    elif fault == "timeout":
        # Stripe makes the session, but its answer comes after we stopped waiting.
        fake_stripe.delay("POST", "/v1/checkout/sessions", seconds=1.5)
    else:
        fake_stripe.fail("POST", "/v1/checkout/sessions", status=429)

    failed = buy(client, guide, token="no-answer")
    retried = buy(client, guide, token="no-answer")

    assert failed.status_code == 503
    assert b"Nothing was charged" in failed.content
    assert retried.status_code == 303
    order = Order.objects.get()
    assert order.checkout_attempt == 0
    assert [key[-9:] for _params, key in _created(fake_stripe)] in (["attempt-0"], ["attempt-0", "attempt-0"])
    assert fake_stripe.open_sessions_for(order.pk) == [order.stripe_session_id]
    assert retried["Location"] == fake_stripe.sessions[order.stripe_session_id]["url"]


# --- immediate-delivery consent (the EU withdrawal-right waiver) ------------------------------------


def test_buy_without_the_consent_box_is_refused_and_nothing_is_written(client, fake_stripe, guide):
    response = buy(client, guide, consent=None)

    assert response.status_code == 400
    assert b"Please tick the box" in response.content
    assert Order.objects.count() == 0
    assert fake_stripe.requests == []


def test_consent_is_stored_on_the_order_with_the_time(client, fake_stripe, guide):
    before = timezone.now()

    buy(client, guide)

    consent_at = Order.objects.get().delivery_consent_at
    assert consent_at is not None
    assert before <= consent_at <= timezone.now()


def test_stripe_page_states_the_waiver_and_links_our_terms(client, fake_stripe, guide):
    buy(client, guide)

    [(params, _key)] = _created(fake_stripe)
    message = params["custom_text"]["submit"]["message"]
    assert "lose the 14-day right of withdrawal" in message
    assert "http://testserver/terms/" in message
    assert "http://testserver/refund-policy/" in message


def test_stripe_terms_consent_is_off_unless_switched_on(client, fake_stripe, guide, settings):
    buy(client, guide, token="default-settings")
    settings.STRIPE_TERMS_CONSENT = True
    buy(client, guide, token="switched-on")

    [(default, _key), (switched_on, _other_key)] = _created(fake_stripe)
    assert "consent_collection" not in default
    assert switched_on["consent_collection"] == {"terms_of_service": "required"}


def test_buy_page_asks_for_consent_and_links_terms_refund_policy_and_privacy(client, fake_stripe, guide):
    response = client.get(f"/shop/buy/{guide.slug}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="buy-consent" type="checkbox" name="consent" required' in html
    assert "14-day right of withdrawal" in html
    for link in ('href="/terms/"', 'href="/refund-policy/"', 'href="/privacy/"'):
        assert link in html
