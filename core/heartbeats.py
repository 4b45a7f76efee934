"""Heartbeats: the scheduler and the task worker each leave a last-seen time, so /healthz notices one stopping.

The scheduler's `heartbeat` command (every minute) writes the scheduler's own beat and queues
`worker_heartbeat`, which writes the worker's beat when a worker runs it: that beat proves a worker is taking
tasks off the queue, not merely that its process is alive. config.health reads them.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.models import Heartbeat

SCHEDULER = "scheduler"
WORKER = "worker"
KINDS = (SCHEDULER, WORKER)
# Finished heartbeat tasks are kept this long (one a minute would otherwise pile up in the task table).
KEEP_FINISHED = timedelta(hours=1)


def beat(*, kind: str, when: datetime | None = None) -> None:
    """Record that a process of this kind is working now."""
    Heartbeat.objects.update_or_create(kind=kind, defaults={"seen_at": when or timezone.now()})


def last_seen() -> dict[str, datetime | None]:
    """Each kind's last beat (None: never seen)."""
    seen = dict(Heartbeat.objects.filter(kind__in=KINDS).values_list("kind", "seen_at"))
    return {kind: seen.get(kind) for kind in KINDS}


@task()
def worker_heartbeat() -> None:
    beat(kind=WORKER)


def request_worker_beat() -> bool:
    """Queue one `worker_heartbeat` unless one is already waiting (a dead worker must not pile them up).

    Returns True when a task was queued.
    """
    path = worker_heartbeat.module_path
    with transaction.atomic():
        DBTaskResult.objects.filter(
            task_path=path,
            status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
            finished_at__lt=timezone.now() - KEEP_FINISHED,
        ).delete()
        waiting = DBTaskResult.objects.filter(task_path=path, status=TaskResultStatus.READY).exists()
    if waiting:
        return False
    worker_heartbeat.enqueue()
    return True
