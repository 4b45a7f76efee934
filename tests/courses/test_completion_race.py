"""Completing one lesson from many requests at once leaves one completion, one enrolment, one completion date.

On SQLite the threads write to a file database (see race_db); with DATABASE_URL set to PostgreSQL they race
on the test database itself.
"""

import threading

from django.db import connections
from django.test import Client
from django.urls import reverse

from courses.models import Enrolment, LessonCompletion, LessonPage
from tests.courses.conftest import build_world, grant, race_marks
from tests.courses.factories import UserFactory

pytestmark = race_marks()

THREADS = 20
ROUNDS = 5


def _post_complete(*, client: Client, url: str, start: threading.Barrier, results: list, index: int) -> None:
    try:
        start.wait()
        response = client.post(url, HTTP_ACCEPT="application/json")
        results[index] = (response.status_code, response.json().get("course_complete"))
    except Exception as error:  # reported by the assertion, whatever went wrong in the thread
        results[index] = error
    finally:
        connections.close_all()


def test_concurrent_completions_of_one_lesson_keep_one_record(race_db):
    world = build_world()
    # The raced lesson is the last one the course requires, so the course completion races too.
    LessonPage.objects.filter(pk=world.paid_dripped.pk).update(required=False)
    url = reverse("courses:complete", args=[world.paid_lesson.pk])

    for round_number in range(ROUNDS):
        student = UserFactory(email=f"racer{round_number}@example.com")
        grant(student, world.product)
        preview = Client()
        preview.force_login(student)
        assert preview.post(reverse("courses:complete", args=[world.paid_preview.pk])).status_code == 302
        clients = []
        for _ in range(THREADS):
            client = Client()
            client.force_login(student)
            clients.append(client)
        start = threading.Barrier(THREADS)
        results: list = [None] * THREADS
        threads = [
            threading.Thread(
                target=_post_complete,
                kwargs={"client": client, "url": url, "start": start, "results": results, "index": index},
            )
            for index, client in enumerate(clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

        assert results == [(200, True)] * THREADS, f"round {round_number}: {results}"
        assert LessonCompletion.objects.filter(user=student, lesson=world.paid_lesson).count() == 1
        enrolments = Enrolment.objects.filter(user=student, course=world.paid)
        assert enrolments.count() == 1
        assert enrolments.get().completed_at is not None
    assert LessonCompletion.objects.filter(lesson=world.paid_lesson).count() == ROUNDS
