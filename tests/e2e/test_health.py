"""Outside-in: /healthz through gunicorn says when the scheduler or worker stopped or e-mail is stuck, and the
`check_health` process e-mails the admins once when that lasts and once when it is over."""

import os
import secrets
import subprocess
import sys
from datetime import timedelta

from django.utils import timezone

from core import heartbeats
from core.models import OutboxEmail
from tests.e2e.conftest import ROOT, TEST_PROCESS_ONLY


def _beat(minutes_ago: int) -> None:
    for kind in heartbeats.KINDS:
        heartbeats.beat(kind=kind, when=timezone.now() - timedelta(minutes=minutes_ago))


def test_healthz_turns_503_when_heartbeats_go_stale_or_email_waits_and_200_when_fresh(live_site):
    _beat(minutes_ago=0)
    fresh = live_site.get("/healthz")
    assert fresh.status_code == 200, fresh.text
    assert fresh.json()["status"] == "ok"

    heartbeats.beat(kind=heartbeats.WORKER, when=timezone.now() - timedelta(minutes=25))
    stale = live_site.get("/healthz")
    assert stale.status_code == 503
    assert stale.json()["heartbeats"]["worker"]["status"] == "stale"
    assert 1490 <= stale.json()["heartbeats"]["worker"]["age_seconds"] <= 1520

    _beat(minutes_ago=0)
    assert live_site.get("/healthz").status_code == 200

    OutboxEmail.objects.create(
        key="stuck-receipt",
        to="private-buyer@example.com",
        subject="Your receipt",
        template="shop/email/receipt",
        created_at=timezone.now() - timedelta(hours=1),
    )
    stuck = live_site.get("/healthz")
    assert stuck.status_code == 503
    assert stuck.json()["outbox"]["status"] == "too old"
    assert "private-buyer" not in stuck.text
    assert live_site.get("/healthz?scope=database").status_code == 200

    OutboxEmail.objects.filter(key="stuck-receipt").update(sent_at=timezone.now())
    assert live_site.get("/healthz").status_code == 200


def _check_health(live_db) -> str:
    env = {key: value for key, value in os.environ.items() if key not in TEST_PROCESS_ONLY}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.e2e.server_settings",
        ENV_FILE="",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=live_db,
        ADMINS="ops@example.com",
        HEALTH_ALERT_AFTER="0",
    )
    answer = subprocess.run(
        [sys.executable, "manage.py", "check_health"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert answer.returncode == 0, answer.stderr
    return answer.stdout.strip()


def test_the_admins_get_one_alert_while_it_keeps_failing_and_one_when_it_recovers(live_site, live_db):
    _beat(minutes_ago=45)

    outcomes = [_check_health(live_db) for _ in range(3)]
    assert outcomes == ["Health: alerted.", "Health: failing.", "Health: failing."]
    assert live_site.get("/healthz").status_code == 503

    _beat(minutes_ago=0)
    outcomes = [_check_health(live_db) for _ in range(2)]
    assert outcomes == ["Health: recovered.", "Health: healthy."]
    assert live_site.get("/healthz").status_code == 200

    mails = [(mail.to, mail.subject) for mail in live_site.mail()]
    assert mails == [
        ("ops@example.com", "Stephen O'Dwyer · Lower Back Pain Relief: something keeps failing"),
        ("ops@example.com", "Stephen O'Dwyer · Lower Back Pain Relief: working again"),
    ]
    assert "The scheduler last reported 45 minutes ago" in live_site.mail()[0].text_body
    assert OutboxEmail.objects.filter(key__startswith="health-", sent_at__isnull=False).count() == 2
