"""Who asked for the newsletter: double opt-in, the boxes at checkout and free-course sign-up, the account page,
unsubscribing and the provider's bounces. Called by newsletter.views, newsletter.tracking and newsletter.sending.
"""

import hashlib
import logging
from datetime import UTC, datetime

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from core import outbox
from core.accounts import normalise_email
from core.errors import DomainError
from courses.models import Enrolment
from newsletter.models import Delivery, Subscriber
from shop.models import Order

logger = logging.getLogger(__name__)

CONFIRM_SALT = "newsletter.confirm"
UNSUBSCRIBE_SALT = "newsletter.unsubscribe"
CONFIRM_MAX_AGE = 3 * 24 * 3600
RESEND_INTERVAL = 60
CONSENT_TEXT = (
    "Send me the newsletter: new articles and guides, about once a month. "
    "I can unsubscribe at any time with the link in every e-mail."
)


class InvalidLinkError(DomainError):
    code = "invalid_link"
    title = "This link does not work"
    message = "This link is not valid or has expired. Ask for a new one."


def _key(email: str) -> str:
    return email.strip().lower()


def _find(email: str) -> Subscriber | None:
    return Subscriber.objects.filter(email__iexact=_key(email)).first()


def _user_for(email: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(email__iexact=_key(email)).first()


def _subscribe(*, email: str, source: str, at: datetime, user=None) -> Subscriber:
    """Record consent given at `at`. A withdrawal or a bounce recorded after it wins; a suppression always does."""
    email = _key(email)
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email__iexact=email).first()
        if subscriber is None:
            try:
                with transaction.atomic():
                    subscriber = Subscriber.objects.create(email=email, user=user or _user_for(email))
            except IntegrityError:
                subscriber = Subscriber.objects.select_for_update().get(email__iexact=email)
        if subscriber.user_id is None and user is not None:
            subscriber.user = user
        newer = subscriber.consent_at is None or at > subscriber.consent_at
        after_withdrawal = subscriber.unsubscribed_at is None or at > subscriber.unsubscribed_at
        if newer and after_withdrawal:
            subscriber.consent_at, subscriber.consent_source, subscriber.consent_text = at, source, CONSENT_TEXT
            subscriber.unsubscribed_at = None
        subscriber.save()
    return subscriber


# --- Double opt-in form ---


def confirm_token(*, email: str, now: datetime | None = None) -> str:
    issued = int((now or timezone.now()).timestamp() * 1000)
    return signing.dumps({"email": email, "at": issued}, salt=CONFIRM_SALT, compress=True)


def request_subscription(*, email: str) -> bool:
    """E-mail a confirmation link to the address typed in the form; nothing else changes until it is pressed.

    The same for known and unknown addresses; False when one went to this address a moment ago.
    Raises ValidationError for a malformed address.
    """
    email = normalise_email(email)
    if not cache.add(f"newsletter:confirm:{_key(email)}", 1, RESEND_INTERVAL):
        return False
    token = confirm_token(email=email)
    link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("newsletter:confirm", args=[token])
    return outbox.enqueue_email(
        key=f"newsletter-confirm:{hashlib.sha256(token.encode()).hexdigest()[:32]}",
        to=email,
        subject="Confirm your newsletter subscription",
        template="newsletter/email/confirm",
        context={"confirm_url": link, "days": CONFIRM_MAX_AGE // 86400},
    )


def read_confirm(*, token: str) -> tuple[str, datetime]:
    try:
        payload = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
        email = normalise_email(payload["email"])
        issued = datetime.fromtimestamp(int(payload["at"]) / 1000, tz=UTC)
    except (signing.BadSignature, ValidationError, KeyError, TypeError, ValueError) as exc:
        raise InvalidLinkError from exc
    return email, issued


def confirm(*, token: str, now: datetime | None = None) -> Subscriber:
    """The reader pressed Confirm in the e-mail: their consent counts from now (the link proved the mailbox)."""
    email, _ = read_confirm(token=token)
    subscriber = _subscribe(email=email, source=Subscriber.Source.FORM, at=now or timezone.now())
    logger.info("Newsletter subscription confirmed", extra={"subscriber": subscriber.pk})
    return subscriber


# --- The account page ---


def wants_newsletter(*, user) -> bool:
    sync_consents(user=user)
    subscriber = Subscriber.objects.filter(Q(user=user) | Q(email__iexact=_key(user.email or "-"))).first()
    return subscriber is not None and subscriber.subscribed


def set_preference(*, user, wants: bool, now: datetime | None = None) -> Subscriber | None:
    """The signed-in person ticks or unticks the box on their account: their proved address is the one used."""
    now = now or timezone.now()
    if not user.email:
        return None
    if wants:
        return _subscribe(email=user.email, source=Subscriber.Source.ACCOUNT, at=now, user=user)
    subscriber = _find(user.email)
    if subscriber is not None and subscriber.unsubscribed_at is None:
        Subscriber.objects.filter(pk=subscriber.pk).update(unsubscribed_at=now)
    return subscriber


# --- Unsubscribing ---


def unsubscribe_token(*, subscriber: Subscriber, delivery: Delivery | None = None) -> str:
    return signing.dumps({"s": subscriber.pk, "d": delivery.pk if delivery else 0}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(*, subscriber: Subscriber, delivery: Delivery | None = None) -> str:
    token = unsubscribe_token(subscriber=subscriber, delivery=delivery)
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("newsletter:unsubscribe", args=[token])


def read_unsubscribe(*, token: str) -> tuple[Subscriber, int]:
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        return Subscriber.objects.get(pk=int(payload["s"])), int(payload.get("d") or 0)
    except (signing.BadSignature, KeyError, TypeError, ValueError, Subscriber.DoesNotExist) as exc:
        raise InvalidLinkError from exc


def unsubscribe(*, token: str, now: datetime | None = None) -> Subscriber:
    """Stop the newsletter for this address (one click, RFC 8058); twice changes nothing."""
    subscriber, delivery_id = read_unsubscribe(token=token)
    now = now or timezone.now()
    with transaction.atomic():
        Subscriber.objects.filter(pk=subscriber.pk, unsubscribed_at__isnull=True).update(unsubscribed_at=now)
        if delivery_id:
            Delivery.objects.filter(pk=delivery_id, subscriber=subscriber, unsubscribed_at__isnull=True).update(
                unsubscribed_at=now
            )
    subscriber.refresh_from_db()
    logger.info("Unsubscribed from the newsletter", extra={"subscriber": subscriber.pk})
    return subscriber


# --- The provider's reports ---


def suppress(*, email: str, reason: str, detail: str = "", now: datetime | None = None) -> Subscriber | None:
    """A bounce or complaint: never send the newsletter to this address again (shown on its admin page)."""
    now = now or timezone.now()
    subscriber = _find(email)
    if subscriber is None:
        subscriber = _subscribe_nothing(email)
    Subscriber.objects.filter(pk=subscriber.pk, suppressed_at__isnull=True).update(
        suppressed_at=now, suppressed_reason=reason, suppressed_detail=detail[:2000]
    )
    subscriber.refresh_from_db()
    logger.warning("Newsletter address suppressed", extra={"subscriber": subscriber.pk, "reason": reason})
    return subscriber


def _subscribe_nothing(email: str) -> Subscriber:
    """A row without consent, so that a bounce on a receipt also keeps the newsletter from that address."""
    try:
        with transaction.atomic():
            return Subscriber.objects.create(email=_key(email), user=_user_for(email))
    except IntegrityError:
        return Subscriber.objects.get(email__iexact=_key(email))


# --- Consent given in the shop and the courses ---


def sync_consents(*, user=None) -> int:
    """Turn the shop's and the courses' ticked boxes into subscribers (a later withdrawal still wins).

    Orders count once paid (the address is then the one Stripe confirmed); free-course boxes once the student
    confirmed the address. Returns how many boxes were read. Safe to run any number of times.
    """
    orders = Order.objects.filter(wants_newsletter=True, status=Order.Status.PAID).exclude(email="")
    enrolments = Enrolment.objects.filter(wants_newsletter=True).select_related("user")
    if user is not None:
        orders = orders.filter(Q(user=user) | Q(email__iexact=user.email or "-"))
        enrolments = enrolments.filter(user=user)
    known = {
        row["e"]: row
        for row in Subscriber.objects.annotate(e=Lower("email")).values("e", "consent_at", "unsubscribed_at")
    }
    read = 0
    for email, at, source, owner in [
        *((o.email, o.created_at, Subscriber.Source.CHECKOUT, o.user) for o in orders.select_related("user")),
        *(
            (e.user.email, e.consent_at or e.enrolled_at, Subscriber.Source.FREE_COURSE, e.user)
            for e in enrolments
            if e.user.email
        ),
    ]:
        read += 1
        row = known.get(_key(email))
        if row and row["consent_at"] and row["consent_at"] >= at:
            continue  # already counted
        if row and row["unsubscribed_at"] and row["unsubscribed_at"] >= at:
            continue  # withdrawn after this box was ticked
        _subscribe(email=email, source=source, at=at, user=owner)
    return read
