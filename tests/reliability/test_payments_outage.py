"""Stripe down or slow: refused connections, dropped connections, timeouts, 500s and 429s from the fake Stripe
while a buyer starts checkout, while the thank-you page confirms a payment and while staff refund.

Every answer must be a page that says what happened (never a 500, never a dropped connection), nothing may
be granted that Stripe has not confirmed, and once Stripe is back the same action works: the SDK's own
retries within one call send one idempotency key; after an error Stripe answered (which it replays for a
day) the next try moves to the order's next attempt; after no answer the next try sends the same key again,
so a session or refund Stripe made unheard is handed back, not made twice. No order ever has two sessions
a customer could pay.
"""

import time

from shop.models import Entitlement, Order, RefundRequest
from tests.e2e.conftest import csrf_token
from tests.reliability.payments import NO_ANSWER, buy_over_http, deliver
from tests.shop.factories import ProductFactory, UserFactory

FAULTS = ["refused", "dropped", "timeout", "500", "429"]
TIMEOUT = 1.0  # the server's STRIPE_TIMEOUT; a slow answer takes longer than this
SLOW = 2.0
PASSWORD = "correct horse battery staple"


def _inject(fake, fault: str, method: str, prefix: str) -> None:
    """Make Stripe fail this way for one whole call, the SDK's two retries included."""
    if fault == "refused":
        fake.refuse_connections()
    elif fault == "dropped":
        fake.disconnect(method, prefix, times=3)
    elif fault == "timeout":
        fake.delay(method, prefix, seconds=SLOW, times=3)
    elif fault == "500":
        # A POST's retries carry its key and get the stored error replayed; a GET's retries are new requests.
        fake.fail(method, prefix, status=500, times=1 if method == "POST" else 3)
    else:
        fake.fail(method, prefix, status=429)  # the SDK does not retry a 429


def _recover(fake, fault: str) -> None:
    if fault == "refused":
        fake.accept_connections()
    fake.faults.clear()
    if fault == "timeout":
        time.sleep(SLOW + 0.5)  # requests Stripe got late still run there, unheard; let them finish first


def _status(call) -> int:
    try:
        return call().status_code
    except ConnectionError:
        return NO_ANSWER


def _keys(fake, path: str) -> list[str]:
    return [key for _method, _path, _params, key in fake.requests_to("POST", path) if key]


def _start_checkout_case(site, fake, product, fault: str) -> list[str]:
    problems = []
    browser = site.client()
    token = f"outage-{fault}"
    form = {"token": token, "price": str(product.price_amount), "consent": "on"}
    _inject(fake, fault, "POST", "/v1/checkout/sessions")
    sent_before = len(_keys(fake, "/v1/checkout/sessions"))
    failed = site.submit(browser, f"/shop/buy/{product.slug}/", form)
    if failed.status_code != 503 or "Nothing was charged" not in failed.text:
        problems.append(f"checkout/{fault}: answered {failed.status_code} without saying nothing was charged")
    order = Order.objects.get(checkout_token=token)
    sent_during = _keys(fake, "/v1/checkout/sessions")[sent_before:]
    _recover(fake, fault)
    retried = site.submit(browser, f"/shop/buy/{product.slug}/", form)
    order.refresh_from_db()
    keys = [k for k in _keys(fake, "/v1/checkout/sessions") if k.startswith(f"checkout-order-{order.pk}-")]
    if retried.status_code != 303:
        problems.append(f"checkout/{fault}: the try after recovery answered {retried.status_code}")
    wanted_attempt = 1 if fault == "500" else 0
    if order.checkout_attempt != wanted_attempt or not keys[-1].endswith(f"-attempt-{wanted_attempt}"):
        problems.append(f"checkout/{fault}: the later try used {keys[-1]} (attempt {order.checkout_attempt})")
    if fault in ("dropped", "timeout", "500") and (len(sent_during) < 2 or len(set(sent_during)) != 1):
        problems.append(f"checkout/{fault}: the SDK's retries sent keys {sent_during}")
    if fake.open_sessions_for(order.pk) != [order.stripe_session_id]:
        problems.append(f"checkout/{fault}: payable sessions {fake.open_sessions_for(order.pk)}")
    return problems


def _thank_you_case(site, fake, product, *, fault: str, number: int) -> list[str]:
    problems = []
    browser, answer, order = buy_over_http(site, product_slug=product.slug, price=product.price_amount)
    assert answer.status_code == 303
    fake.complete(order.stripe_session_id, email=f"thanks-{number}@example.com")  # paid; no webhook yet
    page_url = f"/shop/checkout/success/?session_id={order.stripe_session_id}"
    _inject(fake, fault, "GET", "/v1/checkout/sessions/")
    page = site.get(page_url, browser)
    if page.status_code != 200 or "still confirming your payment" not in page.text:
        problems.append(f"thank-you/{fault}: answered {page.status_code} without saying it is still confirming")
    if Entitlement.objects.filter(order=order).exists() or Order.objects.get(pk=order.pk).status != "pending":
        problems.append(f"thank-you/{fault}: granted while Stripe could not confirm")
    _recover(fake, fault)
    page = site.get(page_url, browser)
    if page.status_code != 200 or not Entitlement.objects.filter(order=order, status="active").exists():
        problems.append(f"thank-you/{fault}: not granted once Stripe was back ({page.status_code})")
    return problems


def _refund_case(site, fake, admin, product, *, fault: str, number: int) -> list[str]:
    problems = []
    _browser, answer, order = buy_over_http(site, product_slug=product.slug, price=product.price_amount)
    assert answer.status_code == 303
    assert deliver(site.url, fake.complete(order.stripe_session_id, email=f"refund-{number}@example.com")) == 200
    order.refresh_from_db()
    charge_id = fake.charge_for(order.stripe_session_id)
    customer_page = f"/admin/shop/customers/{order.user_id}/"
    token = csrf_token(site.get(customer_page, admin).text) or admin.cookies.get("csrftoken", "")

    def refund():
        return site.post(
            f"{customer_page}orders/{order.pk}/refund/",
            admin,
            data={"csrfmiddlewaretoken": token, "amount": "", "reason": "Asked for a refund."},
            headers={"Referer": site.url + customer_page},
        )

    _inject(fake, fault, "POST", "/v1/refunds")
    failed = refund()
    said = "may or may not have been made" if fault in ("refused", "dropped", "timeout", "429") else "did not refund"
    if failed.status_code != 400 or said not in failed.text:
        problems.append(f"refund/{fault}: answered {failed.status_code} without '{said}'")
    if RefundRequest.objects.filter(order=order).exists():
        problems.append(f"refund/{fault}: recorded a refund Stripe did not confirm")
    _recover(fake, fault)
    again = refund()
    made = [r for r in fake.refunds.values() if r["charge"] == charge_id]
    keys = [k for k in _keys(fake, "/v1/refunds") if k.startswith(f"refund-order-{order.pk}-")]
    if again.status_code != 302:
        problems.append(f"refund/{fault}: the try after recovery answered {again.status_code}")
    if [r["amount"] for r in made] != [product.price_amount]:
        problems.append(f"refund/{fault}: Stripe made refunds {[r['amount'] for r in made]}")
    wanted = "-attempt-1" if fault == "500" else "-attempt-0"
    if not keys or not keys[-1].endswith(wanted):
        problems.append(f"refund/{fault}: the later try sent {keys[-1:]}")
    return problems


def test_stripe_down_or_slow_shows_what_happened_grants_nothing_and_recovers(fake_stripe, start_live_site, figures):
    site = start_live_site(workers=2, STRIPE_TIMEOUT=str(TIMEOUT), STRIPE_MAX_NETWORK_RETRIES="2")
    product = ProductFactory(name="Stretching guide", price_amount=1900, currency="usd")
    boss = UserFactory(email="stephen@example.com", is_staff=True, is_superuser=True)
    boss.set_password(PASSWORD)
    boss.save()
    admin = site.client()
    signed_in = site.submit(admin, "/admin/login/", {"username": boss.username, "password": PASSWORD})
    assert signed_in.status_code == 302, signed_in.text
    problems, cases = [], 0
    started = time.monotonic()
    for number, fault in enumerate(FAULTS):
        problems += _start_checkout_case(site, fake_stripe, product, fault)
        problems += _thank_you_case(site, fake_stripe, product, fault=fault, number=number)
        problems += _refund_case(site, fake_stripe, admin, product, fault=fault, number=number)
        cases += 3
    elapsed = time.monotonic() - started
    print("\n".join(problems))  # shown when the check below fails
    granted_unpaid = Entitlement.objects.exclude(order__status="paid").filter(status="active").count()
    figures.check(
        "Stripe down or slow",
        f"{len(FAULTS)} faults ({', '.join(FAULTS)}) x 3 places (start checkout, thank-you page, admin refund): "
        f"{cases - len(problems)}/{cases} cases told the person what happened, granted nothing unconfirmed and "
        f"recovered with the right idempotency key, 1 payable session per order, 1 refund per refund asked; "
        f"{granted_unpaid} granted without payment",
        ok=not problems and granted_unpaid == 0,
    )
    assert not problems, "\n".join(problems)
    figures.report("Stripe down or slow time", f"{cases} cases in {elapsed:.0f} s")
