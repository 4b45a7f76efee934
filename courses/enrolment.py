"""The free course funnel: e-mail sign-up with double opt-in, confirmation, consent and unsubscribing."""

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core import attribution
from core.accounts import normalise_email
from core.errors import DomainError
from courses import mail
from courses.models import CoursePage, Enrolment

logger = logging.getLogger(__name__)

OPTIN_SALT = "courses.enrolment.optin"
UNSUBSCRIBE_SALT = "courses.enrolment.unsubscribe"
OPTIN_MAX_AGE = 3 * 24 * 3600  # a confirmation link works for three days
RESEND_INTERVAL = 60  # seconds between two confirmation e-mails to one address for one course
CONSENT_TEXT = (
    "Enrol me in the free course and e-mail me each lesson as it opens. "
    "I can unsubscribe at any time with the link in every e-mail."
)


class InvalidLinkError(DomainError):
    """A confirmation or unsubscribe link that was tampered with, has expired or names nothing we know."""

    code = "invalid_link"
    title = "This link does not work"
    message = "This link is not valid or has expired. Ask for a new one."


class LinkUsedError(InvalidLinkError):
    """A confirmation link that was already pressed (each works once)."""

    status = 410
    code = "link_used"
    title = "This link was already used"
    message = "This link was already used. Sign in to continue."


class NotFreeCourseError(DomainError):
    """Only free courses take an e-mail sign-up; paid ones are bought."""

    status = 409
    code = "not_free"
    title = "This course is sold"
    message = "This course is sold, not enrolled in for free."


@dataclass(frozen=True)
class Confirmation:
    user: object
    enrolment: Enrolment
    course: CoursePage
    created: bool
    may_sign_in: bool


def optin_token(
    *,
    email: str,
    course: CoursePage,
    now: datetime | None = None,
    source: attribution.Source = attribution.NO_SOURCE,
    newsletter: bool = False,
) -> str:
    issued = int((now or timezone.now()).timestamp() * 1000)
    payload = {"email": email, "course": course.pk, "at": issued}
    if source:
        # The article and UTM values ride in the signed link until the student confirms; nothing is stored before.
        payload["src"] = source.payload()
    if newsletter:
        payload["newsletter"] = 1
    return signing.dumps(payload, salt=OPTIN_SALT, compress=True)


def unsubscribe_token(*, user, course: CoursePage) -> str:
    return signing.dumps({"user": user.pk, "course": course.pk}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(*, user, course: CoursePage) -> str:
    return reverse("courses:unsubscribe", args=[unsubscribe_token(user=user, course=course)])


def request_enrolment(
    *, email: str, course: CoursePage, source: attribution.Source = attribution.NO_SOURCE, newsletter: bool = False
) -> bool:
    """Send the double opt-in e-mail; False when one went to this address for this course a moment ago.

    The link names the configured site address (WAGTAILADMIN_BASE_URL), never the request's Host.
    `newsletter` (the unticked box) travels in the signed link and is stored only when it is pressed.

    Raises ValidationError for a malformed address and NotFreeCourseError for a paid course.
    """
    if not course.is_free or not course.live:
        raise NotFreeCourseError
    email = normalise_email(email)
    if not cache.add(f"courses:optin:{course.pk}:{email.lower()}", 1, RESEND_INTERVAL):
        return False
    token = optin_token(email=email, course=course, source=source, newsletter=newsletter)
    link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("courses:confirm", args=[token])
    sent = mail.send(
        key=f"optin:{course.pk}:{hashlib.sha256(token.encode()).hexdigest()[:32]}",
        to=email,
        subject=f"Confirm your place in {course.title}",
        template="courses/email/optin",
        context={"course_title": course.title, "confirm_url": link, "days": OPTIN_MAX_AGE // 86400},
    )
    logger.info("Free course sign-up requested", extra={"course": course.pk})
    return sent


def _read(token: str) -> tuple[str, CoursePage, int, attribution.Source]:
    email, course, issued, source, _ = _read_all(token)
    return email, course, issued, source


def _read_all(token: str) -> tuple[str, CoursePage, int, attribution.Source, bool]:
    try:
        payload = signing.loads(token, salt=OPTIN_SALT, max_age=OPTIN_MAX_AGE)
        email = normalise_email(payload["email"])
        course = CoursePage.objects.live().get(pk=int(payload["course"]))
        issued = int(payload["at"])
        source = attribution.from_parameters(payload.get("src") or {})
    except (
        signing.BadSignature,
        ValidationError,
        KeyError,
        TypeError,
        ValueError,
        AttributeError,
        CoursePage.DoesNotExist,
    ) as exc:
        raise InvalidLinkError from exc
    if not course.is_free:
        raise InvalidLinkError
    return email, course, issued, source, payload.get("newsletter") == 1


def read_optin(*, token: str) -> tuple[str, CoursePage]:
    email, course, _, _ = _read(token)
    return email, course


def _may_sign_in(user) -> bool:
    """A link proves the mailbox only: it opens a fresh student account, never an editor's or a buyer's."""
    from allauth.mfa.utils import is_mfa_enabled

    from core import accounts
    from shop import entitlements

    return not (accounts.is_staff(user) or entitlements.ever_granted(user) or is_mfa_enabled(user))


def confirm(*, token: str, now: datetime | None = None) -> Confirmation:
    """The student pressed Continue: find or create their account, enrol them, record their consent.

    Each link works once: pressing it records consent at a time later than the link was issued, and a
    link issued before the latest consent is refused (LinkUsedError). The address counts as verified.
    """
    from core import accounts

    email, course, issued, source, newsletter = _read_all(token)
    source = attribution.existing(source)
    now = now or timezone.now()
    with transaction.atomic():
        user = accounts.user_for_email(email)
        # The article and UTM values are kept only on a new enrolment: one source per place, never a history.
        enrolment, created = Enrolment.objects.select_for_update().get_or_create(
            user=user, course=course, defaults={"source": Enrolment.FREE, "enrolled_at": now, **source.fields()}
        )
        if not created and enrolment.consent_at is not None and enrolment.consent_at.timestamp() * 1000 >= issued:
            raise LinkUsedError
        accounts.mark_verified(user=user, email=email)
        # Confirming again renews consent; the drip clock keeps its original start.
        enrolment.consent_at = now
        enrolment.consent_text = CONSENT_TEXT
        enrolment.unsubscribed_at = None
        # Only a tick is stored: leaving the box empty on a later sign-up withdraws nothing.
        enrolment.wants_newsletter = enrolment.wants_newsletter or newsletter
        enrolment.save(update_fields=["consent_at", "consent_text", "unsubscribed_at", "wants_newsletter"])
    logger.info("Free course enrolment confirmed", extra={"course": course.pk, "user": user.pk, "new": created})
    return Confirmation(user=user, enrolment=enrolment, course=course, created=created, may_sign_in=_may_sign_in(user))


def enrol(
    *,
    user,
    course: CoursePage,
    wants_email: bool,
    newsletter: bool = False,
    now: datetime | None = None,
    source: attribution.Source = attribution.NO_SOURCE,
) -> Enrolment:
    """A signed-in student starts a free course with one click (and may opt in to the e-mails)."""
    if not course.is_free or not course.live:
        raise NotFreeCourseError
    now = now or timezone.now()
    source = attribution.existing(source)
    with transaction.atomic():
        enrolment, _ = Enrolment.objects.get_or_create(
            user=user, course=course, defaults={"source": Enrolment.FREE, "enrolled_at": now, **source.fields()}
        )
        if wants_email and not enrolment.wants_email:
            enrolment.consent_at, enrolment.consent_text, enrolment.unsubscribed_at = now, CONSENT_TEXT, None
            enrolment.save(update_fields=["consent_at", "consent_text", "unsubscribed_at"])
        if newsletter and not enrolment.wants_newsletter:
            enrolment.wants_newsletter = True
            enrolment.save(update_fields=["wants_newsletter"])
    return enrolment


def read_unsubscribe(*, token: str) -> Enrolment:
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        return Enrolment.objects.select_related("course").get(
            user_id=int(payload["user"]), course_id=int(payload["course"])
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError, Enrolment.DoesNotExist) as exc:
        raise InvalidLinkError from exc


def unsubscribe(*, token: str, now: datetime | None = None) -> Enrolment:
    """Stop the course e-mails (the course itself stays open); doing it twice changes nothing."""
    enrolment = read_unsubscribe(token=token)
    with transaction.atomic():
        Enrolment.objects.filter(pk=enrolment.pk, unsubscribed_at__isnull=True).update(
            unsubscribed_at=now or timezone.now()
        )
    enrolment.refresh_from_db()
    logger.info("Unsubscribed from course e-mails", extra={"enrolment": enrolment.pk})
    return enrolment
