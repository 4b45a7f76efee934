"""Progress (courses/progress.py): completing, undoing, resuming, and counts over released lessons."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courses import progress
from courses.models import Enrolment, LessonCompletion
from tests.courses.conftest import grant


def test_progress_counts_released_lessons_and_the_whole_course(world, student):
    grant(student, world.product)
    progress.complete(user=student, lesson=world.paid_preview)

    summary = progress.for_course(user=student, course=world.paid)

    assert (summary.completed_released, summary.released, summary.completed, summary.total) == (1, 2, 1, 3)
    assert summary.percent_of_released == 50
    assert summary.next_lesson == world.paid_lesson


def test_completing_twice_keeps_one_record(world, student):
    grant(student, world.product)

    progress.complete(user=student, lesson=world.paid_lesson)
    progress.complete(user=student, lesson=world.paid_lesson)

    assert LessonCompletion.objects.filter(user=student, lesson=world.paid_lesson).count() == 1


def test_completing_a_locked_lesson_records_nothing(world, student):
    with pytest.raises(progress.LessonLockedError):
        progress.complete(user=student, lesson=world.paid_lesson)

    assert not LessonCompletion.objects.exists()
    assert not Enrolment.objects.exists()


def test_required_lessons_define_completion_and_its_date(world, student):
    grant(student, world.product)
    world.paid_dripped.required = False
    world.paid_dripped.save_revision().publish()

    progress.complete(user=student, lesson=world.paid_preview)
    halfway = progress.for_course(user=student, course=world.paid)
    progress.complete(user=student, lesson=world.paid_lesson)
    done = progress.for_course(user=student, course=world.paid)

    assert not halfway.complete
    assert done.complete
    assert done.completed_at is not None
    assert done.released == 2


def test_dripped_required_lesson_holds_completion_back_until_it_opens(world, student):
    grant(student, world.product)
    progress.complete(user=student, lesson=world.paid_preview)
    progress.complete(user=student, lesson=world.paid_lesson)
    later = timezone.now() + timedelta(days=8)

    before = progress.for_course(user=student, course=world.paid)
    progress.complete(user=student, lesson=world.paid_dripped, now=later)
    after = progress.for_course(user=student, course=world.paid, now=later)

    assert not before.complete
    assert after.complete


def test_undo_removes_the_completion(client, world, student):
    grant(student, world.product)
    client.force_login(student)
    client.post(reverse("courses:complete", args=[world.paid_lesson.pk]))

    response = client.post(reverse("courses:undo", args=[world.paid_lesson.pk]), HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response.json()["completed"] is False
    assert not LessonCompletion.objects.exists()


def test_complete_answers_json_with_progress(client, world, student):
    grant(student, world.product)
    client.force_login(student)

    response = client.post(reverse("courses:complete", args=[world.paid_lesson.pk]), HTTP_ACCEPT="application/json")

    assert response.json() == {
        "lesson": world.paid_lesson.pk,
        "completed": True,
        "released": 2,
        "completed_released": 1,
        "total": 3,
        "course_complete": False,
    }


def test_complete_needs_post(client, world, student):
    grant(student, world.product)
    client.force_login(student)

    response = client.get(reverse("courses:complete", args=[world.paid_lesson.pk]))

    assert response.status_code == 405
    assert not LessonCompletion.objects.exists()


def test_complete_checks_csrf(world, student):
    from django.test import Client

    grant(student, world.product)
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)

    response = client.post(reverse("courses:complete", args=[world.paid_lesson.pk]))

    assert response.status_code == 403
    assert not LessonCompletion.objects.exists()


def test_unknown_lesson_is_404(client, world, student):
    client.force_login(student)

    response = client.post(reverse("courses:complete", args=[999999]))

    assert response.status_code == 404


def test_redirect_after_complete_stays_on_this_site(client, world, student):
    grant(student, world.product)
    client.force_login(student)

    response = client.post(reverse("courses:complete", args=[world.paid_lesson.pk]), {"next": "https://evil.example/"})

    assert response["Location"] == world.paid_lesson.url


def test_opening_a_lesson_sets_the_resume_point(client, world, student):
    grant(student, world.product)
    client.force_login(student)
    client.get(world.paid_lesson.url)

    summary = progress.for_course(user=student, course=world.paid)

    assert summary.resume_lesson == world.paid_lesson
    assert "Resume: " + world.paid_lesson.title in client.get(world.paid.url).content.decode()


def test_dashboard_lists_my_courses_with_progress(client, world, student):
    grant(student, world.product)
    progress.complete(user=student, lesson=world.paid_preview)
    client.force_login(student)

    response = client.get(reverse("courses:dashboard"))

    html = response.content.decode()
    assert response.status_code == 200
    assert world.paid.title in html
    assert "1 of 2 open lessons done" in html
    assert "Finished" in html


def test_dashboard_asks_anonymous_visitors_to_sign_in(client, world):
    response = client.get(reverse("courses:dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
