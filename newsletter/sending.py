"""Sending an issue: the recipients listed once when it starts, then batches through the outbox at a set rate.

Resumable with the outbox's guarantee. Every delivery has its own outbox key, so writing a batch twice writes
nothing twice; a run that dies is taken over by the next one, which sends the rows left unsent. The one row a
dying worker had claimed waits for the outbox's stale-claim time and is then sent again: if the worker died
after the provider took it and before the row was marked sent, that one person gets it twice (at most one
duplicate per crash, never a loss). Called by the admin's send view (start) and the `send_newsletters` command.
"""

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core import outbox
from core.models import OutboxEmail
from courses.models import CoursePage, Enrolment
from newsletter import consent, rendering, segments
from newsletter.models import Delivery, NewsletterIssue, Send
from shop.models import Order, Product

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Figures:
    recipients: int
    handed: int
    waiting: int
    skipped: int
    delivered: int
    bounced: int
    complained: int
    unsubscribed: int
    orders: int  # paid orders whose buyer arrived through this send's links (utm_campaign)
    signups: int  # free-course places taken the same way


def start(
    *,
    issue: NewsletterIssue,
    segment: str,
    product: Product | None = None,
    course: CoursePage | None = None,
    user=None,
    now: datetime | None = None,
) -> Send:
    """Freeze the issue as it is now and list its recipients (consenting people in the segment, each once)."""
    consent.sync_consents()
    frozen = rendering.body(issue=issue)
    now = now or timezone.now()
    with transaction.atomic():
        send = Send.objects.create(
            issue=issue,
            segment=segment,
            product=product if segment == Send.Segment.PRODUCT else None,
            course=course if segment == Send.Segment.COURSE_UNFINISHED else None,
            subject=issue.subject,
            started_by=user if getattr(user, "is_authenticated", False) else None,
            started_at=now,
        )
        tagged = rendering.tag_links(frozen, send_pk=send.pk)
        send.html_body = _with_preheader(tagged.html, issue.preheader)
        send.text_body = tagged.text
        send.save(update_fields=["html_body", "text_body"])
        people = segments.recipients(segment=segment, product=product, course=course)
        Delivery.objects.bulk_create(
            [
                Delivery(send=send, subscriber_id=pk, outbox_key=f"newsletter-{send.pk}-{pk}")
                for pk in people.values_list("pk", flat=True)
            ],
            batch_size=500,
        )
    logger.info("Newsletter send started", extra={"send": send.pk, "segment": segment})
    return send


def _with_preheader(html: str, preheader: str) -> str:
    if not preheader:
        return html
    from django.utils.html import escape

    hidden = "display:none;max-height:0;overflow:hidden;mso-hide:all"
    return f'<div style="{hidden}">{escape(preheader)}</div>\n{html}'


def _message_id(key: str) -> str:
    """One Message-ID per delivery: a copy sent twice after a crash is the same message to the mailbox."""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "localhost"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}.newsletter@{domain}>"


def _queue(delivery: Delivery) -> bool:
    """Write one delivery's e-mail to the outbox (once per key); False when its person withdrew meanwhile."""
    subscriber = delivery.subscriber
    subscriber.refresh_from_db()
    if not subscriber.subscribed:
        Delivery.objects.filter(pk=delivery.pk).update(skipped=True, queued_at=timezone.now())
        return False
    send = delivery.send
    unsubscribe_url = consent.unsubscribe_url(subscriber=subscriber, delivery=delivery)
    context = rendering.context(
        subject=send.subject,
        preheader="",
        frozen=rendering.Body(html=send.html_body, text=send.text_body),
        unsubscribe_url=unsubscribe_url,
        preferences_url=settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/newsletter/preferences/",
    )
    outbox.enqueue_email(
        key=delivery.outbox_key,
        to=subscriber.email,
        subject=send.subject,
        template="newsletter/email/issue",
        context=context,
        headers={
            # RFC 8058: mail apps show their own button and POST "List-Unsubscribe=One-Click" to this https URL.
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Message-ID": _message_id(delivery.outbox_key),
        },
        schedule=False,
    )
    Delivery.objects.filter(pk=delivery.pk).update(queued_at=timezone.now())
    return True


def _unsent_rows(send: Send) -> list[int]:
    keys = send.deliveries.filter(queued_at__isnull=False, skipped=False).values("outbox_key")
    return list(
        OutboxEmail.objects.filter(key__in=keys, sent_at__isnull=True).order_by("pk").values_list("pk", flat=True)
    )


def queue_batch(*, send: Send, size: int) -> list[int]:
    """Write the next `size` deliveries to the outbox in one transaction; the outbox rows' ids."""
    with transaction.atomic():
        batch = list(
            send.deliveries.select_for_update()
            .filter(queued_at__isnull=True)
            .select_related("subscriber", "send")
            .order_by("pk")[:size]
        )
        keys = [delivery.outbox_key for delivery in batch if _queue(delivery)]
    return list(OutboxEmail.objects.filter(key__in=keys, sent_at__isnull=True).values_list("pk", flat=True))


def run(
    *,
    max_seconds: float,
    rate: float | None = None,
    batch_size: int | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Send open sends for up to `max_seconds`, at most `rate` e-mails a second; returns how many left."""
    rate = rate or settings.NEWSLETTER_RATE
    batch_size = batch_size or settings.NEWSLETTER_BATCH_SIZE
    started = clock()
    sent = 0
    for send in Send.objects.filter(finished_at__isnull=True).order_by("pk"):
        # Rows a dead run wrote but did not send; the outbox skips any that a live worker still holds.
        sent += sum(1 for pk in _unsent_rows(send) if outbox.send(pk=pk))
        while clock() - started < max_seconds:
            batch_started = clock()
            pks = queue_batch(send=send, size=batch_size)
            if not pks:
                if not _unsent_rows(send):
                    Send.objects.filter(pk=send.pk).update(finished_at=timezone.now())
                    logger.info("Newsletter send finished", extra={"send": send.pk})
                break  # finished, or only rows another worker holds are left: the next run looks again
            handed = sum(1 for pk in pks if outbox.send(pk=pk))
            sent += handed
            wait = len(pks) / rate - (clock() - batch_started)
            if wait > 0:
                sleep(wait)
    return sent


def figures(*, send: Send) -> Figures:
    deliveries = send.deliveries
    keys = deliveries.filter(skipped=False).values("outbox_key")
    return Figures(
        recipients=deliveries.count(),
        handed=OutboxEmail.objects.filter(key__in=keys, sent_at__isnull=False).count(),
        waiting=deliveries.filter(queued_at__isnull=True).count()
        + OutboxEmail.objects.filter(key__in=keys, sent_at__isnull=True).count(),
        skipped=deliveries.filter(skipped=True).count(),
        delivered=deliveries.filter(delivered_at__isnull=False).count(),
        bounced=deliveries.filter(bounced_at__isnull=False).count(),
        complained=deliveries.filter(complained_at__isnull=False).count(),
        unsubscribed=deliveries.filter(unsubscribed_at__isnull=False).count(),
        orders=Order.objects.filter(status=Order.Status.PAID, utm_campaign=rendering.campaign(send.pk)).count(),
        signups=Enrolment.objects.filter(utm_campaign=rendering.campaign(send.pk)).count(),
    )
