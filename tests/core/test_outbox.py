"""core.outbox: e-mails written with the change they report, sent once, never lost."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from core import outbox
from core.models import OutboxEmail

pytestmark = pytest.mark.django_db

CONTEXT = {
    "email": "ann@example.com",
    "order_number": "BC-000007",
    "product_name": "Stretching guide",
    "amount": "$19.00",
    "library_url": "/shop/library/",
    "login_url": "/accounts/login/",
}


def _enqueue(key="receipt-7"):
    return outbox.enqueue_email(
        key=key, to="ann@example.com", subject="Your receipt", template="shop/email/receipt", context=CONTEXT
    )


def test_email_is_sent_after_commit_with_html_and_text(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = _enqueue()

    assert created is True
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ann@example.com"]
    assert "BC-000007" in message.body
    assert "BC-000007" in message.alternatives[0].content
    assert OutboxEmail.objects.get().sent_at is not None


def test_same_key_writes_and_sends_nothing_more(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _enqueue()
        second = _enqueue()

    assert second is False
    assert OutboxEmail.objects.count() == 1
    assert len(mail.outbox) == 1


def test_rolled_back_transaction_leaves_no_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():  # noqa: PT012
        _enqueue()
        raise RuntimeError

    assert OutboxEmail.objects.count() == 0
    assert mail.outbox == []


def test_row_whose_task_was_lost_is_sent_by_the_periodic_command():
    _enqueue()  # no commit callbacks run: as if the process died right after commit
    assert mail.outbox == []

    call_command("send_outbox", stdout=None)
    call_command("send_outbox", stdout=None)

    assert len(mail.outbox) == 1


def test_sending_a_row_twice_sends_it_once():
    _enqueue()
    row = OutboxEmail.objects.get()

    results = [outbox.send(pk=row.pk), outbox.send(pk=row.pk)]

    assert results == [True, False]
    assert len(mail.outbox) == 1


def test_failed_send_is_tried_again_after_a_backoff_and_listed_as_failing_meanwhile(monkeypatch):
    _enqueue()
    row = OutboxEmail.objects.get()

    def explode(self, fail_silently=False):
        raise ConnectionError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", explode)
    before = timezone.now()
    assert outbox.send(pk=row.pk) is False
    monkeypatch.undo()
    row.refresh_from_db()

    assert timedelta(seconds=29) <= row.next_attempt_at - before <= timedelta(seconds=31)
    assert list(outbox.failing()) == [row]
    assert outbox.send_pending() == 0  # not due yet: the backoff holds it back
    OutboxEmail.objects.update(next_attempt_at=timezone.now())
    assert outbox.send_pending() == 1
    assert len(mail.outbox) == 1
    assert OutboxEmail.objects.get().attempts == 2
    assert list(outbox.failing()) == []
