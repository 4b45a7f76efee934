"""The free course funnel (courses/enrolment.py and its views): double opt-in, consent, unsubscribe."""

import re
from datetime import timedelta

from django.contrib.auth import SESSION_KEY
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core import accounts
from core.models import OutboxEmail
from courses import enrolment
from courses.models import Enrolment
from tests.courses.world import grant


def _confirm_link(message) -> str:
    return re.search(r"http://testserver(/learn/confirm/[^\s]+/)", message.body).group(1)


def test_enrolling_with_an_email_sends_a_confirmation_and_enrols_nobody_yet(
    client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("courses:enrol", args=[world.free.pk]), {"email": "new@example.com"})

    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    assert [message.to for message in mail.outbox] == [["new@example.com"]]
    assert not Enrolment.objects.exists()


def test_opening_the_link_only_shows_a_continue_button(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("courses:enrol", args=[world.free.pk]), {"email": "new@example.com"})
    link = _confirm_link(mail.outbox[0])

    response = client.get(link)

    assert response.status_code == 200
    assert "Continue" in response.content.decode()
    assert not Enrolment.objects.exists()
    assert "_auth_user_id" not in client.session


def test_continue_signs_in_records_consent_and_opens_lesson_one(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("courses:enrol", args=[world.free.pk]), {"email": "new@example.com"})
    link = _confirm_link(mail.outbox[0])

    response = client.post(link)

    enrolled = Enrolment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == world.free_lesson.url
    assert enrolled.user.email == "new@example.com"
    assert enrolled.consent_at is not None
    assert "e-mail me each lesson" in enrolled.consent_text
    assert client.get(world.free_lesson.url).content.decode().count("Body marker for free-lesson") == 1


def test_a_tampered_link_offers_a_new_one(client, world):
    token = enrolment.optin_token(email="new@example.com", course=world.free)

    response = client.post(reverse("courses:confirm", args=[token[:-3] + "abc"]))

    assert response.status_code == 400
    assert "This link no longer works" in response.content.decode()
    assert 'name="email"' in response.content.decode()
    assert not Enrolment.objects.exists()


def test_an_expired_link_offers_a_new_one(client, world, monkeypatch):
    token = enrolment.optin_token(email="new@example.com", course=world.free)
    monkeypatch.setattr(enrolment, "OPTIN_MAX_AGE", -1)

    response = client.get(reverse("courses:confirm", args=[token]))

    assert response.status_code == 400
    assert "This link no longer works" in response.content.decode()


def test_a_link_for_a_paid_course_is_refused(client, world):
    token = signing.dumps({"email": "x@example.com", "course": world.paid.pk}, salt=enrolment.OPTIN_SALT, compress=True)

    response = client.post(reverse("courses:confirm", args=[token]))

    assert response.status_code == 400
    assert not Enrolment.objects.exists()


def test_a_bad_email_gets_a_clear_400(client, world):
    response = client.post(reverse("courses:enrol", args=[world.free.pk]), {"email": "not an address"})

    assert response.status_code == 400
    assert "valid e-mail" in response.content.decode()
    assert not OutboxEmail.objects.exists()


def test_paid_courses_take_no_email_signup(client, world):
    response = client.post(reverse("courses:enrol", args=[world.paid.pk]), {"email": "new@example.com"})

    assert response.status_code == 404
    assert not OutboxEmail.objects.exists()


def test_repeated_requests_do_not_flood_an_inbox(client, world):
    for _ in range(3):
        client.post(reverse("courses:enrol", args=[world.free.pk]), {"email": "new@example.com"})

    assert OutboxEmail.objects.count() == 1


def test_signed_in_student_starts_a_free_course_with_one_click(client, world, student):
    client.force_login(student)

    response = client.post(reverse("courses:enrol", args=[world.free.pk]), {"emails": "1"})

    enrolled = Enrolment.objects.get(user=student)
    assert response["Location"] == world.free_lesson.url
    assert enrolled.wants_email


def test_unsubscribe_is_one_button_and_keeps_the_course_open(client, world, student):
    enrolment.enrol(user=student, course=world.free, wants_email=True)
    url = enrolment.unsubscribe_url(user=student, course=world.free)

    shown = client.get(url)
    done = client.post(url)

    assert shown.status_code == done.status_code == 200
    assert Enrolment.objects.get(user=student).unsubscribed_at is not None
    client.force_login(student)
    assert "Body marker for free-lesson" in client.get(world.free_lesson.url).content.decode()


def test_a_broken_unsubscribe_link_is_a_clear_400(client, world):
    response = client.post(reverse("courses:unsubscribe", args=["garbage"]))

    assert response.status_code == 400
    assert "does not work" in response.content.decode()


def test_an_editor_address_is_enrolled_but_never_signed_in_by_link(client, world, staff):
    token = enrolment.optin_token(email=staff.email, course=world.free)

    response = client.post(reverse("courses:confirm", args=[token]))

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert Enrolment.objects.filter(user=staff).exists()


def test_a_confirmation_link_works_once(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("courses:enrol", args=[world.free.pk]), {"email": "new@example.com"})
    link = _confirm_link(mail.outbox[0])
    client.post(link)
    stranger = Client()

    again = stranger.post(link)

    assert again.status_code == 410
    assert "already used" in again.content.decode()
    assert SESSION_KEY not in stranger.session
    assert Enrolment.objects.count() == 1


def test_an_older_link_dies_once_a_newer_one_was_pressed(client, world):
    old = enrolment.optin_token(email="new@example.com", course=world.free, now=timezone.now() - timedelta(hours=1))
    new = enrolment.optin_token(email="new@example.com", course=world.free)
    client.post(reverse("courses:confirm", args=[new]))

    response = Client().post(reverse("courses:confirm", args=[old]))

    assert response.status_code == 410


def test_the_link_confirms_a_buyer_but_does_not_sign_them_in(client, world, student):
    grant(student, world.product)
    token = enrolment.optin_token(email=student.email, course=world.free)

    response = client.post(reverse("courses:confirm", args=[token]))

    assert response.status_code == 200
    assert "Sign in with a one-time code" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert Enrolment.objects.filter(user=student, course=world.free, consent_at__isnull=False).exists()


def test_pressing_continue_verifies_the_address(client, world):
    token = enrolment.optin_token(email="new@example.com", course=world.free)

    client.post(reverse("courses:confirm", args=[token]))

    user = Enrolment.objects.get().user
    assert accounts.has_verified_email(user=user, email="new@example.com")


def test_the_confirmation_link_names_the_configured_site_not_the_request_host(
    client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("courses:enrol", args=[world.free.pk]), {"email": "new@example.com"}, HTTP_HOST="localhost:6666"
        )

    [message] = mail.outbox
    assert "http://testserver/learn/confirm/" in message.body
    assert "6666" not in message.body
