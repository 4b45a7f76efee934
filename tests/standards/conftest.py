"""The validator stage (`make standards`): third-party checkers against gunicorn serving the demo content.

One server per test process, started once: the demo `make run` loads (indexed for search), plus what the demo
lacks and the checks need: an article whose reviewer is not its author, and a signed-in buyer with a session
token (`standards_site.token`). Tests only read from it, so they may run in any order.
"""

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest
from django.conf import settings
from django.test import override_settings

from tests import processes
from tests.databases import copy_of, default_connection_on
from tests.e2e.conftest import ROOT, TEST_PROCESS_ONLY, LiveSite

REVIEWER = "Dr Aoife Byrne"


@dataclass
class StandardsSite(LiveSite):
    token: str = ""
    reviewed_article: str = ""

    def absolute(self, path: str) -> str:
        return urljoin(self.url + "/", path)


def _arrange(url: str) -> dict:
    """The demo at the server's address, a reviewed article and a buyer's app session (in the server's database)."""
    from django.core.management import call_command

    from core.models import AuthorProfile
    from shop import entitlements
    from shop.models import Product
    from tests.api.conftest import session_token
    from tests.courses.factories import UserFactory
    from website.models import ArticlePage

    backend = settings.WAGTAILSEARCH_BACKENDS["default"]
    with override_settings(WAGTAILSEARCH_BACKENDS={"default": {**backend, "AUTO_UPDATE": True}}):
        call_command("load_demo", stdout=None)
    call_command("sync_site_address", url, stdout=None)
    reviewer = AuthorProfile.objects.create(name=REVIEWER, slug="aoife-byrne", role="Physiotherapist")
    article = ArticlePage.objects.live().exclude(last_reviewed=None).order_by("path").first()
    ArticlePage.objects.filter(pk=article.pk).update(reviewer=reviewer)
    buyer = UserFactory(email="buyer@example.com")
    for product in Product.objects.filter(active=True):
        entitlements.grant(user=buyer, product=product, actor=entitlements.Actor.for_system(), reason="standards check")
    return {"token": session_token(buyer), "reviewed_article": article.url}


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def standards_site(sqlite_template, django_db_blocker, tmp_path_factory):
    if sqlite_template is None:
        pytest.fail("The validator stage runs on SQLite (make standards unsets DATABASE_URL).")
    run_dir = tmp_path_factory.mktemp("standards")
    path = copy_of(sqlite_template, run_dir / "site.sqlite3")
    port = _free_port()
    with django_db_blocker.unblock(), default_connection_on(path):
        arranged = _arrange(f"http://127.0.0.1:{port}")
    env = {k: v for k, v in os.environ.items() if k not in TEST_PROCESS_ONLY}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.e2e.server_settings",
        ENV_FILE="",
        # The test process's key: the buyer's session above carries a session hash made with it.
        SECRET_KEY=settings.SECRET_KEY,
        DATABASE_URL=f"sqlite:///{path}",
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        PRIVATE_MEDIA_ROOT=str(settings.PRIVATE_MEDIA_ROOT),
        STATIC_ROOT=str(run_dir / "static"),
        WAGTAILADMIN_BASE_URL=f"http://127.0.0.1:{port}",
        SHOP_DEMO="1",
        SERVE_MEDIA="1",
    )
    log_path = run_dir / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--no-control-socket",
                "--error-logfile",
                "-",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    site = StandardsSite(url=f"http://127.0.0.1:{port}", process=process, log_path=log_path, **arranged)
    processes.wait_until_serving(process, site.url + "/healthz", seconds=60, log=site.log)
    yield site
    processes.stop([process], timeout=20)


def sitemap_paths(site) -> list[str]:
    """Every page the sitemap lists, as paths."""
    answer = site.get("/sitemap.xml")
    assert answer.status_code == 200
    return [re.sub(r"^https?://[^/]+", "", url) for url in re.findall(r"<loc>([^<]+)</loc>", answer.text)]


@pytest.fixture(scope="session")
def page_paths(standards_site) -> list[str]:
    """One address per page type a reader meets: the sitemap's pages (articles, guides, courses, lessons, legal,
    topics, authors) and the pages it leaves out (search results, sign-in, a 404)."""
    paths = sitemap_paths(standards_site)
    assert any("/articles/" in path for path in paths)
    extra = ["/search/?q=back", "/accounts/login/", "/accounts/signup/", "/no-such-page/"]
    return [*dict.fromkeys(paths), *extra]


@pytest.fixture(scope="session")
def pages(standards_site, page_paths) -> dict[str, str]:
    """{path: HTML} for every page in `page_paths`, fetched anonymously once."""
    fetched = {}
    for path in page_paths:
        answer = standards_site.get(path)
        assert answer.status_code == (404 if path == "/no-such-page/" else 200), path
        fetched[path] = answer.text
    return fetched
