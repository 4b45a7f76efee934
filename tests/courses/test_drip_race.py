"""Scheduler runs of send_due_lessons that overlap still queue each drip e-mail exactly once."""

import threading
from datetime import timedelta

from django.db import connections
from django.utils import timezone

from core.models import OutboxEmail
from courses import drip
from courses.models import DripNotice
from tests.courses.conftest import build_world, grant, race_marks
from tests.courses.factories import UserFactory

pytestmark = race_marks()

RUNS = 8
OWNERS = 5


def _run(*, now, start: threading.Barrier, results: list, index: int) -> None:
    try:
        start.wait()
        results[index] = drip.send_due(now=now)
    except Exception as error:  # reported by the assertion, whatever went wrong in the thread
        results[index] = error
    finally:
        connections.close_all()


def test_overlapping_runs_queue_each_owner_one_email_per_lesson(race_db):
    world = build_world()
    owners = [UserFactory(email=f"owner{number}@example.com") for number in range(OWNERS)]
    for owner in owners:
        grant(owner, world.product)
    now = timezone.now() + timedelta(days=7, minutes=1)
    start = threading.Barrier(RUNS)
    results: list = [None] * RUNS
    threads = [
        threading.Thread(target=_run, kwargs={"now": now, "start": start, "results": results, "index": index})
        for index in range(RUNS)
    ]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert all(isinstance(result, int) for result in results), results
    assert sum(results) == OWNERS
    assert DripNotice.objects.filter(lesson=world.paid_dripped).count() == OWNERS
    assert sorted(OutboxEmail.objects.values_list("to", flat=True)) == sorted(owner.email for owner in owners)
