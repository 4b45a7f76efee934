"""shop.webhooks through the view: signatures, every handler, redelivery and every ordering of events."""

import itertools
import json

import pytest
from django.core import mail

from core.models import OutboxEmail
from shop.models import Entitlement, Order, Product, StripeEvent
from tests.shop.conftest import buy, deliver, now

pytestmark = pytest.mark.django_db


def _paid(client, fake, product, *, email="ann@example.com", payment_status="paid"):
    assert buy(client, product).status_code == 303
    session_id = next(reversed(fake.sessions))
    return session_id, fake.complete(session_id, email=email, payment_status=payment_status)


@pytest.mark.parametrize(
    "signature",
    ["", "garbage", "t=1,v1=deadbeef", "v1=abc"],
    ids=["missing", "malformed", "wrong", "no-timestamp"],
)
def test_bad_signature_is_refused_and_nothing_written(client, fake_stripe, guide, signature):
    _session_id, event = _paid(client, fake_stripe, guide)

    response = deliver(client, event, signature=signature)

    assert response.status_code == 400
    assert StripeEvent.objects.count() == 0
    assert Order.objects.get().status == "pending"


def test_tampered_body_is_refused(client, fake_stripe, guide):
    _session_id, event = _paid(client, fake_stripe, guide)
    payload = json.dumps(event).encode()
    from shop.stripe_gateway import sign_payload

    header = sign_payload(payload=payload, secret="whsec_test_secret_for_the_suite")
    tampered = payload.replace(b'"paid"', b'"no_payment_required"')

    response = client.post(
        "/shop/stripe/webhook/", data=tampered, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )

    assert response.status_code == 400
    assert Entitlement.objects.count() == 0


@pytest.mark.parametrize("offset", [-3600, 3600], ids=["stale", "future"])
def test_stale_or_future_timestamp_is_refused(client, fake_stripe, guide, offset):
    _session_id, event = _paid(client, fake_stripe, guide)

    response = deliver(client, event, timestamp=now() + offset)

    assert response.status_code == 400
    assert StripeEvent.objects.count() == 0


def test_completed_fulfils_once_however_often_delivered(client, fake_stripe, guide, django_capture_on_commit_callbacks):
    _session_id, event = _paid(client, fake_stripe, guide)

    with django_capture_on_commit_callbacks(execute=True):
        responses = [deliver(client, event) for _ in range(3)]

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert [r.json()["result"] for r in responses] == ["applied", "duplicate", "duplicate"]
    order = Order.objects.get()
    assert (order.status, order.amount_paid, order.email) == ("paid", 1900, "ann@example.com")
    assert order.stripe_payment_intent_id.startswith("pi_")
    assert Entitlement.objects.get().status == "active"
    assert len(mail.outbox) == 1


def test_hundred_percent_code_order_is_fulfilled(client, fake_stripe, guide):
    _session_id, event = _paid(client, fake_stripe, guide, payment_status="no_payment_required")

    assert deliver(client, event).status_code == 200

    order = Order.objects.get()
    assert (order.status, order.amount_paid, order.stripe_payment_intent_id) == ("paid", 0, "")
    assert Entitlement.objects.get().status == "active"


def test_delayed_payment_waits_then_succeeds(client, fake_stripe, guide):
    session_id, event = _paid(client, fake_stripe, guide, payment_status="unpaid")

    deliver(client, event)
    assert Order.objects.get().status == "pending"
    assert Entitlement.objects.count() == 0

    deliver(client, fake_stripe.async_succeed(session_id))
    assert Order.objects.get().status == "paid"
    assert Entitlement.objects.get().status == "active"


def test_delayed_payment_failure_closes_the_order(client, fake_stripe, guide):
    session_id, event = _paid(client, fake_stripe, guide, payment_status="unpaid")
    deliver(client, event)

    deliver(client, fake_stripe.async_fail(session_id))

    assert Order.objects.get().status == "failed"
    assert Entitlement.objects.count() == 0


def test_expired_session_closes_a_pending_order(client, fake_stripe, guide):
    assert buy(client, guide).status_code == 303
    session_id = next(iter(fake_stripe.sessions))

    deliver(client, fake_stripe.expire(session_id))

    assert Order.objects.get().status == "expired"


def test_unknown_event_type_is_ignored(client, fake_stripe):
    event = {"id": "evt_other", "type": "customer.created", "created": now(), "data": {"object": {"id": "cus_1"}}}

    response = deliver(client, event)

    assert response.status_code == 200
    assert response.json()["result"] == "ignored"


def test_failure_is_recorded_and_answered_500_then_retry_succeeds(client, fake_stripe, guide):
    session_id, event = _paid(client, fake_stripe, guide)
    deliver(client, event)
    refund = fake_stripe.refund(fake_stripe.charge_for(session_id))
    fake_stripe.fail("GET", "/v1/charges/")

    failed = deliver(client, refund)

    assert failed.status_code == 500
    row = StripeEvent.objects.get(event_id=refund["id"])
    assert (row.status, row.attempts) == ("failed", 1)
    assert Entitlement.objects.get().status == "active"

    assert deliver(client, refund).status_code == 200
    assert StripeEvent.objects.get(event_id=refund["id"]).status == "processed"
    assert Entitlement.objects.get().status == "refunded"


def test_partial_refund_keeps_or_revokes_by_policy(client, fake_stripe, guide):
    guide.partial_refund_policy = Product.PartialRefundPolicy.REVOKE
    guide.save()
    session_id, event = _paid(client, fake_stripe, guide)
    deliver(client, event)

    deliver(client, fake_stripe.refund(fake_stripe.charge_for(session_id), amount=500))

    assert Entitlement.objects.get().status == "refunded"
    assert Order.objects.get().amount_refunded == 500


def test_partial_refund_with_keep_policy_keeps_access(client, fake_stripe, guide):
    session_id, event = _paid(client, fake_stripe, guide)
    deliver(client, event)

    deliver(client, fake_stripe.refund(fake_stripe.charge_for(session_id), amount=500))

    assert Entitlement.objects.get().status == "active"


def test_a_redelivered_charge_event_asks_stripe_nothing(client, fake_stripe, guide):
    session_id, event = _paid(client, fake_stripe, guide)
    deliver(client, event)
    refund = fake_stripe.refund(fake_stripe.charge_for(session_id), amount=500)
    deliver(client, refund)
    asked = len(fake_stripe.requests)

    again = deliver(client, refund)

    assert (again.status_code, again.json()["result"]) == (200, "duplicate")
    assert len(fake_stripe.requests) == asked
    assert Order.objects.get().amount_refunded == 500


@pytest.mark.parametrize("outcome", ["won", "warning_closed", "lost"])
def test_dispute_suspends_then_follows_the_outcome(client, fake_stripe, guide, outcome):
    session_id, event = _paid(client, fake_stripe, guide)
    deliver(client, event)
    opened = fake_stripe.open_dispute(fake_stripe.charge_for(session_id))

    deliver(client, opened)
    assert Entitlement.objects.get().status == "disputed"
    deliver(client, fake_stripe.close_dispute(opened["data"]["object"]["id"], status=outcome))

    expected = "revoked" if outcome == "lost" else "active"
    assert Entitlement.objects.get().status == expected


def _final_state():
    order = Order.objects.get()
    entitlement = Entitlement.objects.get()
    return (order.status, order.amount_refunded, order.dispute_status, entitlement.status, entitlement.reason)


def _scenario_events(client, fake, product, *, refund_amount, dispute_outcome):
    session_id, completed = _paid(client, fake, product)
    charge = fake.charge_for(session_id)
    refunded = fake.refund(charge, amount=refund_amount)
    opened = fake.open_dispute(charge)
    closed = fake.close_dispute(opened["data"]["object"]["id"], status=dispute_outcome)
    return [completed, refunded, opened, closed]


@pytest.mark.parametrize(("refund_amount", "dispute_outcome"), [(1900, "won"), (500, "lost"), (500, "won")])
def test_every_ordering_and_redelivery_reaches_the_same_final_state(
    client, fake_stripe, guide, refund_amount, dispute_outcome
):
    events = _scenario_events(client, fake_stripe, guide, refund_amount=refund_amount, dispute_outcome=dispute_outcome)
    states = set()
    for ordering in itertools.permutations(events):
        Entitlement.objects.all().delete()
        StripeEvent.objects.all().delete()
        OutboxEmail.objects.all().delete()
        Order.objects.update(status="pending", amount_refunded=0, dispute_status="", amount_paid=None, user=None)
        for event in [*ordering, ordering[0]]:  # the first one is redelivered at the end
            assert deliver(client, event).status_code == 200
        states.add(_final_state())

    assert len(states) == 1
    assert OutboxEmail.objects.count() == 1
