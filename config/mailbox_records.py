"""The local mailbox's part of a person's data: the e-mails it kept for their addresses (export and deletion).

Registered with core.personal_records by config.apps, so the rooms reach the mailbox without importing config.
"""

from email.utils import getaddresses

from config.models import LocalMail


def _addressed_to(mail: LocalMail, wanted: set[str]) -> bool:
    return any(address.lower() in wanted for _name, address in getaddresses(mail.to.splitlines()))


def _rows(emails) -> list[LocalMail]:
    wanted = {email.strip().lower() for email in emails if email and email.strip()}
    if not wanted:
        return []
    candidates = LocalMail.objects.none()
    for email in wanted:
        candidates |= LocalMail.objects.filter(to__icontains=email)
    # icontains also matches longer addresses that end the same way (bob@ inside jimbob@): compare exactly.
    return [mail for mail in candidates.order_by("sent_at", "pk") if _addressed_to(mail, wanted)]


def export(*, user, emails) -> list[dict]:
    return [
        {
            "sent_at": mail.sent_at,
            "from": mail.from_email,
            "to": mail.to.splitlines(),
            "subject": mail.subject,
            "text": mail.text_body,
        }
        for mail in _rows(emails)
    ]


def erase(*, user, emails) -> int:
    rows = _rows(emails)
    LocalMail.objects.filter(pk__in=[mail.pk for mail in rows]).delete()
    return len(rows)
