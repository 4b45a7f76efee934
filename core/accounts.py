"""Buyer accounts: one user per e-mail address, found case-insensitively or created without a password."""

import hashlib
import logging

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

logger = logging.getLogger(__name__)


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


def user_for_email(email: str):
    """The user with this e-mail (any case), created with an unusable password if there is none.

    Safe under concurrency: the username derived from the address is unique, so two simultaneous
    first purchases create one account.
    """
    email = normalise_email(email)
    if (user := _find(email)) is not None:
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
