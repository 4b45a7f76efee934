"""Account deletion: asked for on the account page, confirmed through a signed link e-mailed to the person.

Everything about the person goes at once (progress, enrolments, certificates and their name, downloads,
entitlements and their history, e-mails kept in the outbox and the local mailbox, sessions and app tokens,
addresses and authenticators, the user row itself). Their orders stay for the tax records, detached from any
login, and are anonymised after ORDER_RETENTION_YEARS (shop.retention). The address is written to the deletion
log (core.deletions, hashed) so `reapply_deletions` can delete the account again from a restored backup.
Called by courses.account and the `reapply_deletions` command.
"""

import logging
import secrets
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from core import accounts, deletions, personal_records
from core.errors import DomainError
from core.models import OutboxEmail
from courses import mail, personal_data
from shop import retention

logger = logging.getLogger(__name__)

SALT = "courses.erasure.confirm"
LINK_MAX_AGE = 24 * 3600  # a deletion link works for a day
EMAIL_TEMPLATE = "account/manage/delete_email"


class StaffCannotDeleteError(DomainError):
    status = 403
    code = "staff_account"
    title = "Editor accounts are closed by an administrator"
    message = (
        "This is an editor account, so it cannot delete itself here. "
        "Ask another administrator to remove it in the admin under Settings → Users."
    )


class InvalidDeletionLinkError(DomainError):
    status = 400
    code = "invalid_link"
    title = "This link does not work"
    message = (
        "This deletion link is not valid, has expired or was already used. Ask for a new one on your account page."
    )


@dataclass(frozen=True)
class Erased:
    orders_kept: int
    addresses_logged: int


def _stamp(user) -> str:
    """Changes when the address changes, so a link sent to an old address stops working."""
    return deletions.email_hash(user.email or "")[:16]


def make_token(*, user) -> str:
    return signing.dumps({"u": user.pk, "s": _stamp(user), "n": secrets.token_hex(4)}, salt=SALT, compress=True)


def read_token(*, token: str):
    """The user a deletion link was made for, or InvalidDeletionLinkError (tampered, expired, used, address changed)."""
    try:
        data = signing.loads(token, salt=SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature as error:
        raise InvalidDeletionLinkError from error
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise InvalidDeletionLinkError
    user = get_user_model().objects.filter(pk=data["u"], is_active=True).first()
    if user is None or data.get("s") != _stamp(user):
        raise InvalidDeletionLinkError
    if accounts.is_staff(user):
        raise StaffCannotDeleteError
    return user


def ask(*, user) -> bool:
    """E-mail the person a link that confirms the deletion; at most one e-mail a minute. False when none was sent."""
    if accounts.is_staff(user):
        raise StaffCannotDeleteError
    if not user.email:
        raise InvalidDeletionLinkError("This account has no e-mail address to confirm with.")
    # Links in e-mails name the configured address, never the request's Host.
    path = reverse("account:delete_confirm", kwargs={"token": make_token(user=user)})
    url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path
    return mail.send(
        key=f"account-delete:{user.pk}:{timezone.now():%Y%m%d%H%M}",
        to=user.email,
        subject="Confirm that you want your account deleted",
        template=EMAIL_TEMPLATE,
        context={"confirm_url": url, "hours": LINK_MAX_AGE // 3600},
    )


def erase(*, user, log: bool = True) -> Erased:
    """Delete the person now, keep their orders (detached) for the tax records, log the hashed addresses."""
    if accounts.is_staff(user):
        raise StaffCannotDeleteError
    emails = personal_data.emails_of(user)
    with transaction.atomic():
        accounts.end_sessions(user)
        for source in personal_records.sources():
            source.erase(user=user, emails=emails)
        if emails:
            addressed = models.Q()
            for email in emails:
                addressed |= models.Q(to__iexact=email)
            OutboxEmail.objects.filter(addressed).delete()
        kept = retention.release(user=user)
        # Everything else hangs off the user and goes with it (entitlements and their history, enrolments,
        # progress, drip notices, certificates and their name, downloads, addresses, authenticators, sessions).
        EmailAddress.objects.filter(user=user).delete()
        user.delete()
        logged = deletions.record(emails=emails) if log else 0
    logger.info("Account deleted at its owner's request", extra={"orders_kept": kept, "reapplied": not log})
    return Erased(orders_kept=kept, addresses_logged=logged)


def reapply() -> int:
    """Delete again every account whose address is in the deletion log and that existed before that deletion.

    For a backup restored from before the deletions: accounts made afresh with the address after the deletion
    (date_joined later than it) are someone's new account and stay. Returns how many accounts were deleted.
    """
    from core.models import DeletionLog

    latest: dict[str, object] = {}
    for email_hash, deleted_at in DeletionLog.objects.values_list("email_hash", "deleted_at"):
        if email_hash not in latest or deleted_at > latest[email_hash]:
            latest[email_hash] = deleted_at
    if not latest:
        return 0
    count = 0
    for user in get_user_model().objects.prefetch_related("emailaddress_set").order_by("pk"):
        emails = {user.email.lower()} if user.email else set()
        emails |= {row.email.lower() for row in user.emailaddress_set.all()}
        times = [latest[h] for h in map(deletions.email_hash, emails) if h in latest]
        if not times or user.date_joined > max(times):
            continue
        if accounts.is_staff(user):
            logger.warning("A staff account's address is in the deletion log; left alone", extra={"user_id": user.pk})
            continue
        erase(user=user, log=False)
        count += 1
    return count
