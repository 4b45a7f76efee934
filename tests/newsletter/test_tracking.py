"""The provider's reports through django-anymail's Mailgun tracking webhook: signed, and acted on."""

import base64
import hashlib
import hmac
import json
import secrets
import time

import pytest

from newsletter import sending
from newsletter.models import Delivery, Send, Subscriber
from tests.newsletter.conftest import subscriber

SIGNING_KEY = "test-mailgun-signing-key"
BASIC = "anymail:webhook-secret"


@pytest.fixture(autouse=True)
def _mailgun(settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY, "WEBHOOK_SECRET": BASIC}


def _post(client, event_data: dict, *, key: str = SIGNING_KEY):
    timestamp, token = str(int(time.time())), secrets.token_hex(25)
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    body = {"signature": {"timestamp": timestamp, "token": token, "signature": signature}, "event-data": event_data}
    auth = "Basic " + base64.b64encode(BASIC.encode()).decode()
    return client.post(
        "/anymail/mailgun/tracking/", json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=auth
    )


def _event(kind: str, recipient: str, outbox_key: str = "", **extra) -> dict:
    return {
        "event": kind,
        "recipient": recipient,
        "timestamp": time.time(),
        "user-variables": {"outbox_key": outbox_key} if outbox_key else {},
        "message": {"headers": {"message-id": "abc@mailgun"}},
        **extra,
    }


def _sent(issue, *emails):
    for email in emails:
        subscriber(email)
    send = sending.start(issue=issue, segment=Send.Segment.EVERYONE)
    sending.run(max_seconds=60, rate=1000)
    return send


def test_a_permanent_bounce_stops_the_newsletter_and_counts_on_the_send(issue, client):
    send = _sent(issue, "gone@example.com", "fine@example.com")
    key = Delivery.objects.get(send=send, subscriber__email="gone@example.com").outbox_key
    status = {"code": 550, "description": "No such mailbox", "message": "5.1.1 user unknown"}

    response = _post(
        client, _event("failed", "gone@example.com", key, severity="permanent", **{"delivery-status": status})
    )

    assert response.status_code == 200
    gone = Subscriber.objects.get(email="gone@example.com")
    assert gone.suppressed_reason == Subscriber.Suppression.BOUNCED
    assert "user unknown" in gone.suppressed_detail
    assert sending.figures(send=send).bounced == 1
    second = sending.start(issue=issue, segment=Send.Segment.EVERYONE)
    assert list(second.deliveries.values_list("subscriber__email", flat=True)) == ["fine@example.com"]


def test_a_temporary_failure_stops_nothing(issue, client):
    _sent(issue, "busy@example.com")

    _post(client, _event("failed", "busy@example.com", severity="temporary"))

    assert Subscriber.objects.get(email="busy@example.com").subscribed


def test_a_complaint_stops_the_newsletter(issue, client):
    _sent(issue, "angry@example.com")

    _post(client, _event("complained", "angry@example.com"))

    assert Subscriber.objects.get(email="angry@example.com").suppressed_reason == Subscriber.Suppression.COMPLAINED


def test_delivered_reports_count_on_the_send(issue, client):
    send = _sent(issue, "a@example.com", "b@example.com")
    for delivery in Delivery.objects.filter(send=send):
        _post(client, _event("delivered", delivery.subscriber.email, delivery.outbox_key))
        _post(client, _event("delivered", delivery.subscriber.email, delivery.outbox_key))  # sent again: once

    figures = sending.figures(send=send)
    assert (figures.handed, figures.delivered, figures.bounced) == (2, 2, 0)


def test_a_report_with_a_wrong_signature_is_refused_and_changes_nothing(issue, client):
    _sent(issue, "reader@example.com")

    response = _post(client, _event("complained", "reader@example.com"), key="not-the-key")

    assert response.status_code == 400
    assert Subscriber.objects.get(email="reader@example.com").subscribed


def test_the_subscriber_page_in_the_admin_shows_the_bounce(issue, client, django_user_model):
    _sent(issue, "gone@example.com")
    status = {"description": "No such mailbox", "message": "5.1.1 user unknown"}
    _post(client, _event("failed", "gone@example.com", severity="permanent", **{"delivery-status": status}))
    admin = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw")
    client.force_login(admin)
    gone = Subscriber.objects.get(email="gone@example.com")

    page = client.get(f"/admin/snippets/newsletter/subscriber/inspect/{gone.pk}/").content.decode()

    assert "Stopped: bounced" in page
    assert "user unknown" in page


def test_without_the_webhook_secret_the_endpoints_do_not_exist(issue, client, settings):
    _sent(issue, "reader@example.com")
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}

    response = _post(client, _event("complained", "reader@example.com"))

    assert response.status_code == 404
    assert Subscriber.objects.get(email="reader@example.com").subscribed
