"""Retries for background jobs stored as rows (`core.models.RetriedJob`): claim what is due, try it, and on failure
try again later with exponential backoff until the attempts run out and the row is marked failed.

Callers pass the work as a function of the row; publish webhooks use it, and any job that needs retrying can.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db.models import F, Model, Q
from django.utils import timezone

logger = logging.getLogger(__name__)

# A claim older than this belongs to a worker that died mid-attempt; the row may be claimed again.
STALE_CLAIM = timedelta(minutes=10)
FIRST_DELAY = timedelta(seconds=30)
LONGEST_DELAY = timedelta(hours=6)
MAX_ATTEMPTS = 10


def backoff(attempts: int, *, first: timedelta = FIRST_DELAY, longest: timedelta = LONGEST_DELAY) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: 30 s, 1 min, 2 min, … doubling, at most 6 h."""
    return min(first * 2 ** max(attempts - 1, 0), longest)


def _due(model: type[Model], *, now: datetime):
    claimable = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - STALE_CLAIM)
    return model.objects.filter(claimable, done_at__isnull=True, failed_at__isnull=True, next_attempt_at__lte=now)


def claim(model: type[Model], *, pk: int, now: datetime | None = None) -> bool:
    """Take the row for one attempt if it is due and nobody holds it. Only one caller wins."""
    now = now or timezone.now()
    return bool(_due(model, now=now).filter(pk=pk).update(claimed_at=now, attempts=F("attempts") + 1))


def attempt(
    model: type[Model],
    *,
    pk: int,
    work: Callable[[Model], None],
    now: datetime | None = None,
    max_attempts: int = MAX_ATTEMPTS,
) -> bool:
    """Claim the row and run `work(row)`. True if this call did it; a failure schedules the next attempt."""
    now = now or timezone.now()
    if not claim(model, pk=pk, now=now):
        return False
    row = model.objects.get(pk=pk)
    try:
        work(row)
    except Exception as error:  # any failure is retried; the error is kept on the row
        gave_up = row.attempts >= max_attempts
        model.objects.filter(pk=pk).update(
            claimed_at=None,
            last_error=repr(error)[:2000],
            next_attempt_at=now + backoff(row.attempts),
            failed_at=now if gave_up else None,
        )
        log = logger.error if gave_up else logger.warning
        log(
            "Background job failed",
            extra={"job": model._meta.label, "job_id": pk, "attempts": row.attempts, "gave_up": gave_up},
        )
        return False
    model.objects.filter(pk=pk).update(done_at=timezone.now(), claimed_at=None, last_error="")
    return True


def run_due(
    model: type[Model],
    *,
    work: Callable[[Model], None],
    now: datetime | None = None,
    limit: int = 100,
    max_attempts: int = MAX_ATTEMPTS,
) -> int:
    """Attempt every due row, oldest first (the periodic command calls this). Returns how many succeeded."""
    now = now or timezone.now()
    pks = list(_due(model, now=now).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    return sum(1 for pk in pks if attempt(model, pk=pk, work=work, now=now, max_attempts=max_attempts))
