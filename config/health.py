"""The site's health: is the database answering, are the scheduler and task worker alive, is e-mail leaving,
has background work failed. /healthz (config.views) shows it; `check_health` (scheduled) e-mails the admins
once when a problem lasts and once when it is over.

Only ages and counts leave this module: nothing about any person, so /healthz can stay unauthenticated.
"""

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Min
from django.utils import timezone

from config.models import HealthAlert
from core import heartbeats, outbox
from core.models import OutboxEmail
from shop import failures

logger = logging.getLogger(__name__)

HEARTBEAT_NAMES = {heartbeats.SCHEDULER: "The scheduler", heartbeats.WORKER: "The task worker"}


@dataclass(frozen=True)
class Report:
    """What /healthz answers: `checks` is its JSON body, `problems` one sentence per thing out of bounds."""

    checks: dict
    problems: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.problems


def _seconds(delta: timedelta) -> int:
    return max(0, int(delta.total_seconds()))


def _minutes(seconds: int) -> str:
    minutes = round(seconds / 60)
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def database_answers() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def install_age(*, now: datetime) -> int:
    """Seconds since this database was first migrated (how long the background processes have had to start)."""
    first = MigrationRecorder.Migration.objects.aggregate(first=Min("applied"))["first"]
    return _seconds(now - first) if first else 0


def _heartbeat_checks(*, now: datetime, problems: list[str]) -> dict:
    limit = settings.HEALTHZ_HEARTBEAT_MAX_AGE
    checks = {}
    seen = heartbeats.last_seen()
    for kind, when in seen.items():
        entry = {"age_seconds": _seconds(now - when) if when else None, "max_age_seconds": limit}
        if not limit:
            entry["status"] = "not checked"
        elif when is None:
            # A fresh install gets as long as the limit to start its processes before "never seen" counts.
            young = install_age(now=now) <= limit
            entry["status"] = "not yet seen" if young else "never seen"
            if not young:
                problems.append(f"{HEARTBEAT_NAMES[kind]} has never reported since the site was installed.")
        elif entry["age_seconds"] > limit:
            entry["status"] = "stale"
            problems.append(
                f"{HEARTBEAT_NAMES[kind]} last reported {_minutes(entry['age_seconds'])} ago (limit {_minutes(limit)})."
            )
        else:
            entry["status"] = "ok"
        checks[kind] = entry
    return checks


def _outbox_check(*, now: datetime, problems: list[str]) -> dict:
    limit = settings.HEALTHZ_OUTBOX_MAX_AGE
    oldest = OutboxEmail.objects.filter(sent_at__isnull=True).aggregate(oldest=Min("created_at"))["oldest"]
    age = _seconds(now - oldest) if oldest else None
    status = "ok"
    if not limit:
        status = "not checked"
    elif age is not None and age > limit:
        status = "too old"
        problems.append(f"The oldest unsent e-mail has waited {_minutes(age)} (limit {_minutes(limit)}).")
    return {"oldest_unsent_age_seconds": age, "max_age_seconds": limit, "status": status}


def unresolved_failures(*, now: datetime) -> int:
    """Failed webhooks not yet processed, payments waiting for a refund, and tasks failed within the window.

    A failed task is never marked resolved (the work is done again by a later run), so only recent ones count.
    """
    window = timedelta(seconds=settings.HEALTHZ_FAILED_TASK_WINDOW)
    return (
        failures.failed_webhook_events().count()
        + failures.payments_to_refund().count()
        + failures.failed_tasks().filter(finished_at__gte=now - window).count()
    )


def _failure_check(*, now: datetime, problems: list[str]) -> dict:
    limit = settings.HEALTHZ_MAX_FAILURES
    count = unresolved_failures(now=now)
    status = "ok"
    if limit >= 0 and count > limit:
        status = "too many"
        problems.append(f"{count} background failure(s) need a look (Shop → Failed webhooks and tasks; limit {limit}).")
    return {"unresolved": count, "max": limit, "status": status}


def check(*, now: datetime | None = None) -> Report:
    """Look at everything; raises DatabaseError when the database does not answer."""
    now = now or timezone.now()
    problems: list[str] = []
    database_answers()
    checks = {
        "database": "ok",
        "heartbeats": _heartbeat_checks(now=now, problems=problems),
        "outbox": _outbox_check(now=now, problems=problems),
        "failures": _failure_check(now=now, problems=problems),
    }
    return Report(checks={"status": "error" if problems else "ok", **checks}, problems=problems)


# --- Telling the admins ----------------------------------------------------------------------------------


def recipients() -> list[str]:
    """settings.ADMINS, or else every active superuser with an address."""
    if settings.ADMINS:
        return [address if isinstance(address, str) else address[1] for address in settings.ADMINS]
    users = get_user_model().objects.filter(is_active=True, is_superuser=True).exclude(email="")
    return sorted({user.email for user in users})


def _queue(*, state: HealthAlert, kind: str, subject: str, context: dict) -> list[str]:
    keys = []
    for address in recipients():
        key = f"health-{state.episodes}-{kind}-{hashlib.sha256(address.lower().encode()).hexdigest()[:16]}"
        outbox.enqueue_email(
            key=key, to=address, subject=subject, template=f"config/email/health_{kind}", context=context
        )
        keys.append(key)
    if not keys:
        logger.warning("No one to tell about the site's health: set ADMINS or give a superuser an e-mail address")
    return keys


def alert(*, now: datetime | None = None) -> str:
    """Compare the site's health with what the admins were last told and e-mail them when that changes.

    One e-mail when problems have lasted HEALTH_ALERT_AFTER seconds, however many checks see them, and one when
    they are all gone. Returns "alerted", "recovered", "failing", "healthy". The e-mails go through the outbox
    (durable) and are sent at once from this process too, since the worker may be the thing that stopped.
    """
    now = now or timezone.now()
    report = check(now=now)
    outcome = "healthy"
    keys: list[str] = []
    with transaction.atomic():
        HealthAlert.objects.get_or_create(pk=1)
        state = HealthAlert.objects.select_for_update().get(pk=1)
        if report.problems:
            outcome = "failing"
            state.failing_since = state.failing_since or now
            lasted = _seconds(now - state.failing_since)
            if state.alerted_at is None and lasted >= settings.HEALTH_ALERT_AFTER:
                state.episodes += 1
                state.alerted_at = now
                state.problems = report.problems
                outcome = "alerted"
                keys = _queue(
                    state=state,
                    kind="alert",
                    subject=f"{settings.WAGTAIL_SITE_NAME}: something keeps failing",
                    context={"problems": report.problems, "since": state.failing_since.isoformat(timespec="seconds")},
                )
        else:
            if state.alerted_at is not None:
                outcome = "recovered"
                keys = _queue(
                    state=state,
                    kind="recovered",
                    subject=f"{settings.WAGTAIL_SITE_NAME}: working again",
                    context={
                        "problems": state.problems,
                        "since": state.failing_since.isoformat(timespec="seconds") if state.failing_since else "",
                        "until": now.isoformat(timespec="seconds"),
                    },
                )
            state.failing_since = None
            state.alerted_at = None
            state.problems = []
        state.checked_at = now
        state.save()
    for pk in OutboxEmail.objects.filter(key__in=keys, sent_at__isnull=True).values_list("pk", flat=True):
        outbox.send(pk=pk)
    if outcome in {"alerted", "recovered"}:
        logger.warning("Health %s", outcome, extra={"problems": report.problems})
    return outcome
