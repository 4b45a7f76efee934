"""courses.erasure: deletion takes everything about the person now, keeps their orders detached, logs the address."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.management import call_command
from django.utils import timezone

from config.models import LocalMail
from core import deletions
from core.models import DeletionLog, OutboxEmail
from courses import erasure
from courses.models import Certificate, CertificateName, Enrolment, LessonCompletion
from shop.models import Download, Entitlement, EntitlementChange, Order
from tests.api.conftest import session_token
from tests.courses.factories import UserFactory
from tests.courses.people import make_person


def test_erase_takes_everything_but_the_orders(world):
    person = make_person(world, email="sam@example.com")
    other = make_person(world, email="jimsam@example.com")
    session_token(person.user)

    erasure.erase(user=person.user)

    assert not get_user_model().objects.filter(pk=person.user.pk).exists()
    for model in (Enrolment, LessonCompletion, CertificateName, Certificate, Download, Entitlement, EmailAddress):
        assert not model.objects.filter(user_id=person.user.pk).exists(), model
    assert not EntitlementChange.objects.filter(entitlement__user_id=person.user.pk).exists()
    assert not OutboxEmail.objects.filter(to="sam@example.com").exists()
    assert not LocalMail.objects.filter(to="sam@example.com").exists()
    order = Order.objects.get(pk=person.order.pk)
    assert (order.user_id, order.email, order.amount_paid, order.browser_key) == (None, "sam@example.com", 9700, "")
    assert order.delivery_consent_at is not None
    assert DeletionLog.objects.filter(email_hash=deletions.email_hash("SAM@example.com")).count() == 1
    # The other person, whose address contains the first, keeps everything.
    assert Enrolment.objects.filter(user=other.user).count() == 2
    assert LocalMail.objects.filter(to="jimsam@example.com").count() == 1
    assert OutboxEmail.objects.filter(to="jimsam@example.com").count() == 1


def test_the_deletion_log_holds_no_address(db):
    deletions.record(emails=["Sam@Example.com", "sam@example.com"])

    [row] = DeletionLog.objects.all()
    assert "sam" not in row.email_hash.lower()
    assert row.email_hash == deletions.email_hash("sam@example.com")


def test_staff_cannot_delete_themselves(world):
    editor = UserFactory(email="editor@example.com", is_staff=True)

    with pytest.raises(erasure.StaffCannotDeleteError):
        erasure.ask(user=editor)
    with pytest.raises(erasure.StaffCannotDeleteError):
        erasure.erase(user=editor)
    assert get_user_model().objects.filter(pk=editor.pk).exists()


def test_a_link_stops_working_when_the_address_changes(db):
    user = UserFactory(email="sam@example.com")
    token = erasure.make_token(user=user)
    assert erasure.read_token(token=token) == user

    user.email = "new@example.com"
    user.save()

    with pytest.raises(erasure.InvalidDeletionLinkError):
        erasure.read_token(token=token)


def test_an_old_or_tampered_link_does_not_work(db, monkeypatch):
    user = UserFactory(email="sam@example.com")
    token = erasure.make_token(user=user)
    monkeypatch.setattr(signing, "time", _later(erasure.LINK_MAX_AGE + 60))

    with pytest.raises(erasure.InvalidDeletionLinkError):
        erasure.read_token(token=token)
    with pytest.raises(erasure.InvalidDeletionLinkError):
        erasure.read_token(token=token[:-2] + "xx")


def _later(seconds):
    import time as real_time

    class Clock:
        @staticmethod
        def time():
            return real_time.time() + seconds

    return Clock


def test_reapply_deletes_a_restored_account_but_not_a_new_one(world):
    person = make_person(world, email="sam@example.com")
    deletions.record(emails=["sam@example.com", "new-life@example.com"], when=timezone.now())
    fresh = UserFactory(email="new-life@example.com")
    fresh.date_joined = timezone.now() + timedelta(minutes=5)  # signed up again after the deletion
    fresh.save()

    call_command("reapply_deletions", stdout=None)

    assert not get_user_model().objects.filter(pk=person.user.pk).exists()
    assert Order.objects.get(pk=person.order.pk).user_id is None
    assert get_user_model().objects.filter(pk=fresh.pk).exists()
    assert DeletionLog.objects.count() == 2  # re-applying logs nothing new
