"""Missed webhooks: a seeded third of Stripe's deliveries never arrive, then `manage.py reconcile_stripe` runs.

Orders live every kind of life at the fake Stripe (paid, paid then refunded in part or in full, disputed and
won or lost, delayed payments that succeed or fail, sessions left to expire). Their events are delivered over
HTTP, except a random third (seeded, so every run drops the same ones). The command, run as its own process
as the scheduler would, must leave no difference between Stripe's events and our orders; a second run must
change nothing at all.
"""

import random

from core.models import OutboxEmail
from shop.models import Entitlement, EntitlementChange, Order, StripeEvent
from tests.reliability.conftest import rounds
from tests.reliability.payments import (
    deliver,
    expected_access,
    latest_dispute_status,
    manage,
    outcome,
    process_env,
    start_order,
    stripe_base,
)
from tests.shop.factories import ProductFactory

SEED = 20260412


def _live(fake, order, rng: random.Random, number: int) -> str:
    """Play one order's life at Stripe; returns the order status Stripe's state implies."""
    session_id = order.stripe_session_id
    email = f"missed-{number}@example.com"
    roll = rng.random()
    if roll < 0.15:
        fake.expire(session_id)
        return "expired"
    if roll < 0.3:
        fake.complete(session_id, payment_status="unpaid", email=email)
        if rng.random() < 0.5:
            fake.async_fail(session_id)
            return "failed"
        fake.async_succeed(session_id)
    else:
        fake.complete(session_id, email=email)
    charge_id = fake.charge_for(session_id)
    if rng.random() < 0.4:
        fake.refund(charge_id, amount=rng.randint(1, 1899) if rng.random() < 0.5 else None)
    if rng.random() < 0.3:
        dispute = fake.open_dispute(charge_id)["data"]["object"]["id"]
        if rng.random() < 0.7:
            fake.close_dispute(dispute, status=rng.choice(["won", "lost"]))
    return "paid"


def _differences(fake, lives) -> list[str]:
    differences = []
    done = set(StripeEvent.objects.filter(status__in=["processed", "ignored"]).values_list("event_id", flat=True))
    differences += [f"event {e['id']} ({e['type']}) not applied" for e in fake.events if e["id"] not in done]
    for order, status in lives:
        result = outcome(order)
        access, receipts = {}, 0
        if status == "paid":
            charge_id = fake.charge_for(order.stripe_session_id)
            charge = fake.charges[charge_id]
            access = {order.product_id: expected_access(charge, latest_dispute_status(fake, charge_id))}
            receipts = 1
        want = (status, access, receipts, receipts)
        got = (result.status, result.entitlements, result.receipt_rows, result.receipt_mails)
        if got != want:
            differences.append(f"order {order.pk}: got {got}, want {want}")
    return differences


def _snapshot():
    return (
        list(Order.objects.order_by("pk").values_list("pk", "status", "amount_refunded", "dispute_status")),
        list(Entitlement.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        EntitlementChange.objects.count(),
        list(StripeEvent.objects.order_by("pk").values_list("event_id", "status", "attempts")),
        OutboxEmail.objects.count(),
    )


def test_reconcile_finds_every_missed_webhook_and_a_second_run_changes_nothing(
    fake_stripe, start_live_site, live_db, figures
):
    site = start_live_site(workers=2)
    product = ProductFactory(name="Stretching guide", price_amount=1900, currency="usd")
    rng = random.Random(SEED)
    lives = []
    for number in range(rounds(full=40, ci=12)):
        order = start_order(product_slug=product.slug)
        lives.append((order, _live(fake_stripe, order, rng, number)))
    events = [{k: v for k, v in e.items() if k != "_seq"} for e in fake_stripe.events]
    dropped = [e for e in events if rng.random() < 1 / 3]
    answers = [deliver(site.url, e) for e in events if e not in dropped]
    assert set(answers) == {200}
    before = _differences(fake_stripe, lives)
    env = process_env(live_db, stripe_base(fake_stripe))

    first = manage(env, "reconcile_stripe", "--since", "1h")
    after_first = _differences(fake_stripe, lives)
    snapshot = _snapshot()
    second = manage(env, "reconcile_stripe", "--since", "1h")

    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    unchanged = _snapshot() == snapshot
    figures.check(
        "missed webhooks",
        f"{len(lives)} orders, {len(events)} events, {len(dropped)} deliveries dropped (seeded): "
        f"{len(before)} differences before reconcile_stripe, {len(after_first)} after; second run "
        f"{'changed nothing' if unchanged else 'CHANGED ROWS'} ({second.stdout.strip()})",
        ok=bool(dropped) and bool(before) and not after_first and unchanged and second.stdout.startswith("Replayed 0"),
    )
    assert not after_first, "\n".join(after_first)
