"""The provider's delivery reports (django-anymail's tracking webhooks, e.g. /anymail/mailgun/tracking/, signed).

A bounce, a complaint or a rejection stops the newsletter to that address (shown on its subscriber page); each
report that carries a newsletter e-mail's outbox key (anymail metadata) also counts on that send's figures.
"""

import functools
import logging

from django.conf import settings
from django.http import Http404
from django.urls import URLPattern
from django.utils import timezone

from newsletter import consent
from newsletter.models import Delivery, Subscriber

logger = logging.getLogger(__name__)

SUPPRESSING = {
    "bounced": Subscriber.Suppression.BOUNCED,
    "complained": Subscriber.Suppression.COMPLAINED,
    "rejected": Subscriber.Suppression.REJECTED,
}
DELIVERY_FIELDS = {"delivered": "delivered_at", "bounced": "bounced_at", "complained": "complained_at"}


def handle(*, event_type: str, recipient: str, outbox_key: str = "", description: str = "") -> None:
    """Apply one tracking event; repeated events change nothing more."""
    now = timezone.now()
    if event_type in SUPPRESSING and recipient:
        consent.suppress(email=recipient, reason=SUPPRESSING[event_type], detail=description, now=now)
    if event_type == "unsubscribed" and recipient:
        subscriber = Subscriber.objects.filter(email__iexact=recipient.strip()).first()
        if subscriber is not None:
            Subscriber.objects.filter(pk=subscriber.pk, unsubscribed_at__isnull=True).update(unsubscribed_at=now)
    field = DELIVERY_FIELDS.get(event_type) or ("unsubscribed_at" if event_type == "unsubscribed" else "")
    if field and outbox_key.startswith("newsletter-"):
        Delivery.objects.filter(outbox_key=outbox_key, **{f"{field}__isnull": True}).update(**{field: now})


def _receiver(sender, event, esp_name, **kwargs):
    metadata = event.metadata or {}
    description = " ".join(part for part in (event.description or "", event.mta_response or "") if part)
    handle(
        event_type=event.event_type or "",
        recipient=event.recipient or "",
        outbox_key=str(metadata.get("outbox_key", "")),
        description=f"{esp_name}: {description}".strip(),
    )
    logger.info("Provider event", extra={"esp": esp_name, "event_type": event.event_type})


def connect() -> None:
    from anymail.signals import tracking

    tracking.connect(_receiver, dispatch_uid="newsletter.tracking")


def _only_with_a_secret(view):
    """Anymail accepts reports without its basic-auth secret (with a warning): anyone could then post a fake bounce
    and stop someone's newsletter. Until `ANYMAIL["WEBHOOK_SECRET"]` is set, its endpoints do not exist."""

    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        if not (getattr(settings, "ANYMAIL", None) or {}).get("WEBHOOK_SECRET"):
            raise Http404("Provider webhooks are not configured.")
        return view(request, *args, **kwargs)

    return guarded


def anymail_urls() -> list[URLPattern]:
    """django-anymail's webhook URLs (mounted by config/urls.py at /anymail/), each behind the secret check."""
    from anymail.urls import urlpatterns

    return [
        URLPattern(pattern.pattern, _only_with_a_secret(pattern.callback), pattern.default_args, pattern.name)
        for pattern in urlpatterns
    ]
