"""Run by bench/run.py inside the site's environment, around the webhook scenario: `prepare` makes distinct pending
orders, each with the Checkout Session it opened, and writes one paid `checkout.session.completed` event per order
(unsigned: bench/deliver.py signs each as it sends it); `verify` checks afterwards, from the rows, that every
delivered event was fulfilled exactly once. Both print JSON.

    python -m bench.webhooks prepare COUNT EVENTS_FILE
    python -m bench.webhooks verify EVENTS_FILE DELIVERED_FILE
"""

import json
import secrets
import sys
from pathlib import Path

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from core.models import OutboxEmail  # noqa: E402
from shop import stripe_gateway  # noqa: E402
from shop.demo_gateway import DemoGateway  # noqa: E402
from shop.models import CheckoutSession, Entitlement, Order, Product, StripeEvent  # noqa: E402

WEBHOOK_PATH = "/shop/stripe/webhook/"


def event_payload(*, event_id: str, order: Order) -> str:
    """A paid checkout.session.completed for the order, shaped as Stripe sends it."""
    session = DemoGateway().session_object(order=order, status="complete", payment_status="paid", email=order.email)
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "api_version": "2025-01-27.acacia",
            "created": int(timezone.now().timestamp()),
            "type": stripe_gateway.CHECKOUT_SESSION_COMPLETED,
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "data": {"object": session},
        },
        separators=(",", ":"),
    )


@transaction.atomic
def pending_orders(count: int, run: str) -> list[Order]:
    """`count` buyers, each with a pending order for a guide and the Checkout Session that order opened."""
    # A guide that includes nothing else: one order, one entitlement row.
    product = Product.objects.filter(active=True, kind=Product.Kind.GUIDE, includes__isnull=True).order_by("pk").first()
    if product is None:
        sys.exit("no active guide that includes nothing else: load the demo content first")
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"bench-{run}-{n}@example.com", email=f"bench-{run}-{n}@example.com")
        for n in range(count)
    )
    now = timezone.now()
    orders = Order.objects.bulk_create(
        Order(
            product=product,
            user=user,
            email=user.email,
            amount=product.price_amount,
            currency=product.currency,
            checkout_attempt=1,
            stripe_session_id=f"cs_bench_{run}_{n}",
            terms_accepted=True,
            delivery_consent_at=now,
        )
        for n, user in enumerate(users)
    )
    CheckoutSession.objects.bulk_create(
        CheckoutSession(order=order, session_id=order.stripe_session_id, attempt=1) for order in orders
    )
    for order in orders:
        order.product = product
    return orders


def queries_per_delivery(order: Order, run: str, secret: str) -> int:
    """SQL queries of one delivery, measured in this process through the same view (it pays one extra order)."""
    payload = event_payload(event_id=f"evt_bench_{run}_probe", order=order).encode()
    client = Client(HTTP_HOST="127.0.0.1")
    signature = stripe_gateway.sign_payload(payload=payload, secret=secret)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            WEBHOOK_PATH, payload, content_type="application/json", headers={"Stripe-Signature": signature}
        )
    if response.status_code != 200 or response.json().get("result") != "applied":
        sys.exit(f"the probe delivery answered {response.status_code}: {response.content[:300]!r}")
    return len(captured.captured_queries)


def prepare(count: int, events_file: Path) -> dict:
    from django.conf import settings

    run = secrets.token_hex(4)
    probe, *orders = pending_orders(count + 1, run)
    with events_file.open("w") as out:
        for n, order in enumerate(orders):
            event_id = f"evt_bench_{run}_{n}"
            out.write(
                json.dumps(
                    {"id": event_id, "order": order.pk, "payload": event_payload(event_id=event_id, order=order)}
                )
            )
            out.write("\n")
    return {
        "run": run,
        "events": len(orders),
        "path": WEBHOOK_PATH,
        "queries": queries_per_delivery(probe, run, settings.STRIPE_WEBHOOK_SECRET),
    }


def verify(events_file: Path, delivered_file: Path) -> dict:
    """From the rows: each delivered event paid its order once (one event row, one entitlement, one receipt number,
    one receipt e-mail), redeliveries changed nothing, and orders whose events were never sent are still pending."""
    events = [json.loads(line) for line in events_file.read_text().splitlines()]
    delivered = set(json.loads(delivered_file.read_text()))
    sent_orders = {event["order"] for event in events if event["id"] in delivered}
    unsent_orders = {event["order"] for event in events if event["id"] not in delivered}
    paid = Order.objects.filter(pk__in=sent_orders, status=Order.Status.PAID)
    receipt_numbers = list(paid.values_list("receipt_series", "receipt_number"))
    event_rows = StripeEvent.objects.filter(event_id__in=delivered).values("event_id").annotate(n=Count("pk"))
    entitlement_rows = (
        Entitlement.objects.filter(order_id__in=sent_orders).values("user_id", "product_id").annotate(n=Count("pk"))
    )
    receipts = OutboxEmail.objects.filter(key__in=[f"receipt-order-{pk}" for pk in sent_orders]).count()
    found = {
        "delivered": len(delivered),
        "orders_paid": paid.count(),
        "event_rows": sum(row["n"] for row in event_rows),
        "events_recorded_once": all(row["n"] == 1 for row in event_rows),
        "entitlements": sum(row["n"] for row in entitlement_rows),
        "receipt_numbers_distinct": len(set(receipt_numbers)) == len(receipt_numbers) and None not in receipt_numbers,
        "receipt_emails": receipts,
        "unsent_still_pending": Order.objects.filter(pk__in=unsent_orders, status=Order.Status.PENDING).count()
        == len(unsent_orders),
    }
    count = len(delivered)
    found["exactly_once"] = (
        found["orders_paid"] == found["event_rows"] == found["entitlements"] == found["receipt_emails"] == count
        and found["events_recorded_once"]
        and found["receipt_numbers_distinct"]
        and found["unsent_still_pending"]
    )
    return found


def main() -> None:
    command, *args = sys.argv[1:]
    if command == "prepare":
        result = prepare(int(args[0]), Path(args[1]))
    elif command == "verify":
        result = verify(Path(args[0]), Path(args[1]))
    else:
        sys.exit(f"unknown command {command!r}")
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
