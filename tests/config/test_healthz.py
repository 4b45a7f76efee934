"""GET /healthz: the database, the heartbeats' ages, the oldest unsent e-mail and unresolved failures, with a
503 past the limits (config.health). Through gunicorn: tests/e2e/test_health.py."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from core import heartbeats
from core.models import OutboxEmail
from shop.models import StripeEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_beats():
    for kind in heartbeats.KINDS:
        heartbeats.beat(kind=kind)


def test_healthz_answers_200_with_every_check_when_all_is_well(client, fresh_beats):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert {kind: check["status"] for kind, check in body["heartbeats"].items()} == {"scheduler": "ok", "worker": "ok"}
    assert body["outbox"] == {"oldest_unsent_age_seconds": None, "max_age_seconds": 900, "status": "ok"}
    assert body["failures"] == {"unresolved": 0, "max": 0, "status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_database_is_down(client):
    with mock.patch("config.health.connection.cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


def test_a_stale_worker_heartbeat_is_a_503(client, fresh_beats):
    heartbeats.beat(kind=heartbeats.WORKER, when=timezone.now() - timedelta(minutes=11))

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["heartbeats"]["worker"]["status"] == "stale"
    assert response.json()["heartbeats"]["scheduler"]["status"] == "ok"


def test_never_seen_is_fine_on_a_fresh_install_and_a_503_once_it_is_older_than_the_limit(client):
    assert client.get("/healthz").json()["heartbeats"]["worker"]["status"] == "not yet seen"
    assert client.get("/healthz").status_code == 200

    MigrationRecorder.Migration.objects.update(applied=timezone.now() - timedelta(hours=1))
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["heartbeats"]["worker"]["status"] == "never seen"


def test_an_old_unsent_email_is_a_503_but_a_sent_one_is_not(client, fresh_beats):
    old = timezone.now() - timedelta(minutes=20)
    OutboxEmail.objects.create(
        key="sent", to="a@example.com", subject="s", template="t", created_at=old, sent_at=timezone.now()
    )
    assert client.get("/healthz").status_code == 200

    OutboxEmail.objects.create(key="stuck", to="secret-person@example.com", subject="s", template="t", created_at=old)
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["outbox"]["status"] == "too old"
    assert 1190 <= response.json()["outbox"]["oldest_unsent_age_seconds"] <= 1210
    assert b"secret-person" not in response.content


def test_an_unresolved_failed_webhook_is_a_503(client, fresh_beats):
    StripeEvent.objects.create(
        event_id="evt_failed", type="checkout.session.completed", status=StripeEvent.Status.FAILED
    )

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["failures"] == {"unresolved": 1, "max": 0, "status": "too many"}


def test_limits_come_from_settings_and_zero_switches_a_check_off(client, settings):
    settings.HEALTHZ_HEARTBEAT_MAX_AGE = 0
    heartbeats.beat(kind=heartbeats.WORKER, when=timezone.now() - timedelta(days=3))

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["heartbeats"]["worker"]["status"] == "not checked"


def test_the_database_scope_looks_only_at_the_database(client):
    heartbeats.beat(kind=heartbeats.WORKER, when=timezone.now() - timedelta(days=3))

    response = client.get("/healthz?scope=database")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405
