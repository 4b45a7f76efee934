"""How long orders keep who bought: released from a deleted account now, anonymised after the retention period.

Called by the account deletion (courses.erasure) and the daily `anonymise_old_orders` command. An order of a
deleted account keeps its e-mail, amounts, country and consent for ORDER_RETENTION_YEARS (tax records), then
loses the address and every link to Stripe's own record of the buyer.
"""

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shop.models import Order

logger = logging.getLogger(__name__)

# Personal or linking fields an anonymised order loses (fields another release adds are blanked if present).
ANONYMISED_FIELDS = {
    "email": "",
    "browser_key": "",
    "checkout_token": None,
    "stripe_session_id": None,
    "stripe_session_url": "",
    "stripe_payment_intent_id": "",
    "stripe_charge_id": "",
    "vat_number": "",
    "buyer_name": "",
}


def release(*, user) -> int:
    """Detach the user's orders from their account (it is being deleted) and forget the paying browser.

    The e-mail, amounts, currency, status, dates and consent stay for the retention period.
    """
    with transaction.atomic():
        released = Order.objects.filter(user=user).update(user=None, browser_key="", checkout_token=None)
    logger.info("Orders released from a deleted account", extra={"orders": released})
    return released


def cutoff(*, now: datetime | None = None, years: int | None = None) -> datetime:
    """Orders made before this moment are past the retention period."""
    now = now or timezone.now()
    years = settings.ORDER_RETENTION_YEARS if years is None else years
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February in a year that has none
        return now.replace(year=now.year - years, day=28)


def anonymise_expired(*, now: datetime | None = None, years: int | None = None) -> int:
    """Anonymise orders of deleted accounts (no user) made before the retention cutoff. Running it twice is harmless."""
    names = {field.name for field in Order._meta.get_fields()}
    blanks = {name: value for name, value in ANONYMISED_FIELDS.items() if name in names}
    due = Order.objects.filter(user__isnull=True, created_at__lt=cutoff(now=now, years=years)).exclude(email="")
    with transaction.atomic():
        count = due.update(**blanks)
    if count:
        logger.info("Anonymised orders past the retention period", extra={"orders": count})
    return count
