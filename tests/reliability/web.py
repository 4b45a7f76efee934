"""What the leak crawl, hostile input and load scenarios share: the demo site, people signed in over HTTP.

`live_db` (imported by a scenario module) is the database the test and its gunicorn share, holding the demo
`make run` loads (indexed for search, as in every real process). On SQLite the demo is loaded once per test
process into a template file that each test copies; on PostgreSQL each test loads it into the (transactional)
test database.
"""

import re
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from tests.databases import copy_of, default_connection_on

# Generated and crawled traffic is bursty: the limits have their own tests, here they would only hide pages.
UNLIMITED = {"API_RATE_SIGN_IN_CODE": "100000/m", "API_RATE_LOGIN": "100000/m", "API_RATE_CHECKOUT": "100000/m"}
CODE = re.compile(r"^\s*([A-Z0-9-]{6,12})\s*$", re.MULTILINE)

_templates: dict[str, Path] = {}  # one demo template per test process, shared by every scenario module


def load_demo() -> None:
    """The demo `make run` loads, indexed for search (test settings skip indexing unless a test asks)."""
    backend = settings.WAGTAILSEARCH_BACKENDS["default"]
    with override_settings(WAGTAILSEARCH_BACKENDS={"default": {**backend, "AUTO_UPDATE": True}}):
        call_command("load_demo", stdout=None)


def warm_pictures() -> None:
    """Draw every rendition the pages and the v2 API ask for, once, so no scenario times the first drawing.

    The demo's pictures are large; a worker drawing one on its first request takes seconds, which would
    count against whichever visitor happened to come first.
    """
    from django.test import Client
    from wagtail.models import Page

    client = Client(raise_request_exception=False)
    paths = [page.url for page in Page.objects.live().specific() if page.url]
    paths += [f"/api/v2/{endpoint}/?fields=*&limit=100" for endpoint in ("images", "authors", "pages")]
    for path in paths:
        client.get(path)


def _demo_template(sqlite_template: Path, django_db_blocker, tmp_path_factory) -> Path:
    if "demo" not in _templates:
        path = copy_of(sqlite_template, tmp_path_factory.mktemp("demo") / "demo.sqlite3")
        with django_db_blocker.unblock(), default_connection_on(path):
            load_demo()
            warm_pictures()
        _templates["demo"] = path
    return _templates["demo"]


@pytest.fixture
def live_db(request, sqlite_template, django_db_blocker, tmp_path_factory, tmp_path):
    """The database this test and its servers share, as DATABASE_URL, with the demo content loaded.

    A scenario module imports it to replace the harness's empty `live_db` for its own tests.
    """
    if sqlite_template is None:  # PostgreSQL: the test database itself (transactional), demo loaded here
        url = request.getfixturevalue("file_db")
        load_demo()
        warm_pictures()
        yield url
        return
    path = copy_of(_demo_template(sqlite_template, django_db_blocker, tmp_path_factory), tmp_path / "site.sqlite3")
    with django_db_blocker.unblock(), default_connection_on(path):
        yield f"sqlite:///{path}"


def _latest_code(email: str) -> str:
    from config.models import LocalMail

    message = LocalMail.objects.filter(to__contains=email).order_by("-pk").first()
    assert message is not None, f"no e-mail reached {email}"
    found = CODE.search(message.text_body)
    assert found, message.text_body
    return found.group(1)


def sign_in(site, email: str) -> requests.Session:
    """A browser signed in as a person does: ask for a code, read it in the e-mail, type it in."""
    browser = site.client()
    asked = site.submit(browser, "/accounts/login/code/", {"email": email})
    assert asked.status_code == 302, asked.text[:500]
    confirmed = site.submit(browser, "/accounts/login/code/confirm/", {"code": _latest_code(email)})
    assert confirmed.status_code == 302, confirmed.text[:500]
    assert browser.cookies.get("sessionid")
    return browser


def app_token(site, email: str) -> str:
    """An app's session token from allauth's headless API (the code flow), for the X-Session-Token header."""
    asked = site.post("/_allauth/app/v1/auth/code/request", json={"email": email})
    pending = asked.json()["meta"]["session_token"]
    confirmed = site.post(
        "/_allauth/app/v1/auth/code/confirm", json={"code": _latest_code(email)}, headers={"X-Session-Token": pending}
    )
    assert confirmed.status_code == 200, confirmed.text[:500]
    return confirmed.json()["meta"]["session_token"]
