"""The deletion log: which addresses had their account deleted and when, kept as hashes.

Written by the account deletion (courses.erasure) and read by `reapply_deletions` after a backup is restored.
The hash is a plain SHA-256 of the lower-cased address with a fixed prefix, not keyed by SECRET_KEY: the log must
still match after the key is rotated, and the orders kept for tax records hold the address itself for years anyway.
"""

import hashlib
from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from core.models import DeletionLog

PREFIX = b"backcare-deleted-account:"


def email_hash(email: str) -> str:
    return hashlib.sha256(PREFIX + email.strip().lower().encode()).hexdigest()


def record(*, emails: Iterable[str], when: datetime | None = None) -> int:
    """Log each distinct address once for this deletion; returns how many rows were written."""
    when = when or timezone.now()
    hashes = sorted({email_hash(email) for email in emails if email and email.strip()})
    DeletionLog.objects.bulk_create(DeletionLog(email_hash=value, deleted_at=when) for value in hashes)
    return len(hashes)


def deleted_since(*, emails: Iterable[str]) -> datetime | None:
    """When the latest logged deletion of any of these addresses happened, or None if none was logged."""
    hashes = {email_hash(email) for email in emails if email and email.strip()}
    latest = DeletionLog.objects.filter(email_hash__in=hashes).order_by("-deleted_at").first()
    return latest.deleted_at if latest else None
