"""The free course's enrol view takes the cached home page's form: no CSRF token, still double opt-in and throttled."""

import functools
import re

from django.core import mail
from django.test import Client
from django.urls import reverse

from config.api import ratelimit
from courses.models import Enrolment


def test_a_post_without_cookie_or_token_only_sends_the_confirmation_link(world, django_capture_on_commit_callbacks):
    browser = Client(enforce_csrf_checks=True)  # as a browser: the CSRF middleware checks for real

    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(reverse("courses:enrol", args=[world.free.pk]), {"email": "new@example.com"})

    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    assert [message.to for message in mail.outbox] == [["new@example.com"]]
    assert "/learn/confirm/" in mail.outbox[0].body
    assert not Enrolment.objects.exists()
    assert "sessionid" not in response.cookies


def test_the_answer_is_the_same_for_a_known_address(world, student, django_capture_on_commit_callbacks):
    browser = Client(enforce_csrf_checks=True)
    url = reverse("courses:enrol", args=[world.free.pk])

    with django_capture_on_commit_callbacks(execute=True):
        known = browser.post(url, {"email": student.email})
        unknown = browser.post(url, {"email": "stranger@example.com"})

    assert known.status_code == unknown.status_code == 200
    assert known.content.decode() == unknown.content.decode()
    assert not Enrolment.objects.exists()


def test_a_signed_in_student_without_a_token_is_not_enrolled_by_a_forged_post(world, student):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(student)

    response = browser.post(reverse("courses:enrol", args=[world.free.pk]), {"emails": "1"})

    assert response.status_code == 400  # no address typed: the form asks for one; nothing changed
    assert not Enrolment.objects.filter(user=student).exists()


def test_a_signed_in_students_own_form_with_its_token_still_enrols_in_one_click(world, student):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(student)
    page = browser.get(world.free.url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    response = browser.post(
        reverse("courses:enrol", args=[world.free.pk]), {"csrfmiddlewaretoken": token, "emails": "1"}
    )

    assert response.status_code == 302
    assert response["Location"] == world.free_lesson.url
    assert Enrolment.objects.filter(user=student).exists()


def test_rapid_posts_without_a_token_are_throttled_after_the_limit(world, monkeypatch):
    limit = ratelimit.rate_for("sign_in_code").amount  # 5 a minute unless API_RATE_SIGN_IN_CODE says otherwise
    # One fixed moment, well inside one counting window, so the test never straddles two windows.
    monkeypatch.setattr(ratelimit, "consume", functools.partial(ratelimit.consume, now=1_800_000_030.0))
    browser = Client(enforce_csrf_checks=True)
    url = reverse("courses:enrol", args=[world.free.pk])

    statuses = [browser.post(url, {"email": f"reader{n}@example.com"}).status_code for n in range(limit + 2)]

    assert statuses[:limit] == [200] * limit
    assert statuses[limit:] == [429, 429]
    assert not Enrolment.objects.exists()
