"""The durable e-mail outbox: rows written in the caller's transaction, each sent once by the task worker.

Any number of workers and schedulers may send: a row is claimed by one conditional UPDATE, so only one sends it.
A failed send is tried again later each time (core.retries' backoff, at most hours apart, never given up), and
the admin's failures list shows the e-mails still waiting after a failure (shop.failures).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone

from core import retries
from core.models import OutboxEmail

logger = logging.getLogger(__name__)

# A claim older than this is taken to belong to a worker that died while sending; the row is tried again.
STALE_CLAIM = timedelta(minutes=10)


def enqueue_email(
    *,
    key: str,
    to: str,
    subject: str,
    template: str,
    context: dict,
    headers: dict[str, str] | None = None,
    schedule: bool = True,
) -> bool:
    """Write the e-mail to the outbox (once per key) and send it after the caller's transaction commits.

    Returns False, writing nothing, when an e-mail with this key already exists. `schedule=False` leaves the
    sending to the caller (a newsletter paces its batches itself); `send_outbox` still sends what it leaves.
    """
    with transaction.atomic():
        row, created = OutboxEmail.objects.get_or_create(
            key=key,
            defaults={"to": to, "subject": subject, "template": template, "context": context, "headers": headers or {}},
        )
    if created and schedule:
        transaction.on_commit(lambda: _schedule(row.pk))
    return created


def _schedule(pk: int) -> None:
    try:
        send_outbox_email.enqueue(pk)
    except Exception:
        # The row is safe in the database; the periodic `send_outbox` command will send it.
        logger.exception("Could not enqueue an outbox e-mail", extra={"outbox_id": pk})


@task()
def send_outbox_email(pk: int) -> bool:
    return send(pk=pk)


def _due(now):
    claimable = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - STALE_CLAIM)
    return OutboxEmail.objects.filter(claimable, sent_at__isnull=True, next_attempt_at__lte=now)


def _claim(pk: int) -> bool:
    now = timezone.now()
    return bool(_due(now).filter(pk=pk).update(claimed_at=now, attempts=F("attempts") + 1))


def failing():
    """E-mails not sent yet whose last attempt failed: the admin lists them (they are still being retried)."""
    return OutboxEmail.objects.filter(sent_at__isnull=True).exclude(last_error="").order_by("created_at", "pk")


def render(row: OutboxEmail) -> EmailMultiAlternatives:
    context = {**row.context, "site_name": settings.WAGTAIL_SITE_NAME, "base_url": settings.WAGTAILADMIN_BASE_URL}
    text = render_to_string(f"{row.template}.txt", context)
    html = render_to_string(f"{row.template}.html", context)
    message = EmailMultiAlternatives(subject=row.subject, body=text, to=[row.to], headers=row.headers or None)
    message.attach_alternative(html, "text/html")
    # django-anymail sends this with the message and hands it back on the provider's delivery and bounce
    # events, which is how they find the row (other backends ignore the attribute).
    message.metadata = {"outbox_key": row.key}
    return message


def send(*, pk: int) -> bool:
    """Send one outbox row if nobody else has claimed it. Returns True if this call sent it."""
    if not _claim(pk):
        return False
    row = OutboxEmail.objects.get(pk=pk)
    try:
        render(row).send()
    except Exception as error:
        # Release the claim so a later run tries again, a little later after each failure.
        OutboxEmail.objects.filter(pk=pk).update(
            claimed_at=None,
            last_error=repr(error)[:2000],
            next_attempt_at=timezone.now() + retries.backoff(row.attempts),
        )
        logger.exception("Outbox e-mail failed", extra={"outbox_id": pk})
        return False
    OutboxEmail.objects.filter(pk=pk).update(sent_at=timezone.now(), last_error="")
    logger.info("Outbox e-mail sent", extra={"outbox_id": pk, "template": row.template})
    return True


def send_pending(*, limit: int = 200) -> int:
    """Send every unsent row that is due and no live worker holds (the periodic command calls this)."""
    pks = list(_due(timezone.now()).order_by("pk").values_list("pk", flat=True)[:limit])
    return sum(1 for pk in pks if send(pk=pk))
