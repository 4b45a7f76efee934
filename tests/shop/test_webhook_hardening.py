"""Webhook edge cases: oversized bodies, newer dispute statuses, a refund event for a demo order; deploy check."""

import json
import logging

import pytest
from django.core.checks import Error
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from shop import checks, webhooks
from shop.models import Entitlement, Order, StripeEvent
from shop.stripe_gateway import sign_payload
from tests.shop.conftest import WEBHOOK_SECRET, buy, deliver

pytestmark = pytest.mark.django_db


def _post_raw(client, payload: bytes, *, secret: str = WEBHOOK_SECRET):
    return client.post(
        "/shop/stripe/webhook/",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign_payload(payload=payload, secret=secret),
    )


@pytest.mark.parametrize("size", [webhooks.MAX_BODY_BYTES + 1, 3 * 1024 * 1024], ids=["just-over", "over-django"])
def test_an_oversized_webhook_is_refused_with_413_before_it_is_verified(client, fake_stripe, size, caplog):
    padding = "x" * size
    payload = json.dumps({"id": "evt_big", "type": "charge.refunded", "data": {"object": {"pad": padding}}}).encode()

    with caplog.at_level(logging.WARNING, logger="shop.views"):
        response = _post_raw(client, payload)

    assert response.status_code == 413
    assert StripeEvent.objects.count() == 0
    assert [r.getMessage() for r in caplog.records if r.name == "shop.views"] == ["Refused an oversized webhook"]


def test_a_body_under_the_limit_is_still_verified(client, fake_stripe):
    payload = json.dumps({"id": "evt_ok", "type": "some.event", "data": {"object": {}}}).encode()
    payload += b" " * (webhooks.MAX_BODY_BYTES - len(payload))

    response = _post_raw(client, payload)

    assert response.status_code == 200
    assert response.json()["result"] == "ignored"


def test_a_body_over_the_limit_with_a_false_length_is_refused_by_receive(fake_stripe):
    with pytest.raises(webhooks.BodyTooLargeError):
        webhooks.receive(payload=b" " * (webhooks.MAX_BODY_BYTES + 1), signature="t=1,v1=0")


@pytest.mark.parametrize("status", ["appeal_needs_response", "appeal_under_review", "a_status_stripe_adds_later"])
def test_newer_dispute_statuses_suspend_access(client, fake_stripe, guide, status):
    assert buy(client, guide).status_code == 303
    session_id = next(reversed(fake_stripe.sessions))
    deliver(client, fake_stripe.complete(session_id, email="ann@example.com"))

    response = deliver(client, fake_stripe.open_dispute(fake_stripe.charge_for(session_id), status=status))

    assert response.status_code == 200
    assert Entitlement.objects.get().status == "disputed"
    assert Order.objects.get().dispute_status == status


def test_a_refund_event_for_a_demo_order_is_handled(client, demo_payments, guide, settings):
    assert buy(client, guide).status_code == 303
    order = Order.objects.get()
    payload = json.dumps(
        {
            "id": "evt_demo_refund",
            "type": "charge.refunded",
            "created": 1,
            "data": {"object": {"id": "ch_demo_1", "object": "charge", "metadata": {"order_id": str(order.pk)}}},
        }
    ).encode()

    response = _post_raw(client, payload, secret=settings.STRIPE_WEBHOOK_SECRET)

    assert response.status_code == 200
    assert response.json()["result"] == "unknown"
    assert StripeEvent.objects.get().status == "ignored"


# --- the deploy check ------------------------------------------------------------------------------


@pytest.mark.parametrize("stripe_key", ["", "sk_live_configured"], ids=["demo-only", "demo-and-stripe"])
def test_demo_payments_fail_the_deploy_check_with_debug_off(settings, stripe_key):
    settings.DEBUG = False
    settings.SHOP_DEMO = True
    settings.STRIPE_SECRET_KEY = stripe_key
    settings.STRIPE_WEBHOOK_SECRET = "whsec_x"

    found = checks.check_demo_payments_off(None)

    assert [(type(e), e.id) for e in found] == [(Error, "shop.E003")]
    with pytest.raises(SystemCheckError, match=r"shop\.E003"):
        call_command("check", "--deploy")


def test_demo_payments_pass_the_deploy_check_only_with_debug_on(settings):
    settings.DEBUG = True
    settings.SHOP_DEMO = True

    assert checks.check_demo_payments_off(None) == []
