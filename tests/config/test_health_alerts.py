"""config.health.alert (`check_health`, every minute): one e-mail when a problem lasts, one when it is over."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from config import health
from config.models import LocalMail
from core import heartbeats
from core.models import OutboxEmail

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def admins(settings):
    settings.ADMINS = ["ops@example.com", "owner@example.com"]
    settings.HEALTH_ALERT_AFTER = 600
    settings.MAILERS = {"default": {"BACKEND": "config.mail.LocalMailboxBackend", "OPTIONS": {}}}


def _beat(*, minutes_ago: int, now):
    for kind in heartbeats.KINDS:
        heartbeats.beat(kind=kind, when=now - timedelta(minutes=minutes_ago))


def test_a_problem_that_lasts_sends_one_alert_per_admin_and_one_recovery(django_capture_on_commit_callbacks):
    start = timezone.now()
    _beat(minutes_ago=30, now=start)  # the worker and the scheduler stopped half an hour ago

    with django_capture_on_commit_callbacks(execute=True):
        outcomes = [health.alert(now=start + timedelta(minutes=minute)) for minute in range(30)]

    assert outcomes[:10] == ["failing"] * 10
    assert outcomes[10] == "alerted"
    assert set(outcomes[11:]) == {"failing"}
    alerts = LocalMail.objects.filter(subject__endswith="something keeps failing")
    assert sorted(mail.to for mail in alerts) == ["ops@example.com", "owner@example.com"]
    assert "The task worker last reported" in alerts[0].text_body

    later = start + timedelta(minutes=31)
    _beat(minutes_ago=0, now=later)
    with django_capture_on_commit_callbacks(execute=True):
        outcomes = [health.alert(now=later + timedelta(seconds=second)) for second in (0, 60, 120)]

    assert outcomes == ["recovered", "healthy", "healthy"]
    recovered = LocalMail.objects.filter(subject__endswith="working again")
    assert sorted(mail.to for mail in recovered) == ["ops@example.com", "owner@example.com"]
    assert LocalMail.objects.count() == 4
    assert OutboxEmail.objects.filter(sent_at__isnull=True).count() == 0


def test_a_short_blip_sends_nothing():
    start = timezone.now()
    _beat(minutes_ago=15, now=start)
    assert health.alert(now=start) == "failing"

    _beat(minutes_ago=0, now=start + timedelta(minutes=5))

    assert health.alert(now=start + timedelta(minutes=5)) == "healthy"
    assert LocalMail.objects.count() == 0
    assert OutboxEmail.objects.count() == 0


def test_a_second_episode_alerts_again():
    start = timezone.now()
    _beat(minutes_ago=30, now=start)
    health.alert(now=start)
    health.alert(now=start + timedelta(minutes=11))
    _beat(minutes_ago=0, now=start + timedelta(minutes=12))
    health.alert(now=start + timedelta(minutes=12))
    later = start + timedelta(hours=2)

    health.alert(now=later)
    health.alert(now=later + timedelta(minutes=11))

    keys = sorted(OutboxEmail.objects.values_list("key", flat=True))
    assert [key.rsplit("-", 1)[0] for key in keys] == [
        "health-1-alert",
        "health-1-alert",
        "health-1-recovered",
        "health-1-recovered",
        "health-2-alert",
        "health-2-alert",
    ]


def test_without_admins_the_superusers_are_told(settings, django_user_model):
    settings.ADMINS = []
    django_user_model.objects.create_superuser(username="boss", email="boss@example.com", password="x")
    django_user_model.objects.create_user(username="reader", email="reader@example.com")
    start = timezone.now()
    _beat(minutes_ago=30, now=start)

    health.alert(now=start)
    health.alert(now=start + timedelta(minutes=10))

    assert list(OutboxEmail.objects.values_list("to", flat=True)) == ["boss@example.com"]


def test_the_command_reports_the_outcome():
    out = io.StringIO()
    for kind in heartbeats.KINDS:
        heartbeats.beat(kind=kind)

    call_command("check_health", stdout=out)

    assert out.getvalue().strip() == "Health: healthy."
