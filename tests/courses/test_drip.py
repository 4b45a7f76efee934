"""Drip e-mails (courses/drip.py and send_due_lessons): queued when a lesson opens, once per student."""

import re
from datetime import timedelta
from unittest import mock

from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from core.models import OutboxEmail
from courses import drip, enrolment
from courses.models import DripNotice, Enrolment
from shop import entitlements
from tests.courses.conftest import ACTOR, grant
from tests.courses.factories import UserFactory


def _subscribed(student, course):
    return enrolment.enrol(user=student, course=course, wants_email=True)


def test_due_lesson_is_emailed_once_however_often_the_command_runs(world, student, django_capture_on_commit_callbacks):
    _subscribed(student, world.free)
    later = timezone.now() + timedelta(days=2, minutes=1)

    with django_capture_on_commit_callbacks(execute=True):
        first = drip.send_due(now=later)
        second = drip.send_due(now=later)
        third = drip.send_due(now=later + timedelta(hours=1))

    assert (first, second, third) == (1, 0, 0)
    assert DripNotice.objects.count() == 1
    assert OutboxEmail.objects.filter(key=f"drip:{student.pk}:{world.free_dripped.pk}").count() == 1
    assert [message.to for message in mail.outbox] == [[student.email]]
    assert world.free_dripped.url in mail.outbox[0].body
    assert "/learn/unsubscribe/" in mail.outbox[0].body


def test_nothing_is_sent_before_the_lesson_opens(world, student):
    _subscribed(student, world.free)

    queued = drip.send_due(now=timezone.now() + timedelta(days=1))

    assert queued == 0
    assert not OutboxEmail.objects.exists()


def test_unsubscribed_students_get_no_drip_email(world, student):
    enrolled = _subscribed(student, world.free)
    enrolment.unsubscribe(token=enrolment.unsubscribe_token(user=student, course=world.free))

    queued = drip.send_due(now=timezone.now() + timedelta(days=3))

    assert queued == 0
    assert Enrolment.objects.get(pk=enrolled.pk).unsubscribed_at is not None


def test_unconfirmed_free_students_get_no_drip_email(world, student):
    enrolment.enrol(user=student, course=world.free, wants_email=False)

    assert drip.send_due(now=timezone.now() + timedelta(days=3)) == 0


def test_paid_students_hear_about_dripped_lessons_only_while_they_have_access(world, student):
    grant(student, world.product)
    Enrolment.objects.create(user=student, course=world.paid, source=Enrolment.PURCHASE, enrolled_at=timezone.now())
    entitlements.revoke(user=student, product=world.product, actor=ACTOR, reason="refund", refunded=True)

    assert drip.send_due(now=timezone.now() + timedelta(days=8)) == 0


def test_the_command_queues_what_is_due(world, student):
    _subscribed(student, world.free)
    Enrolment.objects.filter(user=student).update(enrolled_at=timezone.now() - timedelta(days=3))

    call_command("send_due_lessons", stdout=None)

    assert DripNotice.objects.filter(user=student, lesson=world.free_dripped).exists()


def _grant_at(user, product, when):
    """A purchase made at `when`: the grant time is the paid course's drip clock."""
    with mock.patch.object(timezone, "now", return_value=when):
        grant(user, product)


def test_paid_owners_who_never_opened_the_course_hear_on_their_own_clock(
    client, world, django_capture_on_commit_callbacks
):
    start = timezone.now()
    direct, via_bundle, stranger = UserFactory(), UserFactory(), UserFactory()
    _grant_at(direct, world.product, start - timedelta(days=3))
    _grant_at(via_bundle, world.bundle, start)
    assert not Enrolment.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        early = drip.send_due(now=start + timedelta(days=4, minutes=1))
        later = drip.send_due(now=start + timedelta(days=7, minutes=1))
        again = drip.send_due(now=start + timedelta(days=7, minutes=2))

    assert (early, later, again) == (1, 1, 0)
    assert [message.to for message in mail.outbox] == [[direct.email], [via_bundle.email]]
    assert all(world.paid_dripped.url in message.body for message in mail.outbox)
    assert set(DripNotice.objects.values_list("user_id", "lesson_id")) == {
        (direct.pk, world.paid_dripped.pk),
        (via_bundle.pk, world.paid_dripped.pk),
    }
    assert not DripNotice.objects.filter(user=stranger).exists()
    enrolled = Enrolment.objects.get(user=direct, course=world.paid)
    assert (enrolled.source, enrolled.enrolled_at) == (Enrolment.PURCHASE, start - timedelta(days=3))
    link = re.search(r"http://testserver(/learn/unsubscribe/\S+/)", mail.outbox[0].body).group(1)
    assert client.post(link).status_code == 200
    assert Enrolment.objects.get(pk=enrolled.pk).unsubscribed_at is not None


def test_refunded_and_disputed_owners_get_no_drip_email_and_a_restored_owner_keeps_the_first_clock(
    world, django_capture_on_commit_callbacks
):
    start = timezone.now()
    refunded, disputed = UserFactory(), UserFactory()
    _grant_at(refunded, world.product, start - timedelta(days=3))
    _grant_at(disputed, world.product, start - timedelta(days=3))
    entitlements.revoke(user=refunded, product=world.product, actor=ACTOR, reason="Refunded.", refunded=True)
    entitlements.suspend(user=disputed, product=world.product, actor=ACTOR, reason="Disputed.")

    with django_capture_on_commit_callbacks(execute=True):
        closed = drip.send_due(now=start + timedelta(days=4, minutes=1))
        entitlements.restore(user=disputed, product=world.product, actor=ACTOR, reason="Dispute won.")
        reopened = drip.send_due(now=start + timedelta(days=4, minutes=2))

    assert (closed, reopened) == (0, 1)
    assert [message.to for message in mail.outbox] == [[disputed.email]]
    assert not DripNotice.objects.filter(user=refunded).exists()


def test_an_owner_who_unsubscribed_gets_no_drip_email(world, student):
    _grant_at(student, world.product, timezone.now())
    Enrolment.objects.create(user=student, course=world.paid, source=Enrolment.PURCHASE, enrolled_at=timezone.now())
    enrolment.unsubscribe(token=enrolment.unsubscribe_token(user=student, course=world.paid))

    assert drip.send_due(now=timezone.now() + timedelta(days=7, minutes=1)) == 0
    assert not OutboxEmail.objects.exists()


def test_drip_email_offers_one_click_unsubscribe_that_mail_apps_can_post(
    client, world, student, django_capture_on_commit_callbacks
):
    _subscribed(student, world.free)
    with django_capture_on_commit_callbacks(execute=True):
        drip.send_due(now=timezone.now() + timedelta(days=2, minutes=1))
    message = mail.outbox[0]
    link = re.fullmatch(r"<(.+)>", message.extra_headers["List-Unsubscribe"]).group(1)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "List-Unsubscribe" in message.message().as_string()

    # A mail app posts without a session or CSRF token (RFC 8058).
    response = Client(enforce_csrf_checks=True).post(link, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert Enrolment.objects.get(user=student, course=world.free).unsubscribed_at is not None
