"""What the newsletter keeps about a person, for the account's data export and its deletion (core.personal_records)."""

from django.db.models import Q

from newsletter.models import Subscriber


def _rows(*, user, emails):
    match = Q(user=user) if user is not None and user.pk else Q(pk__in=[])
    for email in emails:
        if email:
            match |= Q(email__iexact=email.strip())
    return Subscriber.objects.filter(match)


def export(*, user, emails) -> list[dict]:
    return [
        {
            "email": row.email,
            "status": row.status,
            "consent_at": row.consent_at,
            "consent_source": row.consent_source,
            "consent_text": row.consent_text,
            "unsubscribed_at": row.unsubscribed_at,
            "suppressed_at": row.suppressed_at,
            "suppressed_reason": row.suppressed_reason,
            "issues_sent": list(row.deliveries.values_list("send__subject", flat=True)),
        }
        for row in _rows(user=user, emails=emails)
    ]


def erase(*, user, emails) -> int:
    rows = _rows(user=user, emails=emails)
    count = rows.count()
    rows.delete()  # their deliveries go with them
    return count
