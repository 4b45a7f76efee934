"""Buyer accounts: one user per e-mail address, found case-insensitively or created without a password.

Called by checkout fulfilment, the past-buyers import and the free-course confirmation. The address a payer
types at Stripe (or a line of an import) is verified by nobody, so purchases only join an existing account
whose owner has proved the address (a code or link sent to it) or that nobody has used yet; any other
account is first closed to whoever opened it (sessions and app tokens ended, password removed).
"""

import hashlib
import logging

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

logger = logging.getLogger(__name__)

SESSION_USER_KEY = "_auth_user_id"


def normalise_email(email: str) -> str:
    """The address as typed, trimmed; raises ValidationError when it is not an e-mail address."""
    cleaned = (email or "").strip()
    validate_email(cleaned)
    return cleaned


def _username_for(email: str) -> str:
    lowered = email.lower()
    if len(lowered) <= 150:
        return lowered
    return "u-" + hashlib.sha256(lowered.encode()).hexdigest()[:40]


def _find(email: str):
    user_model = get_user_model()
    return (
        user_model.objects.filter(email__iexact=email).order_by("pk").first()
        or user_model.objects.filter(username=_username_for(email)).first()
    )


def is_staff(user) -> bool:
    """Editors and staff: they sign in with a password (and a second factor), never by an e-mailed code or link."""
    return bool(user.is_superuser or user.is_staff or user.has_perm("wagtailadmin.access_admin"))


def has_verified_email(*, user, email: str) -> bool:
    """Whether the owner of this account proved the address (a sign-in code or a confirmation link sent to it)."""
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def was_used(user) -> bool:
    """Someone signed in to this account or gave it a password: it may be in a stranger's hands."""
    return user.last_login is not None or user.has_usable_password()


def mark_verified(*, user, email: str) -> None:
    """Record that whoever holds the mailbox of this address proved it (a link or code we sent to it)."""
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is None:
        EmailAddress.objects.create(
            user=user, email=email.lower(), verified=True, primary=not user.emailaddress_set.exists()
        )
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])


def end_sessions(user, *, keep: str | None = None) -> int:
    """Sign the account out everywhere: browser sessions and headless app tokens (both are sessions).

    `keep` names one session to leave signed in (the browser asking to sign out everywhere else).
    """
    doomed = [
        session.session_key
        for session in Session.objects.iterator()
        if str(session.get_decoded().get(SESSION_USER_KEY)) == str(user.pk) and session.session_key != keep
    ]
    Session.objects.filter(session_key__in=doomed).delete()
    return len(doomed)


def close_to_strangers(user, *, email: str) -> None:
    """Leave the account openable only through this address's mailbox.

    Every session and app token ends and the password goes. Whatever else whoever opened it added goes too:
    other addresses (a code or password reset sent there would open it) and authenticator apps (which
    would lock the address's owner out).
    """
    from allauth.mfa.models import Authenticator

    ended = end_sessions(user)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    EmailAddress.objects.filter(user=user).exclude(email__iexact=email).delete()
    Authenticator.objects.filter(user=user).delete()
    logger.warning(
        "Closed an account opened with an unverified address before attaching anything to it",
        extra={"user_id": user.pk, "sessions_ended": ended},
    )


def user_for_email(email: str):
    """The user with this e-mail (any case), created with an unusable password if there is none.

    An existing account is used as it is when its address was verified or it was never used; otherwise
    whoever opened it with this address (perhaps not its owner) is signed out everywhere and loses the
    password first, so nothing that this address buys shows to them.

    Safe under concurrency: the username derived from the address is unique, so two simultaneous
    first purchases create one account.
    """
    email = normalise_email(email)
    if (user := _find(email)) is not None:
        if not is_staff(user) and was_used(user) and not has_verified_email(user=user, email=email):
            with transaction.atomic():
                close_to_strangers(user, email=email)
        return user
    user_model = get_user_model()
    try:
        with transaction.atomic():
            user = user_model(username=_username_for(email), email=email)
            user.set_unusable_password()
            user.save()
            EmailAddress.objects.get_or_create(user=user, email=email.lower(), defaults={"primary": True})
    except IntegrityError:
        user = _find(email)
        if user is None:
            raise
        return user
    logger.info("Created a buyer account", extra={"user_id": user.pk})
    return user


def follow_address_change(*, user, old_email: str | None, new_email: str) -> bool:
    """After a verified change of address, the username derived from the old address follows it.

    Buyer accounts are found by address or by that username (`_find`): left behind, it would route a later
    purchase made with the old address, perhaps by its next owner, into this account. Staff usernames are left.
    """
    if not old_email or user.username != _username_for(old_email):
        return False
    username = _username_for(new_email)
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exclude(pk=user.pk).exists():
        logger.warning("Kept an old username: the new address's username is taken", extra={"user_id": user.pk})
        return False
    user_model.objects.filter(pk=user.pk).update(username=username)
    user.username = username
    return True


def on_email_changed(sender, *, user, from_email_address, to_email_address, **kwargs) -> None:
    """allauth's `email_changed` signal (connected in core.apps)."""
    old = from_email_address.email if from_email_address is not None else None
    follow_address_change(user=user, old_email=old, new_email=to_email_address.email)
