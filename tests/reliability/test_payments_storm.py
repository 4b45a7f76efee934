"""Duplicate storm over HTTP: one paid checkout delivered 50 times at once beside 10 thank-you page hits.

Against gunicorn with four workers, every round must end with one paid order, one entitlement for the
product, one receipt written to the outbox and one e-mail sent, and no answer of 500 or above. The second
scenario does the same with a delayed payment: `completed` (unpaid) and `async_payment_succeeded` for one
session, 25 of each, racing.
"""

import time

import requests

from tests.reliability.conftest import rounds
from tests.reliability.payments import NO_ANSWER, at_once, buy_over_http, deliver, outcome
from tests.shop.factories import ProductFactory

DELIVERIES = 50
THANK_YOU_HITS = 10
WORKERS = 4


def _thank_you(site, browser, session_id: str):
    cookies = browser.cookies.get_dict()

    def hit() -> int:
        try:
            page = requests.get(
                f"{site.url}/shop/checkout/success/?session_id={session_id}", cookies=cookies, timeout=60
            )
        except requests.ConnectionError:
            return NO_ANSWER
        return page.status_code

    return hit


def _storm(site, *, events_for, label: str, figures):
    product = ProductFactory(name="Stretching guide", price_amount=1900, currency="usd")
    n = rounds(full=20, ci=3)
    results, bad, timings = [], [], []
    for round_number in range(n):
        browser, answer, order = buy_over_http(site, product_slug=product.slug, price=product.price_amount)
        assert answer.status_code == 303, answer.text
        # A new buyer each round: one person's second purchase of the same guide would share the first's access.
        events = events_for(order.stripe_session_id, f"storm-{round_number}@example.com")
        each = [events[i % len(events)] for i in range(DELIVERIES)]
        calls = [lambda e=event: deliver(site.url, e) for event in each]
        calls += [_thank_you(site, browser, order.stripe_session_id)] * THANK_YOU_HITS
        started = time.monotonic()
        statuses = at_once(calls, threads=len(calls))
        timings.append(time.monotonic() - started)
        bad += [s for s in statuses if s >= 500 or s == NO_ANSWER]
        results.append((outcome(order), product.pk))
    paid = sum(1 for r, _pk in results if r.status == "paid")
    granted = sum(1 for r, pk in results if r.entitlements == {pk: "active"})
    one_row = sum(1 for r, _pk in results if r.receipt_rows == 1)
    one_mail = sum(1 for r, _pk in results if r.receipt_mails == 1)
    figures.check(
        f"duplicate storm ({label})",
        f"{n} rounds of {DELIVERIES} deliveries + {THANK_YOU_HITS} thank-you hits, {WORKERS} workers: "
        f"{paid}/{n} paid, {granted}/{n} with exactly 1 entitlement, {one_row}/{n} with 1 receipt row, "
        f"{one_mail}/{n} with 1 receipt e-mail, {len(bad)} responses >= 500 or dropped",
        ok=paid == granted == one_row == one_mail == n and not bad,
    )
    timings.sort()
    figures.report(
        f"duplicate storm ({label}) time",
        f"a round of {DELIVERIES + THANK_YOU_HITS} requests: median {timings[len(timings) // 2] * 1000:.0f} ms, "
        f"slowest {timings[-1] * 1000:.0f} ms",
    )


def test_duplicate_storm_of_one_paid_checkout(fake_stripe, start_live_site, figures):
    site = start_live_site(workers=WORKERS)

    def events_for(session_id, email):
        return [fake_stripe.complete(session_id, email=email)]

    _storm(site, events_for=events_for, label="completed", figures=figures)


def test_duplicate_storm_of_completed_and_async_payment_succeeded(fake_stripe, start_live_site, figures):
    site = start_live_site(workers=WORKERS)

    def events_for(session_id, email):
        completed = fake_stripe.complete(session_id, payment_status="unpaid", email=email)
        return [completed, fake_stripe.async_succeed(session_id)]

    _storm(site, events_for=events_for, label="completed + async succeeded", figures=figures)
