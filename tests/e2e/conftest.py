"""Outside-in tests: a real gunicorn on a free loopback port, serving the database the test arranges.

`live_site` starts the server (production settings, DEBUG off) on a database the test process shares:
on SQLite a file copied from one migrated template per test session, on PostgreSQL the test database
itself. Arrange rows with the ORM or factories, walk in over HTTP with `live_site.client()` (a cookie-
keeping `requests` session), then assert on what came back and on the rows and e-mails
(`live_site.mail()`, the local mailbox the server writes to). `start_live_site(**env)` starts one with
other environment variables (several workers, BEHIND_PROXY=1, STAFF_REQUIRE_2FA=1 and so on).
"""

import os
import re
import secrets
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from django.conf import settings

from tests import processes

ROOT = Path(__file__).resolve().parents[2]
# What the test process sets for itself and a started server must not inherit (the browser suite allows
# Django's ORM beside Playwright's event loop; a deployment must never run with that).
TEST_PROCESS_ONLY = {"DJANGO_SETTINGS_MODULE", "DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def pytest_collection_modifyitems(config, items):
    """On PostgreSQL the server shares the test database itself, so each test there is transactional.

    pytest-django creates only the databases that collected tests ask for, and restores Wagtail's migration
    data (root page, default site) after each transactional test only when asked to. On SQLite every test
    gets its own copy of a migrated file instead (`file_db`), copied from pytest-django's migrated in-memory
    database: the plain `django_db` mark makes pytest-django create that database even when only outside-in
    tests are collected (without it the "template" was whatever file DATABASE_URL named, var/db.sqlite3).
    Pages the test saves update the search and reference indexes (`indexing`), as the server's would.
    """
    sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    marker = pytest.mark.django_db if sqlite else pytest.mark.django_db(transaction=True, serialized_rollback=True)
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(marker)
            item.add_marker(pytest.mark.indexing)


@pytest.fixture
def live_db(file_db):
    """The database this test and its server share, as the server's DATABASE_URL."""
    return file_db


@dataclass
class LiveSite:
    url: str
    process: subprocess.Popen
    log_path: Path
    clients: list = field(default_factory=list)

    def client(self) -> requests.Session:
        """A browser-like HTTP client: keeps cookies, never follows redirects unless asked."""
        session = requests.Session()
        session.headers["User-Agent"] = "backcare-e2e"
        self.clients.append(session)
        return session

    def get(self, path: str, client: requests.Session | None = None, **kwargs) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 30)
        return (client or requests).get(self.url + path, **kwargs)

    def post(self, path: str, client: requests.Session | None = None, **kwargs) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 30)
        return (client or requests).post(self.url + path, **kwargs)

    def submit(self, client: requests.Session, path: str, data: dict, **kwargs) -> requests.Response:
        """GET the page for its CSRF cookie and token, then POST the form to the same address."""
        page = self.get(path, client)
        token = csrf_token(page.text) or client.cookies.get("csrftoken", "")
        headers = {"Referer": self.url + path, **kwargs.pop("headers", {})}
        return self.post(path, client, data={"csrfmiddlewaretoken": token, **data}, headers=headers, **kwargs)

    def mail(self):
        """Every e-mail the server has sent so far (the local mailbox), oldest first."""
        from config.models import LocalMail

        return list(LocalMail.objects.order_by("pk"))

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return found.group(1) if found else ""


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def shared_cache(live_db, settings):
    """This process uses the cache its servers use (the database cache in the shared database), as every worker
    of an install does: a purge after an edit made here reaches the servers' page cache, a rate-limit counter
    is the same counter."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "django_cache"},
    }
    settings.PAGE_CACHE_ENABLED = True


@pytest.fixture
def start_live_site(live_db, shared_cache, tmp_path):
    """Start gunicorn with extra environment variables; every server started is stopped by its pid."""
    started: list[LiveSite] = []

    def start(*, workers: int = 2, **extra_env) -> LiveSite:
        port = _free_port()
        run_dir = tmp_path / f"gunicorn-{port}"
        run_dir.mkdir()
        env = {k: v for k, v in os.environ.items() if k not in TEST_PROCESS_ONLY}
        env.update(
            DJANGO_SETTINGS_MODULE="tests.e2e.server_settings",
            ENV_FILE="",
            SECRET_KEY=secrets.token_urlsafe(50),
            DATABASE_URL=live_db,
            MEDIA_ROOT=str(settings.MEDIA_ROOT),
            PRIVATE_MEDIA_ROOT=str(settings.PRIVATE_MEDIA_ROOT),
            STATIC_ROOT=str(run_dir / "static"),
            WAGTAILADMIN_BASE_URL=f"http://127.0.0.1:{port}",
            STRIPE_API_BASE=str(settings.STRIPE_API_BASE),
            STRIPE_SECRET_KEY=str(settings.STRIPE_SECRET_KEY),
            STRIPE_WEBHOOK_SECRET=str(settings.STRIPE_WEBHOOK_SECRET),
            STRIPE_MAX_NETWORK_RETRIES="0",
            SHOP_DEMO="1" if settings.SHOP_DEMO else "0",
        )
        env.update({key: str(value) for key, value in extra_env.items()})
        log_path = run_dir / "server.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("gunicorn")),
                    "config.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(workers),
                    # As config/gunicorn.conf.py serves production: the app is imported once, then forked.
                    "--preload",
                    "--no-control-socket",
                    "--error-logfile",
                    "-",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        site = LiveSite(url=f"http://127.0.0.1:{port}", process=process, log_path=log_path)
        started.append(site)
        processes.wait_until_serving(process, site.url + "/healthz", seconds=60, log=site.log)
        return site

    yield start
    for site in started:
        for client in site.clients:
            client.close()
    processes.stop([site.process for site in started], timeout=20)


@pytest.fixture
def live_site(start_live_site) -> LiveSite:
    """The site as a person reaches it: gunicorn, two workers, production settings."""
    return start_live_site()
