"""The newsletter from outside, through gunicorn: double opt-in from the form to a confirmed subscriber, the
rate limit on the form, and RFC 8058 one-click unsubscribe as a mail app sends it (a bare POST, no cookie)."""

import json
import re

import requests
from django.core import signing
from django.utils import timezone

from newsletter import consent, sending
from newsletter.models import NewsletterIssue, Send, Subscriber


def _confirm_link(site) -> str:
    mails = [m for m in site.mail() if m.subject == "Confirm your newsletter subscription"]
    assert len(mails) == 1
    link = re.search(r"(http://\S+/newsletter/confirm/\S+/)", mails[0].text_body)[1]
    assert link.startswith(site.url), "links name the configured site address"
    assert link in mails[0].html_body
    return link[len(site.url) :]


def test_double_opt_in_from_the_form_to_a_confirmed_subscriber(live_site):
    site = live_site
    page = site.get("/newsletter/")
    assert page.status_code == 200
    assert "no-cache" in page.headers["Cache-Control"] or "max-age=0" in page.headers["Cache-Control"]

    # The form carries no CSRF token (it may sit on cached pages): a bare POST is what a reader's browser sends.
    sent = site.post("/newsletter/", data={"email": "reader@example.com"})
    assert sent.status_code == 200
    assert "Check your e-mail" in sent.text
    assert not Subscriber.objects.filter(consent_at__isnull=False).exists()

    path = _confirm_link(site)
    browser = site.client()
    opened = site.get(path, browser)
    assert opened.status_code == 200
    assert not Subscriber.objects.filter(consent_at__isnull=False).exists(), "a mail scanner's GET changes nothing"
    confirmed = site.submit(browser, path, {})
    assert confirmed.status_code == 200
    assert "You are subscribed" in confirmed.text

    person = Subscriber.objects.get(email="reader@example.com")
    assert person.subscribed
    assert person.consent_source == Subscriber.Source.FORM


def test_the_form_is_rate_limited_per_client(start_live_site):
    site = start_live_site(API_RATE_SIGN_IN_CODE="3/m")

    statuses = [site.post("/newsletter/", data={"email": f"r{n}@example.com"}).status_code for n in range(5)]

    assert statuses == [200, 200, 200, 429, 429]


def test_one_click_unsubscribe_as_a_mail_app_posts_it(start_live_site, settings, mailoutbox):
    # The server signs with this process's key, so the links made here are the ones it made.
    live_site = start_live_site(SECRET_KEY=settings.SECRET_KEY)
    settings.WAGTAILADMIN_BASE_URL = live_site.url
    issue = NewsletterIssue.objects.create(title="T", subject="Hello", body=[("heading", "Hi")])
    person = Subscriber.objects.create(email="reader@example.com", consent_at=timezone.now())
    send = sending.start(issue=issue, segment=Send.Segment.EVERYONE)
    sending.run(max_seconds=30, rate=100)
    [message] = mailoutbox
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url.startswith(live_site.url + "/newsletter/unsubscribe/")
    assert url in message.body

    # What a mail app sends (RFC 8058 section 3.1): a POST with this body, no cookie, no CSRF token.
    answer = requests.post(
        url,
        data="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        allow_redirects=False,
        timeout=30,
    )

    assert answer.status_code == 200
    person.refresh_from_db()
    assert not person.subscribed
    assert sending.figures(send=send).unsubscribed == 1


def test_another_persons_unsubscribe_link_cannot_be_made_from_mine(start_live_site, settings):
    live_site = start_live_site(SECRET_KEY=settings.SECRET_KEY)
    mine = Subscriber.objects.create(email="me@example.com", consent_at=timezone.now())
    other = Subscriber.objects.create(email="other@example.com", consent_at=timezone.now())
    token = consent.unsubscribe_token(subscriber=mine)
    _, signature = token.rsplit(":", 1)
    other_payload = signing.b64_encode(json.dumps({"s": other.pk, "d": 0}, separators=(",", ":")).encode()).decode()
    forged = f"{other_payload}:{signature}"
    assert forged != token

    genuine = live_site.get(f"/newsletter/unsubscribe/{token}/")
    answer = live_site.post(f"/newsletter/unsubscribe/{forged}/", data="List-Unsubscribe=One-Click")

    assert genuine.status_code == 200
    assert "me@example.com" in genuine.text
    assert answer.status_code == 400
    other.refresh_from_db()
    assert other.subscribed
