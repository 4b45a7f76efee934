"""The browser suite: Playwright driving Debian's Chromium against `live_site` (gunicorn, fresh database).

A journey asks for `journey` (parametrized over a desktop and a phone window) and walks the site with
`journey.page`, calling `journey.step("name")` after each thing a person would look at: the step takes a
screenshot to artifacts/screenshots/<journey>-<width>-<nn>-<name>.png and runs every check in checks.py.
The problems of all steps are listed together at the end, so one run reports everything that is wrong.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.test import override_settings

from tests.databases import copy_database, copy_of, default_connection_on, drop_database, postgres_url
from tests.e2e.browser import checks
from tests.e2e.browser.journey import CHECKS, SCREENSHOTS, Journey

WINDOWS = {
    "1280": {"viewport": {"width": 1280, "height": 800}},
    "390": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2},
}


def chromium_path() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found is None:
        pytest.fail("Chromium is not installed: `make e2e` installs it (bin/install-chromium).")
    return found


@pytest.fixture(scope="session")
def browser(demo_template):
    """One headless Chromium per test process (each xdist worker has its own).

    It starts after the test database and the demo database are set up, and before any test's database
    (`_browser_before_database`): while Playwright's event loop runs, Django keeps connections per async
    context instead of per thread, so a connection opened on one side of the start is not the one used (or
    closed) on the other. PostgreSQL copies the test database into the demo one only once every connection
    to it is closed.
    """
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    # What migrations wrote, which transactional tests (PostgreSQL) restore after each flush, is kept on the
    # connection object; the connections of Playwright's context are new objects and need it handed over,
    # or every test after the first journey would find the database empty (no root page, no collection).
    serialized = {alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections}
    with sync_playwright() as playwright:
        for alias, contents in serialized.items():
            if contents is not None:
                connections[alias]._test_serialized_contents = contents
        chromium = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=args)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _browser_before_database(browser):
    """Chromium starts before the test's own database is opened (see `browser`)."""


@pytest.fixture(autouse=True)
def _demo_payments(settings):
    """No Stripe keys: the served site takes payments through its demo gateway, as on `make run`."""
    settings.SHOP_DEMO = True


@pytest.fixture
def live_site(start_live_site):
    """The site as `make run` serves it: production settings, uploaded images served by the app."""
    return start_live_site(SERVE_MEDIA="1")


@pytest.fixture(scope="session")
def demo_template(sqlite_template, django_db_blocker, tmp_path_factory):
    """One copy of the migrated database with the demo loaded (and indexed), made once per test process.

    On SQLite a file copied from the migrated template; on PostgreSQL a database copied from the migrated
    test database (before this process's first browser journey, when it holds only what migrations wrote,
    and before Chromium starts: see `browser`).
    """
    if sqlite_template is not None:
        path = copy_of(sqlite_template, tmp_path_factory.mktemp("demo") / "demo.sqlite3")
        with django_db_blocker.unblock(), default_connection_on(path):
            load_demo()
        yield path
        return
    with django_db_blocker.unblock():
        name = copy_database(connection.settings_dict["NAME"], f"{connection.settings_dict['NAME']}_demo")
        with default_connection_on(name):
            load_demo()
        yield name
        drop_database(name)


def load_demo():
    """The demo `make run` loads, indexed for search as in every real process (test settings skip indexing)."""
    backend = settings.WAGTAILSEARCH_BACKENDS["default"]
    with override_settings(WAGTAILSEARCH_BACKENDS={"default": {**backend, "AUTO_UPDATE": True}}):
        call_command("load_demo", stdout=None)


@pytest.fixture
def live_db(demo_template, sqlite_template, django_db_blocker, tmp_path):
    """A fresh copy of the demo database, which the test and its server share, as the server's DATABASE_URL.

    A copy per journey, on PostgreSQL too, so that the shared test database never holds the demo (restoring
    it there after each journey is what broke the tests that ran after the journeys).
    """
    if sqlite_template is not None:
        path = copy_of(demo_template, tmp_path / "site.sqlite3")
        with django_db_blocker.unblock(), default_connection_on(path):
            yield f"sqlite:///{path}"
        return
    with django_db_blocker.unblock():
        name = copy_database(demo_template, f"{demo_template}_site")
        with default_connection_on(name):
            yield postgres_url(name)
        drop_database(name)


@pytest.fixture(params=list(WINDOWS), ids=lambda width: f"{width}px")
def window(request) -> str:
    return request.param


@pytest.fixture
def open_journey(browser, window, request):
    """Start a journey on a site: a fresh browser context at this window size, closed at the end."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    CHECKS.mkdir(parents=True, exist_ok=True)
    opened = []

    def start(site, name: str | None = None) -> Journey:
        name = name or request.node.originalname.removeprefix("test_").replace("_", "-")
        for old in SCREENSHOTS.glob(f"{name}-{window}-*.png"):
            old.unlink()
        context = browser.new_context(**WINDOWS[window], base_url=site.url, accept_downloads=True)
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url)
        context.add_init_script(checks.CSP_LISTENER)
        axe_context = browser.new_context(**WINDOWS[window], bypass_csp=True)
        page = context.new_page()
        watch = checks.Watch()
        watch.attach(page)
        journey = Journey(name=name, width=window, site=site, page=page, axe_context=axe_context, watch=watch)
        opened.append(journey)
        return journey

    yield start
    for journey in opened:
        journey.page.context.close()
        journey.axe_context.close()
    for journey in opened:
        report = CHECKS / f"{journey.name}-{journey.width}.txt"
        report.write_text("".join(f"{line}\n" for line in journey.unique()))
