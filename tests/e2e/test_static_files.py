"""Under gunicorn, WhiteNoise serves hashed static files with far-future cache headers."""

import json
import os
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def production_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        ENV_FILE="",
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    return env


def wait_for(url, deadline):
    while True:
        try:
            return urllib.request.urlopen(url, timeout=5)  # noqa: S310 - loopback URL built by the test
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.mark.slow
def test_gunicorn_serves_hashed_static_files_with_far_future_cache(production_env, free_port, tmp_path):
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=production_env,
        check=True,
        timeout=300,
    )
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    hashed_css = manifest["paths"]["css/site.css"]
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "config.wsgi", "--bind", f"127.0.0.1:{free_port}", "--workers", "1"],
        cwd=ROOT,
        env=production_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        response = wait_for(f"http://127.0.0.1:{free_port}/static/{hashed_css}", time.monotonic() + 60)
        body = response.read()
        cache_control = response.headers["Cache-Control"]
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert b".skip-link" in body
    assert "max-age=315360000" in cache_control
    assert "immutable" in cache_control
