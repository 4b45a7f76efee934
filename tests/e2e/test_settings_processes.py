"""Settings as a started process sees them: no secret key outside DEBUG stops it, production passes the deploy check."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from tests.e2e.conftest import TEST_PROCESS_ONLY

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", *TEST_PROCESS_ONLY}}
    clean.update(ENV_FILE="", DJANGO_SETTINGS_MODULE="config.settings", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_start_up_without_secret_key_outside_debug_stops_with_one_line(tmp_path):
    result = run_manage("check", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "SECRET_KEY is not set: set SECRET_KEY in the environment or .env (or DEBUG=1 locally)."
    ]


def test_start_up_without_secret_key_in_debug_works(tmp_path):
    result = run_manage("check", DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")

    assert result.returncode == 0, result.stderr


def test_deploy_check_passes_with_production_environment(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(50),
        HTTPS="1",
        ALLOWED_HOSTS="backcare.example",
        WAGTAILADMIN_BASE_URL="https://backcare.example",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        STRIPE_SECRET_KEY="sk_live_" + secrets.token_hex(12),
        STRIPE_WEBHOOK_SECRET="whsec_" + secrets.token_hex(16),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )

    assert result.returncode == 0, result.stderr


def test_deploy_check_warns_when_mail_would_stay_local(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(50),
        HTTPS="1",
        ALLOWED_HOSTS="backcare.example",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )

    assert result.returncode == 1
    assert "config.W001" in result.stderr


def _settings_value(expression: str, tmp_path, **env) -> str:
    result = run_manage(
        "shell",
        "-c",
        f"from django.conf import settings; print({expression})",
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_trusted_proxy_count_follows_behind_proxy_and_drives_allauth(tmp_path):
    expression = "settings.TRUSTED_PROXY_COUNT, settings.ALLAUTH_TRUSTED_PROXY_COUNT"

    assert _settings_value(expression, tmp_path) == "0 0"
    assert _settings_value(expression, tmp_path, BEHIND_PROXY="1") == "1 1"
    assert _settings_value(expression, tmp_path, BEHIND_PROXY="1", TRUSTED_PROXY_COUNT="2") == "2 2"


def test_the_default_cache_is_the_database_cache_every_worker_shares(tmp_path):
    expression = "settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION']"

    assert _settings_value(expression, tmp_path) == "django.core.cache.backends.db.DatabaseCache django_cache"
