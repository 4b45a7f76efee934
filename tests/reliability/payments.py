"""What the payment scenarios share: orders started for real, signed deliveries over HTTP, counting outcomes.

Deliveries go to gunicorn over HTTP exactly as Stripe sends them (raw JSON, a Stripe-Signature computed
here). Orders are started either through the buy page (when a browser must come back to the thank-you page)
or through `shop.checkout.start` in this process (the same code behind the buy page, minus the page), so
that scenarios needing hundreds of orders spend their time on deliveries, not on forms.
"""

import contextlib
import json
import os
import secrets
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import requests
from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from config.models import LocalMail
from core.models import OutboxEmail
from shop import checkout
from shop.models import Entitlement, Order
from shop.stripe_gateway import sign_payload
from tests.e2e.conftest import ROOT, TEST_PROCESS_ONLY
from tests.reliability.conftest import WEBHOOK_SECRET

WEBHOOK = "/shop/stripe/webhook/"
NO_ANSWER = 0  # the status recorded when the connection dropped without an answer (a killed worker)


def signed(event: dict) -> tuple[bytes, dict]:
    payload = json.dumps(event).encode()
    signature = sign_payload(payload=payload, secret=WEBHOOK_SECRET)
    return payload, {"Content-Type": "application/json", "Stripe-Signature": signature}


_local = threading.local()


def _session() -> requests.Session:
    if not hasattr(_local, "session"):
        _local.session = requests.Session()
    return _local.session


def deliver(base_url: str, event: dict, *, timeout: float = 60) -> int:
    """POST one event as Stripe does; the answer's status, or NO_ANSWER when the connection dropped."""
    payload, headers = signed(event)
    try:
        return _session().post(base_url + WEBHOOK, data=payload, headers=headers, timeout=timeout).status_code
    except requests.ConnectionError:
        _local.__dict__.pop("session", None)
        return NO_ANSWER


def deliver_until_accepted(base_url: str, event: dict, *, tries: int = 5) -> list[int]:
    """Stripe's retries: deliver again while the answer is not a 2xx. Returns every status seen."""
    statuses = []
    for _ in range(tries):
        statuses.append(deliver(base_url, event))
        if 200 <= statuses[-1] < 300:
            break
    return statuses


def at_once(calls: Iterable[Callable[[], int]], *, threads: int) -> list[int]:
    """Run the calls concurrently, all released together by a barrier; their results in order."""
    calls = list(calls)
    barrier = threading.Barrier(min(threads, len(calls)))

    def run(call):
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=30)
        return call()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(run, calls))


def start_order(*, product_slug: str, token: str | None = None) -> Order:
    """A pending order with an open Stripe session, through the same function the buy page calls."""
    started = checkout.start(
        product_slug=product_slug,
        token=token or secrets.token_hex(12),
        user=AnonymousUser(),
        browser_key=secrets.token_urlsafe(16),
        claimed_amount=None,
        claimed_quantity=None,
        absolute_url=lambda path: "http://127.0.0.1" + path,
        consent=True,
    )
    return Order.objects.get(pk=started.order_id)


def buy_over_http(site, *, product_slug: str, price: int, token: str | None = None):
    """A browser presses the buy button; returns (browser, the answer, the order if one was written)."""
    browser = site.client()
    token = token or secrets.token_hex(12)
    answer = site.submit(browser, f"/shop/buy/{product_slug}/", {"token": token, "price": str(price), "consent": "on"})
    return browser, answer, Order.objects.filter(checkout_token=token).first()


@dataclass(frozen=True)
class Delivered:
    """What an order ended with: status, entitlements (status per product), receipts written and sent."""

    status: str
    entitlements: dict[int, str]
    receipt_rows: int
    receipt_mails: int


def outcome(order: Order) -> Delivered:
    order.refresh_from_db()
    rows = dict(Entitlement.objects.filter(order=order).values_list("product_id", "status"))
    return Delivered(
        status=order.status,
        entitlements=rows,
        receipt_rows=OutboxEmail.objects.filter(key=f"receipt-order-{order.pk}").count(),
        receipt_mails=LocalMail.objects.filter(subject__contains=f"({order.number})").count(),
    )


def expected_access(charge: dict, dispute_status: str, *, partial_refund_revokes: bool = False) -> str:
    """THE DOCUMENTED FINAL-STATE RULE (docs/reliability.md), written here once and independently of the app.

    A paid order's access follows the charge's final state at Stripe, whatever order its events came in:
    a lost dispute revokes; a full refund ends it ("refunded"); an open dispute pauses it ("disputed"); a partial
    refund keeps it (unless the product says partial refunds revoke); a dispute won keeps it; else "active".
    """
    if dispute_status == "lost":
        return "revoked"
    if charge["amount_refunded"] >= charge["amount"]:
        return "refunded"
    if dispute_status and dispute_status not in ("won", "lost", "warning_closed", "prevented"):
        return "disputed"
    if charge["amount_refunded"] and partial_refund_revokes:
        return "refunded"
    return "active"


def latest_dispute_status(fake, charge_id: str) -> str:
    disputes = [d for d in fake.disputes.values() if d["charge"] == charge_id]
    return max(disputes, key=lambda d: (d["created"], d["id"]))["status"] if disputes else ""


def stripe_base(fake) -> str:
    """The fake Stripe's address, for a process started outside `start_live_site`."""
    host, port = fake.server.server_address[:2]
    return f"http://{host}:{port}"


def process_env(live_db: str, fake_url: str, **extra: str) -> dict[str, str]:
    """The environment of a server-side process (a management command) on the test's database and Stripe."""
    env = {k: v for k, v in os.environ.items() if k not in TEST_PROCESS_ONLY}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.e2e.server_settings",
        ENV_FILE="",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=live_db,
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        PRIVATE_MEDIA_ROOT=str(settings.PRIVATE_MEDIA_ROOT),
        STRIPE_API_BASE=fake_url,
        STRIPE_SECRET_KEY=str(settings.STRIPE_SECRET_KEY),
        STRIPE_WEBHOOK_SECRET=str(settings.STRIPE_WEBHOOK_SECRET),
        STRIPE_MAX_NETWORK_RETRIES="0",
        SHOP_DEMO="0",
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `manage.py <args>` as its own process (returncode -9 when it was killed)."""
    return subprocess.run(
        [sys.executable, str(Path(ROOT) / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
