"""Course templates (templates/courses/) are valid, accessible HTML in every state a student meets."""

import pytest
from django.urls import reverse

from courses import enrolment, progress
from tests.courses.conftest import grant
from tests.html_checks import html_problems


@pytest.mark.parametrize("who", ["anonymous", "non-buyer", "owner"])
def test_course_and_lesson_pages_are_accessible(client, world, student, who):
    if who != "anonymous":
        client.force_login(student)
    if who == "owner":
        grant(student, world.product)
        progress.complete(user=student, lesson=world.paid_preview)

    pages = [world.paid.url, world.free.url, world.paid_lesson.url, world.paid_dripped.url, world.free_lesson.url]

    problems = {url: html_problems(client.get(url).content.decode()) for url in pages}
    assert problems == {key: [] for key in pages}


def test_dashboard_and_funnel_pages_are_accessible(client, world, student):
    enrolment.enrol(user=student, course=world.free, wants_email=True)
    token = enrolment.optin_token(email=student.email, course=world.free)
    unsubscribe = enrolment.unsubscribe_url(user=student, course=world.free)
    anonymous = {
        "confirm": client.get(reverse("courses:confirm", args=[token])),
        "invalid": client.get(reverse("courses:confirm", args=["nonsense"])),
        "unsubscribe": client.get(unsubscribe),
        "sent": client.post(reverse("courses:enrol", args=[world.free.pk]), {"email": "a@example.com"}),
        "bad email": client.post(reverse("courses:enrol", args=[world.free.pk]), {"email": "nope"}),
    }
    client.force_login(student)
    anonymous["dashboard"] = client.get(reverse("courses:dashboard"))

    problems = {name: html_problems(response.content.decode()) for name, response in anonymous.items()}
    assert problems == {key: [] for key in anonymous}
