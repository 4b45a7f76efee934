"""Everything the site holds about one person, gathered for their download (the account page's export).

courses is the lowest room that sees both the ledger (shop) and learning (courses); core's registered sources add
what rooms it cannot import keep (the local mailbox). Called by courses.account; deletion is courses.erasure.
"""

from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.db import models
from django.utils import timezone

from core import accounts, personal_records
from core.models import OutboxEmail
from courses.models import Certificate, CertificateName, Enrolment, LessonCompletion
from shop.models import Download, Entitlement, Order

FORMAT_VERSION = 1

# Never exported: a live Stripe payment page address and the per-form token only matter while paying.
_ORDER_SKIPPED = {"user", "stripe_session_url", "checkout_token"}
# The staff member who acted is someone else's data; what they did and why (the staff note) is exported.
_CHANGE_SKIPPED = {"entitlement", "admin_user", "reason"}


def _plain(row: models.Model, *, skip: set[str] = frozenset()) -> dict:
    """Every stored column of the row except `skip`: new columns reach the export without anyone remembering."""
    data = {}
    for field in row._meta.concrete_fields:
        if field.name in skip or field.primary_key:
            continue
        if field.is_relation:
            continue
        data[field.name] = field.value_from_object(row)
    return data


def emails_of(user) -> list[str]:
    """Every address the account has: its own field and allauth's rows (verified or not)."""
    found = {user.email.lower()} if user.email else set()
    found |= {email.lower() for email in EmailAddress.objects.filter(user=user).values_list("email", flat=True)}
    return sorted(found)


def _account(user) -> dict:
    return {
        "username": user.username,
        "email": user.email,
        "name": user.get_full_name(),
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "has_password": user.has_usable_password(),
        "email_addresses": [
            {"email": row.email, "verified": row.verified, "primary": row.primary}
            for row in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "authenticator_apps": _authenticator_kinds(user),
    }


def _authenticator_kinds(user) -> list[dict]:
    from allauth.mfa.models import Authenticator

    return [
        {"type": row.type, "created_at": row.created_at, "last_used_at": row.last_used_at}
        for row in Authenticator.objects.filter(user=user).order_by("pk")
    ]


def _orders(user) -> list[dict]:
    rows = Order.objects.filter(user=user).select_related("product", "source_page").order_by("created_at", "pk")
    return [
        {
            "number": order.number,
            "product": order.product.name,
            "led_by_page": order.source_page.title if order.source_page else None,
            **_plain(order, skip=_ORDER_SKIPPED),
        }
        for order in rows
    ]


def _entitlements(user) -> list[dict]:
    rows = Entitlement.objects.filter(user=user).select_related("product", "order").prefetch_related("changes")
    return [
        {
            "product": row.product.name,
            "order": row.order.number if row.order else None,
            **_plain(row),
            "history": [
                {**_plain(change, skip=_CHANGE_SKIPPED), "staff_note": change.reason}
                for change in sorted(row.changes.all(), key=lambda change: (change.created_at, change.pk))
            ],
        }
        for row in rows.order_by("granted_at", "pk")
    ]


def _enrolments(user) -> list[dict]:
    rows = Enrolment.objects.filter(user=user).select_related("course", "last_lesson", "source_page")
    return [
        {
            "course": row.course.title,
            "last_lesson": row.last_lesson.title if row.last_lesson else None,
            "led_by_page": row.source_page.title if row.source_page else None,
            **_plain(row),
        }
        for row in rows.order_by("enrolled_at", "pk")
    ]


def _progress(user) -> list[dict]:
    rows = LessonCompletion.objects.filter(user=user).select_related("lesson").order_by("completed_at", "pk")
    return [{"lesson": row.lesson.title, "completed_at": row.completed_at} for row in rows]


def _certificates(user) -> dict:
    chosen = CertificateName.objects.filter(user=user).first()
    return {
        "name_on_certificates": chosen.name if chosen else None,
        "certificates": [_plain(row) for row in Certificate.objects.filter(user=user).order_by("issued_at", "pk")],
    }


def _consents(user) -> list[dict]:
    """What the person agreed to and when: immediate delivery at checkout, course e-mails at enrolment."""
    found = [
        {
            "kind": "immediate delivery (no 14-day withdrawal)",
            "order": order.number,
            "given_at": order.delivery_consent_at,
            "terms_accepted": order.terms_accepted,
        }
        for order in Order.objects.filter(user=user).order_by("created_at", "pk")
        if order.delivery_consent_at or order.terms_accepted
    ]
    found += [
        {
            "kind": "course e-mails",
            "course": row.course.title,
            "given_at": row.consent_at,
            "text": row.consent_text,
            "withdrawn_at": row.unsubscribed_at,
        }
        for row in Enrolment.objects.filter(user=user, consent_at__isnull=False).select_related("course")
    ]
    return found


def _outbox(emails: list[str]) -> list[dict]:
    if not emails:
        return []
    query = models.Q()
    for email in emails:
        query |= models.Q(to__iexact=email)
    return [
        {
            "to": row.to,
            "subject": row.subject,
            "kind": row.template,
            "written_at": row.created_at,
            "sent_at": row.sent_at,
        }
        for row in OutboxEmail.objects.filter(query).order_by("created_at", "pk")
    ]


def _downloads(user) -> list[dict]:
    rows = Download.objects.filter(user=user).select_related("product_file").order_by("created_at", "pk")
    return [{"file": str(row.product_file), "downloaded_at": row.created_at} for row in rows]


def session_count(user) -> int:
    """Browser sessions and app tokens signed in to this account right now (both are sessions)."""
    return sum(
        1
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get(accounts.SESSION_USER_KEY)) == str(user.pk)
    )


def gather(*, user) -> dict:
    """The person's data as one JSON-ready document (dates as datetimes: encode with DjangoJSONEncoder)."""
    emails = emails_of(user)
    other_sources = {source.name: source.export(user=user, emails=emails) for source in personal_records.sources()}
    return {
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now(),
        "account": _account(user),
        "orders": _orders(user),
        "entitlements": _entitlements(user),
        "downloads": _downloads(user),
        "enrolments": _enrolments(user),
        "lesson_progress": _progress(user),
        **_certificates(user),
        "consents": _consents(user),
        "emails_sent": {"outbox": _outbox(emails), **other_sources},
        "signed_in_sessions": session_count(user),
    }
