"""Crash mid-fulfilment: a gunicorn worker SIGKILLed at each step, then Stripe redelivers; the same for the
outbox worker killed mid-send.

The crash comes from a test-only app (tests/reliability/crashapp) that the server's settings add: armed with
a step's name, the first process to reach that step kills itself. Stripe treats the dropped connection as a
failed delivery and sends the event again. After every crash and after every redelivery the ledger must be
whole: no order paid without its access, no access without a paid order, and in the end exactly one receipt
per paid order. The outbox worker may send one e-mail twice when it dies between sending and marking the row
sent (docs/reliability.md), and must never lose one.
"""

from datetime import timedelta

from django.db.models import F

from config.models import LocalMail
from core.models import OutboxEmail
from shop.models import Entitlement, Order
from tests.reliability.conftest import rounds
from tests.reliability.payments import (
    NO_ANSWER,
    deliver,
    deliver_until_accepted,
    manage,
    outcome,
    process_env,
    start_order,
    stripe_base,
)
from tests.shop.factories import ProductFactory

FULFILMENT_STEPS = ["claimed", "paid", "granted", "before-receipt", "answered"]
CRASH_SETTINGS = "tests.reliability.crash_settings"


def broken_ledger() -> list[str]:
    """Orders paid without active access, and access held through an order that is not paid."""
    paid_without = [
        o.number
        for o in Order.objects.filter(status="paid")
        if not Entitlement.objects.filter(order=o, status="active").exists()
    ]
    granted_without = list(
        Entitlement.objects.filter(status="active").exclude(order__status="paid").values_list("order_id", flat=True)
    )
    return [f"paid without access: {n}" for n in paid_without] + [
        f"access without payment: {n}" for n in granted_without
    ]


def test_a_worker_killed_at_each_step_of_fulfilment_loses_and_doubles_nothing(
    fake_stripe, start_live_site, tmp_path, figures
):
    arm = tmp_path / "crash-armed"
    site = start_live_site(workers=2, DJANGO_SETTINGS_MODULE=CRASH_SETTINGS, RELIABILITY_CRASH_ARM=str(arm))
    product = ProductFactory(name="Stretching guide", price_amount=1900, currency="usd")
    per_step = rounds(full=2, ci=1)
    crashed, problems, results = 0, [], []
    for step in FULFILMENT_STEPS:
        for number in range(per_step):
            order = start_order(product_slug=product.slug)
            event = fake_stripe.complete(order.stripe_session_id, email=f"crash-{step}-{number}@example.com")
            arm.write_text(step)

            first = deliver(site.url, event)

            crashed += first == NO_ANSWER and not arm.exists()
            problems += [f"after crash at {step}: {p}" for p in broken_ledger()]
            retries = deliver_until_accepted(site.url, event)
            problems += [f"after redelivery at {step}: {p}" for p in broken_ledger()]
            results.append((step, outcome(order), retries, product.pk))
    total = len(FULFILMENT_STEPS) * per_step
    whole = [
        (step, r)
        for step, r, retries, pk in results
        if r.status == "paid"
        and r.entitlements == {pk: "active"}
        and r.receipt_rows == 1
        and r.receipt_mails == 1
        and retries[-1] == 200
    ]
    figures.check(
        "crash mid-fulfilment",
        f"{crashed}/{total} deliveries killed ({per_step} at each of {', '.join(FULFILMENT_STEPS)}), then "
        f"redelivered: {len(whole)}/{total} paid with access and exactly 1 receipt; "
        f"{len(problems)} moments with an order paid without access or access without payment",
        ok=crashed == total and len(whole) == total and not problems,
    )


def _mails_per_receipt(orders: list[Order]) -> dict[str, int]:
    """How many e-mails went out for each order's receipt row (0 when the row is missing or never sent)."""
    rows = {row.key: row for row in OutboxEmail.objects.filter(key__in=[f"receipt-order-{o.pk}" for o in orders])}
    return {
        f"receipt-order-{o.pk}": LocalMail.objects.filter(subject=rows[f"receipt-order-{o.pk}"].subject).count()
        if f"receipt-order-{o.pk}" in rows
        else 0
        for o in orders
    }


def test_the_outbox_worker_killed_mid_send_loses_none_and_doubles_at_most_one(
    fake_stripe, start_live_site, live_db, tmp_path, figures
):
    arm = tmp_path / "crash-armed"
    # Receipts wait in the outbox for the worker, as in production (the e2e settings send them at once).
    crash_env = {"DJANGO_SETTINGS_MODULE": CRASH_SETTINGS, "RELIABILITY_CRASH_ARM": str(arm), "RELIABILITY_TASKS": "db"}
    site = start_live_site(workers=2, **crash_env)
    worker_env = process_env(live_db, stripe_base(fake_stripe), **crash_env)
    product = ProductFactory(name="Stretching guide", price_amount=1900, currency="usd")
    per_batch = rounds(full=4, ci=2)
    report = []
    duplicates = lost = killed = 0
    for step in ("mail-claimed", "mail-sent"):
        batch = []
        for number in range(per_batch):
            order = start_order(product_slug=product.slug)
            batch.append(order)
            event = fake_stripe.complete(order.stripe_session_id, email=f"outbox-{step}-{number}@example.com")
            assert deliver(site.url, event) == 200
        arm.write_text(step)

        crash = manage(worker_env, "send_outbox")
        killed += crash.returncode == -9
        again = manage(worker_env, "send_outbox")
        # Ten minutes pass: a claim that old belongs to a dead worker and the row is tried again.
        OutboxEmail.objects.filter(sent_at__isnull=True).update(claimed_at=F("claimed_at") - timedelta(minutes=11))
        later = manage(worker_env, "send_outbox")
        assert again.returncode == later.returncode == 0, again.stderr + later.stderr

        fresh = _mails_per_receipt(batch)
        duplicates += sum(count - 1 for count in fresh.values() if count > 1)
        lost += sum(1 for count in fresh.values() if count == 0)
        report.append(f"{step}: {len(fresh)} receipts, {sum(fresh.values())} e-mails")
    unsent = OutboxEmail.objects.filter(sent_at__isnull=True).count()
    figures.check(
        "outbox worker killed mid-send",
        f"{killed}/2 send_outbox runs killed (after the claim; after sending, before marking sent), then run again: "
        f"{'; '.join(report)}; {lost} lost, {duplicates} duplicate (at most 1 allowed per kill), {unsent} unsent",
        ok=killed == 2 and lost == 0 and unsent == 0 and duplicates <= 1 and len(report) == 2,
    )
    assert not broken_ledger()
