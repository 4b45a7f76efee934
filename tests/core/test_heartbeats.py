"""core.heartbeats: the scheduler's beat, and the worker's beat that only a worker taking tasks can write."""

import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from core import heartbeats

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _run_worker():
    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", "--no-reload")


# The worker closes its database connections between tasks, as it should: on PostgreSQL that ends a test
# transaction, so these tests commit for real.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_heartbeat_command_beats_for_the_scheduler_and_leaves_the_worker_a_task():
    with override_settings(TASKS=DB_TASKS):
        call_command("heartbeat", stdout=io.StringIO())

        seen = heartbeats.last_seen()
        assert seen[heartbeats.SCHEDULER] is not None
        assert seen[heartbeats.WORKER] is None  # not until a worker runs the task
        assert DBTaskResult.objects.filter(status="READY").count() == 1

        _run_worker()

    assert heartbeats.last_seen()[heartbeats.WORKER] is not None


def test_a_dead_worker_does_not_pile_up_heartbeat_tasks():
    with override_settings(TASKS=DB_TASKS):
        for _ in range(5):
            call_command("heartbeat", stdout=io.StringIO())

    assert DBTaskResult.objects.filter(task_path=heartbeats.worker_heartbeat.module_path).count() == 1


# The worker closes its database connections between tasks, as it should: on PostgreSQL that ends a test
# transaction, so these tests commit for real.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_old_finished_heartbeat_tasks_are_removed():
    with override_settings(TASKS=DB_TASKS):
        call_command("heartbeat", stdout=io.StringIO())
        _run_worker()
        DBTaskResult.objects.update(finished_at=DBTaskResult.objects.get().finished_at - heartbeats.KEEP_FINISHED * 2)

        call_command("heartbeat", stdout=io.StringIO())

    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["READY"]


def test_the_scheduler_runs_the_heartbeat_first():
    from django.conf import settings

    assert settings.SCHEDULED_COMMANDS[0] == ("heartbeat", [], 60)
    assert ("check_health", [], 60) in settings.SCHEDULED_COMMANDS
