"""Drip e-mails (courses/drip.py and send_due_lessons): queued when a lesson opens, once per student."""

from datetime import timedelta

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from courses import drip, enrolment
from courses.models import DripNotice, Enrolment
from shop.models import OutboxEmail
from tests.courses.conftest import grant


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
    from shop import entitlements
    from tests.courses.conftest import ACTOR

    entitlements.revoke(user=student, product=world.product, actor=ACTOR, reason="refund", refunded=True)

    assert drip.send_due(now=timezone.now() + timedelta(days=8)) == 0


def test_the_command_queues_what_is_due(world, student):
    _subscribed(student, world.free)
    Enrolment.objects.filter(user=student).update(enrolled_at=timezone.now() - timedelta(days=3))

    call_command("send_due_lessons", stdout=None)

    assert DripNotice.objects.filter(user=student, lesson=world.free_dripped).exists()
