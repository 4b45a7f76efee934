"""core.retries: backoff, claiming, retrying and giving up, on webhook deliveries (the first job that uses it)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core import retries
from core.models import WebhookDelivery

pytestmark = pytest.mark.django_db


def make_row(**fields):
    return WebhookDelivery.objects.create(url="http://127.0.0.1:9/hooks", event="page.published", payload={}, **fields)


def fail(row):
    raise ConnectionError("receiver down")


def test_backoff_doubles_from_thirty_seconds_and_stops_at_six_hours():
    assert [retries.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert retries.backoff(30) == timedelta(hours=6)


def test_only_one_claim_wins_and_a_claimed_row_is_not_due():
    row = make_row()

    assert retries.claim(WebhookDelivery, pk=row.pk) is True
    assert retries.claim(WebhookDelivery, pk=row.pk) is False
    assert retries.run_due(WebhookDelivery, work=lambda row: None) == 0


def test_a_stale_claim_is_taken_again():
    row = make_row(claimed_at=timezone.now() - retries.STALE_CLAIM - timedelta(seconds=1))

    assert retries.claim(WebhookDelivery, pk=row.pk) is True


def test_a_failure_schedules_the_next_attempt_with_backoff_and_keeps_the_error():
    row = make_row()
    now = timezone.now()

    assert retries.attempt(WebhookDelivery, pk=row.pk, work=fail, now=now) is False

    row.refresh_from_db()
    assert (row.attempts, row.claimed_at, row.failed_at, row.done_at) == (1, None, None, None)
    assert row.next_attempt_at == now + timedelta(seconds=30)
    assert "receiver down" in row.last_error
    assert retries.run_due(WebhookDelivery, work=lambda row: None, now=now + timedelta(seconds=29)) == 0
    assert retries.run_due(WebhookDelivery, work=lambda row: None, now=now + timedelta(seconds=30)) == 1
    row.refresh_from_db()
    assert row.done_at is not None
    assert row.last_error == ""
    assert row.state == "delivered"


def test_after_the_last_attempt_the_row_is_marked_failed_and_never_tried_again():
    row = make_row()
    now = timezone.now()
    for n in range(3):
        retries.attempt(WebhookDelivery, pk=row.pk, work=fail, now=now + timedelta(days=n), max_attempts=3)

    row.refresh_from_db()
    assert row.attempts == 3
    assert row.failed_at is not None
    assert row.state == "failed"
    assert retries.run_due(WebhookDelivery, work=lambda row: None, now=now + timedelta(days=30)) == 0
