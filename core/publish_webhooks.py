"""Outgoing publish webhooks: a signed JSON notice to every receiver in PUBLISH_WEBHOOK_URLS and every active
receiver editors added in the admin (`WebhookReceiver`, public https addresses only) when readers' content
changes (a page published, unpublished, deleted or moved, its privacy changed, a product changed).

Each notice is a `WebhookDelivery` row per receiver, written in the transaction of the change; the task worker
posts it after commit and `send_webhooks` (scheduled) retries failures with backoff through core.retries. Page
events are connected once by core.apps; rooms above report their own changes with `notify` (the shop's products).
"""

import hashlib
import hmac
import json
import logging
import time

import requests
from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.tasks import task
from wagtail import signals as wagtail_signals
from wagtail.models import Page, PageViewRestriction

from core import public_addresses, retries
from core.models import WebhookDelivery, WebhookReceiver

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "Backcare-Signature"
# How old a signed timestamp a receiver should accept (seconds); `verify` uses it, the README documents it.
TOLERANCE = 300


def body_of(payload: dict) -> bytes:
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def sign(*, secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(*, secret: str, header: str, body: bytes, now: float | None = None, tolerance: int = TOLERANCE) -> bool:
    """What a receiver does: True only for a well-formed header, a timestamp within `tolerance` and a matching MAC."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = sign(secret=secret, timestamp=timestamp, body=body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def notify(*, event: str, page_id: int | None, page_type: str, url_path: str | None, **extra) -> int:
    """Queue the notice for every receiver in the caller's transaction. Returns the rows written."""
    payload = {"event": event, "page_id": page_id, "type": page_type, "url_path": url_path, **extra}
    with transaction.atomic():
        rows = [WebhookDelivery(url=url, event=event, payload=payload) for url in settings.PUBLISH_WEBHOOK_URLS] + [
            WebhookDelivery(url=receiver.url, receiver=receiver, event=event, payload=payload)
            for receiver in WebhookReceiver.objects.filter(active=True)
        ]
        if not rows:
            return 0
        for row in rows:
            row.save()
    for row in rows:
        transaction.on_commit(lambda pk=row.pk: _schedule(pk))
    return len(rows)


def _schedule(pk: int) -> None:
    try:
        deliver_webhook.enqueue(pk)
    except Exception:
        # The row is safe in the database; the scheduled `send_webhooks` command will deliver it.
        logger.exception("Could not enqueue a webhook delivery", extra={"delivery_id": pk})


@task()
def deliver_webhook(pk: int) -> bool:
    return deliver(pk=pk)


def post(row: WebhookDelivery) -> None:
    """POST the notice, signed now; anything but a 2xx answer is a failure (redirects are not followed).

    The operator's receivers are trusted as configured. A receiver added in the admin signs with its own secret and
    is checked again now: the request goes to an address that was public a moment ago, never to one its name
    resolves to later."""
    body = body_of(row.payload)
    secret = row.receiver.secret if row.receiver else settings.PUBLISH_WEBHOOK_SECRET
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(secret=secret, timestamp=int(time.time()), body=body),
        "Backcare-Event": row.event,
    }
    timeout = settings.PUBLISH_WEBHOOK_TIMEOUT
    if row.receiver:
        status = public_addresses.post(
            public_addresses.check(row.url), body=body, headers=headers, timeout=timeout
        ).status
    else:
        status = requests.post(row.url, data=body, headers=headers, timeout=timeout, allow_redirects=False).status_code
    if not 200 <= status < 300:
        raise requests.HTTPError(f"receiver answered {status}")


def deliver(*, pk: int, now=None) -> bool:
    return retries.attempt(
        WebhookDelivery, pk=pk, work=post, now=now, max_attempts=settings.PUBLISH_WEBHOOK_MAX_ATTEMPTS
    )


def deliver_due(*, now=None) -> int:
    return retries.run_due(WebhookDelivery, work=post, now=now, max_attempts=settings.PUBLISH_WEBHOOK_MAX_ATTEMPTS)


# --- Page events ------------------------------------------------------------------------------------------


def _page_notice(event: str, page: Page, **extra) -> None:
    specific = page.specific_class
    parts = page.get_url_parts()
    notify(
        event=event,
        page_id=page.pk,
        page_type=specific._meta.label if specific else "wagtailcore.Page",
        url_path=parts[2] if parts else None,
        **extra,
    )


def _published(sender, instance, **kwargs):
    _page_notice("page.published", instance)


def _unpublished(sender, instance, **kwargs):
    _page_notice("page.unpublished", instance)


def _moved(sender, instance, url_path_before=None, url_path_after=None, **kwargs):
    if url_path_before != url_path_after and instance.live:
        _page_notice("page.moved", instance)


def _deleted(sender, instance, **kwargs):
    # Django reports a page's deletion once per table of its type; the base `Page` row is the one to count.
    # Wagtail unpublishes a live page before deleting it (a `page.unpublished` notice comes first).
    _page_notice("page.deleted", instance)


def _privacy_changed(sender, instance, **kwargs):
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None and page.live:
        _page_notice("page.privacy_changed", page)


def connect() -> None:
    wagtail_signals.page_published.connect(_published, dispatch_uid="core.publish_webhooks.published")
    wagtail_signals.page_unpublished.connect(_unpublished, dispatch_uid="core.publish_webhooks.unpublished")
    wagtail_signals.post_page_move.connect(_moved, dispatch_uid="core.publish_webhooks.moved")
    post_delete.connect(_deleted, sender=Page, dispatch_uid="core.publish_webhooks.deleted")
    for signal in (post_save, post_delete):
        signal.connect(
            _privacy_changed, sender=PageViewRestriction, dispatch_uid=f"core.publish_webhooks.privacy.{id(signal)}"
        )
