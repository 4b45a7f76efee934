"""make bench's webhook scenario, run small against gunicorn: distinct paid events, each signed as Stripe signs
when it is sent, every one fulfilled exactly once (rows), a redelivery changes nothing, a bad signature pays nothing."""

import json

import pytest

from bench import deliver, webhooks
from shop.models import Order, Product
from tests.shop.factories import ProductFactory

SECRET = "whsec_bench_for_this_install"


@pytest.fixture
def bench_site(settings, start_live_site):
    """The site as make bench serves it: demo payments, the webhook secret the scenario signs with."""
    settings.STRIPE_SECRET_KEY = ""
    settings.SHOP_DEMO = True
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    return start_live_site()


def _prepared(tmp_path, count):
    ProductFactory(kind=Product.Kind.GUIDE, price_amount=1900)
    events_file = tmp_path / "events.jsonl"
    prepared = webhooks.prepare(count, events_file)
    return prepared, events_file, [json.loads(line) for line in events_file.read_text().splitlines()]


def test_each_distinct_paid_event_is_fulfilled_exactly_once(bench_site, tmp_path):
    prepared, events_file, events = _prepared(tmp_path, 24)
    url = bench_site.url + prepared["path"]
    secret = SECRET

    sent = deliver.deliver(url, events[:18], secret=secret, seconds=120, connections=8)
    again = deliver.deliver(url, events[:6], secret=secret, seconds=120, connections=4, expect="duplicate")
    delivered_file = tmp_path / "delivered.json"
    delivered_file.write_text(json.dumps(sent.accepted))
    verified = webhooks.verify(events_file, delivered_file)

    assert sent.errors == []
    assert again.errors == []
    assert (len(sent.accepted), sent.taken, len(again.accepted)) == (18, 18, 6)
    assert sent.summary()["rps"] > 0
    assert prepared["queries"] > 0  # the probe delivery, counted in-process
    assert verified["exactly_once"] is True
    assert (verified["orders_paid"], verified["entitlements"], verified["receipt_emails"]) == (18, 18, 18)
    assert verified["unsent_still_pending"] is True
    assert Order.objects.filter(status=Order.Status.PENDING, stripe_session_id__startswith="cs_bench_").count() == 6


def test_events_signed_with_another_secret_pay_nothing(bench_site, tmp_path):
    prepared, _events_file, events = _prepared(tmp_path, 4)

    sent = deliver.deliver(
        bench_site.url + prepared["path"], events, secret="whsec_not_the_sites", seconds=60, connections=2
    )

    assert sent.accepted == []
    assert len(sent.errors) == 4
    assert all(" 400 " in error for error in sent.errors)
    assert Order.objects.filter(status=Order.Status.PAID, stripe_session_id__startswith="cs_bench_").count() == 1
