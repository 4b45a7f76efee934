"""The provider's delivery reports (django-anymail's tracking webhooks, e.g. /anymail/mailgun/tracking/, signed).

A bounce, a complaint or a rejection stops the newsletter to that address (shown on its subscriber page); each
report that carries a newsletter e-mail's outbox key (anymail metadata) also counts on that send's figures.
"""

import logging

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
