"""Hostile input against gunicorn serving the demo: forged webhooks, redirect parameters, spoofed hosts,
generated API calls (schemathesis) and generated form input (hypothesis), each with a fixed seed.

What must hold: no answer of 500 or above, no Location that takes a browser off the site, and nothing written
where the input was refused (the rows that input could have written are counted before and after).
"""

import json
import re
import time
from urllib.parse import quote, urljoin, urlsplit

import requests
import schemathesis
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, Phase, given, seed
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from wagtail.models import PageViewRestriction

from config.models import LocalMail
from core.models import OutboxEmail
from courses import enrolment
from courses.models import Certificate, CertificateName, CoursePage, Enrolment, LessonCompletion, LessonPage
from shop.models import CheckoutSession, Entitlement, Order, StripeEvent
from shop.stripe_gateway import sign_payload
from tests.courses.factories import UserFactory
from tests.e2e.conftest import csrf_token
from tests.reliability.conftest import WEBHOOK_SECRET, rounds
from tests.reliability.web import (
    UNLIMITED,
    app_token,
    live_db,  # noqa: F401 - these scenarios run on the demo
    sign_in,
)
from website.models import ArticlePage

EVIL = "evil.example"
# Every row a refused input could have written: counted before and after each attempt.
WATCHED = (
    Order,
    CheckoutSession,
    Entitlement,
    StripeEvent,
    Enrolment,
    LessonCompletion,
    CertificateName,
    Certificate,
    EmailAddress,
    OutboxEmail,
    LocalMail,
    get_user_model(),
)


def hostile_urls(host: str) -> list[str]:
    """Addresses a redirect parameter must never send a browser to: schemes, slashes, encodings, userinfo."""
    return [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        f"//{EVIL}",
        f"///{EVIL}/",
        f"////{EVIL}",
        f"/\\{EVIL}",
        f"\\\\{EVIL}",
        f"\\/{EVIL}",
        f"%2F%2F{EVIL}",
        f"/%2F%2F{EVIL}",
        f"%5C%5C{EVIL}",
        f"https:{EVIL}",
        f"http:/{EVIL}",
        f"https://{EVIL}",
        f"HTTPS://{EVIL.upper()}/",
        f"https://{host}@{EVIL}",
        f"//{host}@{EVIL}",
        f"http://{host}:80@{EVIL}/",
        f"http://{EVIL}\\@{host}/",
        f"https://{EVIL}%2F@{host}",
        f"https://{EVIL}#@{host}",
        f"/\t/{EVIL}",
        f"/\n/{EVIL}",
        f"\t//{EVIL}",
        f"/\r\n/{EVIL}",
        f"//{EVIL}%2F..",
        f"http://{host}.{EVIL}/",
    ]


def off_site(location: str | None, site_url: str) -> bool:
    """Whether a browser following this Location would leave the site (or run a script)."""
    if not location:
        return False
    # Browsers drop tabs and newlines inside URLs and read a backslash as a slash.
    cleaned = re.sub(r"[\t\r\n]", "", location).strip().replace("\\", "/")
    if cleaned.startswith("//"):
        return True
    parts = urlsplit(urljoin(site_url + "/", cleaned))
    return parts.scheme not in ("http", "https") or parts.netloc != urlsplit(site_url).netloc


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in WATCHED}


# --- the webhook ----------------------------------------------------------------------------------------------


def _post_webhook(site, body, signature: str | None, **headers):
    if signature is not None:
        headers["Stripe-Signature"] = signature
    return site.post("/shop/stripe/webhook/", data=body, headers={"Content-Type": "application/json", **headers})


def test_hostile_webhooks_are_refused_and_write_nothing(fake_stripe, start_live_site, figures):
    site = start_live_site(workers=2, **UNLIMITED)
    buyer = site.client()
    started = site.submit(buyer, "/shop/buy/stretching-guide/", {"token": "hostile-webhook", "consent": "on"})
    assert started.status_code == 303, started.text[:500]
    order = Order.objects.get(checkout_token="hostile-webhook")
    event = fake_stripe.complete(order.stripe_session_id, email="buyer@example.com")
    genuine = json.dumps(event).encode()
    now = int(time.time())
    digest = sign_payload(payload=genuine, secret=WEBHOOK_SECRET, timestamp=now).split("v1=")[1]
    tampered = genuine.replace(b'"amount_total": ', b'"amount_total": 1')
    garbled = b'{"id": "evt_garbled", "type": "checkout.session.completed", "data": {"object": '
    not_an_event = json.dumps({"id": "evt_x", "type": "checkout.session.completed", "data": []}).encode()
    attempts = {
        "garbled JSON, signed": (garbled, sign_payload(payload=garbled, secret=WEBHOOK_SECRET)),
        "garbled JSON, unsigned": (garbled, None),
        "not an event, signed": (not_an_event, sign_payload(payload=not_an_event, secret=WEBHOOK_SECRET)),
        "no signature": (genuine, None),
        "empty signature": (genuine, ""),
        "stale timestamp": (genuine, sign_payload(payload=genuine, secret=WEBHOOK_SECRET, timestamp=now - 3600)),
        "future timestamp": (genuine, sign_payload(payload=genuine, secret=WEBHOOK_SECRET, timestamp=now + 3600)),
        "v0-only signature": (genuine, f"t={now},v0={digest}"),
        "another secret": (genuine, sign_payload(payload=genuine, secret="whsec_someone_else")),
        "tampered body": (tampered, f"t={now},v1={digest}"),
        "signature of another body": (genuine, sign_payload(payload=tampered, secret=WEBHOOK_SECRET)),
        "timestamp not a number": (genuine, f"t=soon,v1={digest}"),
        "not UTF-8": (b"\xff\xfe" + genuine, sign_payload(payload=b"\xff\xfe" + genuine, secret=WEBHOOK_SECRET)),
    }
    before = counts()
    orders_before = list(Order.objects.order_by("pk").values_list("pk", "status", "amount_paid"))

    answers = {name: _post_webhook(site, body, signature).status_code for name, (body, signature) in attempts.items()}
    huge = b'{"id": "evt_huge", "pad": "' + b" " * (1024 * 1024 + 16) + b'"}'
    answers["oversized"] = _post_webhook(site, huge, sign_payload(payload=huge, secret=WEBHOOK_SECRET)).status_code
    answers["oversized, chunked"] = _post_webhook(
        site, iter([huge[:1000], huge[1000:]]), sign_payload(payload=huge, secret=WEBHOOK_SECRET)
    ).status_code
    after = counts()
    orders_after = list(Order.objects.order_by("pk").values_list("pk", "status", "amount_paid"))
    # The control: the genuine delivery, signed now, is taken; so the refusals above were the input's fault.
    accepted = _post_webhook(site, genuine, sign_payload(payload=genuine, secret=WEBHOOK_SECRET))
    order.refresh_from_db()

    refused = [name for name, status in answers.items() if 400 <= status < 500]
    figures.check(
        "hostile webhooks",
        f"{len(refused)}/{len(answers)} forged or malformed deliveries answered 4xx, "
        f"{sum(after[k] != before[k] for k in before)} tables changed; the genuine one paid the order",
        ok=len(refused) == len(answers) and after == before and orders_after == orders_before,
    )
    assert answers["oversized"] == 413
    assert accepted.status_code == 200, accepted.text
    assert order.status == Order.Status.PAID


# --- redirect parameters --------------------------------------------------------------------------------------


def _locations(response: requests.Response) -> list[str]:
    """The Location of each hop of an answer followed by requests (when asked to follow), and its own."""
    return [hop.headers.get("Location", "") for hop in [*response.history, response]]


def test_redirect_parameters_never_leave_the_site(start_live_site, figures):
    student = UserFactory(email="student@example.com", username="student@example.com")
    free = CoursePage.objects.get(slug="introduction-to-active-isolated-stretching")
    enrolment.enrol(user=student, course=free, wants_email=False)
    lesson = LessonPage.objects.child_of(free).live().filter(drip_days=None).first()
    staff = get_user_model().objects.create_user("editor", "editor@example.com", "a long editor password")
    staff.is_staff = staff.is_superuser = True
    staff.save()
    article = ArticlePage.objects.live().first()
    PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.PASSWORD, password="open")
    site = start_live_site(workers=2, **UNLIMITED)
    host = urlsplit(site.url).netloc
    everything = hostile_urls(host)
    targets = everything[:: rounds(full=1, ci=3)]  # CI: every third address
    seen: list[tuple[str, str, str]] = []  # (where, hostile next, Location)

    def record(where: str, target: str, response: requests.Response) -> None:
        assert response.status_code < 500, (where, target, response.status_code)
        seen.extend((where, target, location) for location in _locations(response))

    for target in targets:
        anonymous = site.client()
        for path in ("/accounts/login/", "/accounts/login/code/", "/accounts/signup/", "/admin/login/"):
            record(f"GET {path}", target, site.get(path, anonymous, params={"next": target}))
        # The whole way in: ask for a code with next=…, type the code: where does the browser land?
        browser = site.client()
        page = f"/accounts/login/code/?next={quote(target)}"
        asked = site.submit(browser, page, {"email": student.email, "next": target})
        record("POST code request", target, asked)
        code = re.search(r"^\s*([A-Z0-9-]{6,12})\s*$", LocalMail.objects.first().text_body, re.MULTILINE).group(1)
        confirm = site.submit(browser, "/accounts/login/code/confirm/", {"code": code, "next": target})
        record("POST code confirm", target, confirm)
        finished = site.post(
            f"/learn/lessons/{lesson.pk}/complete/",
            browser,
            data={"csrfmiddlewaretoken": browser.cookies.get("csrftoken", ""), "next": target},
            headers={"Referer": site.url + lesson.url},
        )
        record("POST lesson complete", target, finished)
        record("POST sign-out", target, site.submit(browser, "/accounts/logout/", {"next": target}))
        editor = site.client()
        signed = site.submit(
            editor, "/admin/login/", {"username": "editor", "password": "a long editor password", "next": target}
        )
        record("POST admin sign-in", target, signed)
        visitor = site.client()
        form = site.get(article.url, visitor)
        action = re.search(r'action="(/_util/authenticate_with_password/[^"]+)"', form.text).group(1)
        opened = site.post(
            action,
            visitor,
            data={"csrfmiddlewaretoken": csrf_token(form.text), "password": "open", "return_url": target},
            headers={"Referer": site.url + article.url},
        )
        record("POST page password", target, opened)

    escaped = [(where, target, location) for where, target, location in seen if off_site(location, site.url)]
    redirects = [entry for entry in seen if entry[2]]
    figures.check(
        "hostile redirects",
        f"{len(targets)} hostile addresses x {len(seen) // len(targets)} redirect points, "
        f"{len(redirects)} redirects, {len(escaped)} off-site",
        ok=not escaped,
    )
    # The control: the flows did redirect (sign-in landed, sign-out and the page password went through).
    assert {where for where, _, location in redirects} >= {
        "POST code confirm",
        "POST lesson complete",
        "POST sign-out",
        "POST admin sign-in",
        "POST page password",
    }
    assert LessonCompletion.objects.filter(user=student, lesson=lesson).exists()


# --- the Host header ------------------------------------------------------------------------------------------


def test_spoofed_hosts_are_refused_and_never_named(start_live_site, figures):
    UserFactory(email="reader@example.com", username="reader@example.com")
    free = CoursePage.objects.get(slug="introduction-to-active-isolated-stretching")
    site = start_live_site(workers=2, **UNLIMITED)
    host = urlsplit(site.url).netloc
    article = ArticlePage.objects.live().first()
    reads = [
        "/",
        article.url,
        "/sitemap.xml",
        "/feeds/rss/",
        "/robots.txt",
        f"/oembed?url={quote(site.url + article.url)}&format=json",
        f"/api/v2/pages/{article.pk}/?fields=*",
        "/api/v2/pages/?fields=*",
        "/api/catalogue/products",
        "/search/?q=psoas",
        "/accounts/login/code/",
    ]
    spoofed_hosts = [EVIL, f"{EVIL}:80", f"{host}@{EVIL}", f"{host}.{EVIL}", f"{EVIL}#{host}", f"{EVIL}\\{host}"]
    mails_before = LocalMail.objects.count()

    refused = {}
    for spoofed in spoofed_hosts:
        for path in reads:
            answer = site.get(path, headers={"Host": spoofed})
            refused[(spoofed, path)] = answer.status_code == 400 and EVIL not in answer.text
        for path, data in (
            ("/accounts/login/code/", {"email": "reader@example.com"}),
            ("/accounts/password/reset/", {"email": "reader@example.com"}),
            (f"/learn/courses/{free.pk}/enrol/", {"email": "reader@example.com"}),
        ):
            answer = site.post(path, data=data, headers={"Host": spoofed})
            refused[(spoofed, path)] = answer.status_code == 400
        answer = site.post(
            "/_allauth/app/v1/auth/code/request", json={"email": "reader@example.com"}, headers={"Host": spoofed}
        )
        refused[(spoofed, "headless code")] = answer.status_code == 400
    mails_after_spoofing = LocalMail.objects.count()

    # X-Forwarded-Host and friends from a client: ignored (BEHIND_PROXY is off), so never in a link or an e-mail.
    forwarded = {"X-Forwarded-Host": EVIL, "Forwarded": f"host={EVIL};proto=https", "X-Original-Host": EVIL}
    named = [path for path in reads if EVIL in (answer := site.get(path, headers=forwarded)).text + str(answer.headers)]
    browser = site.client()
    site.submit(browser, "/accounts/login/code/", {"email": "reader@example.com"}, headers=forwarded)
    site.post(f"/learn/courses/{free.pk}/enrol/", data={"email": "enrol@example.com"}, headers=forwarded)
    site.submit(site.client(), "/accounts/password/reset/", {"email": "reader@example.com"}, headers=forwarded)
    site.post("/_allauth/app/v1/auth/code/request", json={"email": "reader@example.com"}, headers=forwarded)
    mails = list(LocalMail.objects.all()[: LocalMail.objects.count() - mails_after_spoofing])
    named += [f"e-mail {mail.subject}" for mail in mails if EVIL in mail.text_body + mail.html_body]

    figures.check(
        "hostile hosts",
        f"{sum(refused.values())}/{len(refused)} spoofed-Host requests answered 400, "
        f"{mails_after_spoofing - mails_before} e-mails sent for them; "
        f"forwarded host named in {len(named)} of {len(reads)} pages and {len(mails)} e-mails",
        ok=all(refused.values()) and mails_after_spoofing == mails_before and not named,
    )
    assert len(mails) >= 3  # the control: the forwarded-host requests did send their e-mails


# --- schemathesis over /api/ ----------------------------------------------------------------------------------


def _api_checks(site, response, written: bool) -> list[str]:
    problems = []
    if response.status_code >= 500:
        problems.append(f"{response.status_code}")
    if off_site(response.headers.get("Location"), site.url):
        problems.append(f"off-site Location {response.headers.get('Location')}")
    if response.status_code >= 400 and written:
        problems.append(f"refused with {response.status_code} but wrote rows")
    return problems


def test_schemathesis_over_the_api(start_live_site, settings, figures):
    settings.SHOP_DEMO = True  # checkout answers through the demo gateway, as on `make run`
    buyer = UserFactory(email="api-buyer@example.com", username="api-buyer@example.com")
    site = start_live_site(workers=2, **UNLIMITED)
    token = app_token(site, buyer.email)
    schema = schemathesis.openapi.from_url(f"{site.url}/api/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    examples = rounds(full=25, ci=5)
    calls, failures = [0], []

    def call(caller: str, headers: dict, case) -> None:
        before = counts()
        try:
            response = case.call(base_url=site.url, headers=headers, timeout=30, allow_redirects=False)
        except requests.RequestException as error:
            failures.append(f"{caller} {case.method} {case.formatted_path}: {error}")
            return
        calls[0] += 1
        problems = _api_checks(site, response, counts() != before)
        failures.extend(f"{caller} {case.method} {case.formatted_path}: {p}" for p in problems)

    for operation in operations:
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            for caller, headers in (("anonymous", {}), ("token", {"X-Session-Token": token})):
                strategy = operation.as_strategy(generation_mode=mode)
                try:
                    generated(strategy, examples, lambda case, c=caller, h=headers: call(c, h, case))
                except Unsatisfiable:  # an operation without parameters has no wrong input to make
                    assert mode == schemathesis.GenerationMode.NEGATIVE, operation.label

    figures.check(
        "hostile API (schemathesis)",
        f"{calls[0]} generated calls over {len(operations)} operations (seed 6, anonymous and token), "
        f"{len(failures)} with a 5xx, an off-site redirect or a write on refusal",
        ok=not failures and calls[0] > len(operations),
    )


def generated(strategy, examples: int, check) -> None:
    """Run `check` on `examples` values drawn from `strategy`, with a fixed seed (the same values every run).

    Checks record what is wrong instead of raising, so hypothesis draws every example rather than shrinking one.
    """

    @seed(6)
    @hypothesis_settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(value=strategy)
    def run(value):
        check(value)

    run()


# --- hypothesis over the HTML forms ---------------------------------------------------------------------------

TRICKY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "' OR 1=1 --",
    '"><script>alert(1)</script>',
    "{{ 7*7 }}",
    "%s%s%n",
    "../../etc/passwd",
    "Ünïcödé ☃ 漢字",
    "\u202etxt.exe",
    "x" * 5000,
    "student@example.com",
    "new-person@example.com",
    "someone@evil.example",
    "a@b",
    "on",
    "1",
    "-1",
    "1900",
    "99999999999999999999999",
    "ABCD-EFGH",
]
BUY_FIELDS = ["token", "price", "consent"]
values = st.one_of(st.text(max_size=200), st.sampled_from(TRICKY), st.emails())


def _form(fields: list[str]):
    extra = st.dictionaries(st.sampled_from(["next", "action", "quantity", "id", "user"]), values, max_size=2)
    return st.tuples(st.fixed_dictionaries(dict.fromkeys(fields, values)), extra)


def test_hypothesis_over_the_html_forms(start_live_site, settings, figures):
    settings.SHOP_DEMO = True
    student = UserFactory(email="student@example.com", username="student@example.com")
    free = CoursePage.objects.get(slug="introduction-to-active-isolated-stretching")
    site = start_live_site(workers=2, **UNLIMITED)
    anonymous = site.client()
    signed_in = sign_in(site, student.email)
    # (who, page with the form, where it posts, fields, method)
    forms = [
        ("anonymous", "/accounts/login/code/", "/accounts/login/code/", ["email"], "post"),
        ("anonymous", "/accounts/login/", "/accounts/login/", ["login", "password"], "post"),
        ("anonymous", "/accounts/signup/", "/accounts/signup/", ["email"], "post"),
        ("anonymous", "/shop/buy/stretching-guide/", "/shop/buy/stretching-guide/", BUY_FIELDS, "post"),
        ("anonymous", free.url, f"/learn/courses/{free.pk}/enrol/", ["email", "emails"], "post"),
        ("anonymous", "/search/", "/search/", ["q", "page"], "get"),
        ("student", "/learn/", "/learn/certificates/name/", ["name"], "post"),
        ("student", "/accounts/email/", "/accounts/email/", ["email", "action_add"], "post"),
        ("student", "/shop/buy/iliopsoas-guide/", "/shop/buy/iliopsoas-guide/", BUY_FIELDS, "post"),
        ("student", free.url, f"/learn/courses/{free.pk}/enrol/", ["email", "emails"], "post"),
    ]
    examples = rounds(full=30, ci=6)
    sent, failures = [0], []

    def submit(form: tuple, data: tuple) -> None:
        browser, token, page, action, method = form
        fields, extra = data
        before = counts()
        try:
            if method == "get":
                answer = site.get(action, browser, params={**extra, **fields})
            else:
                answer = site.post(
                    action,
                    browser,
                    data={**extra, **fields, "csrfmiddlewaretoken": token},
                    headers={"Referer": site.url + page},
                )
        except requests.RequestException as error:
            failures.append(f"{action}: {error}")
            return
        sent[0] += 1
        wrote = counts() != before
        refused = answer.status_code >= 400 or "errorlist" in answer.text or 'aria-invalid="true"' in answer.text
        if answer.status_code >= 500:
            failures.append(f"{action} {fields!r}: {answer.status_code}")
        if off_site(answer.headers.get("Location"), site.url):
            failures.append(f"{action} {extra!r}: off-site {answer.headers['Location']}")
        if refused and wrote:
            failures.append(f"{action} {fields!r}: refused ({answer.status_code}) but wrote rows")

    for who, page, action, fields, method in forms:
        browser = anonymous if who == "anonymous" else signed_in
        token = csrf_token(site.get(page, browser).text) or browser.cookies.get("csrftoken", "")
        generated(_form(fields), examples, lambda data, form=(browser, token, page, action, method): submit(form, data))

    figures.check(
        "hostile forms (hypothesis)",
        f"{sent[0]} generated submissions to {len(forms)} forms (seed 6), "
        f"{len(failures)} with a 5xx, an off-site redirect or a write on refusal",
        ok=not failures and sent[0] >= len(forms) * examples // 2,
    )
    assert failures == []
