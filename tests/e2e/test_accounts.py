"""Accounts from outside: squatted addresses, staff and codes, the admin's second factor, sign-up, e-mailed links."""

import re
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.utils import timezone

from tests.api.conftest import session_token
from tests.courses.world import build_world
from tests.e2e.conftest import csrf_token
from tests.shop.factories import ProductFactory, UserFactory
from tests.totp import totp

CODE = re.compile(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", re.MULTILINE)
LINK = re.compile(r"https?://[^\s\"'<>]+")
PASSWORD = "a-long-editor-password"


def _sign_in_with_a_code(live_site, browser, email: str):
    live_site.submit(browser, "/accounts/login/code/", {"email": email})
    code = CODE.search(live_site.mail()[-1].text_body).group(1)
    return live_site.submit(browser, "/accounts/login/code/confirm/", {"code": code})


def test_an_import_for_a_squatted_address_shuts_the_squatter_out(live_db, start_live_site, tmp_path):
    # The server shares this process's key: sessions made here (the squatter's, from the old sign-up) work there.
    live_site = start_live_site(SECRET_KEY=settings.SECRET_KEY)
    product = ProductFactory(name="Stretching guide", slug="stretching-guide")
    squatter = UserFactory(email="victim@example.com", username="squatter")
    squatter.set_password("the-squatters-password")
    squatter.last_login = timezone.now()
    squatter.save()
    EmailAddress.objects.create(user=squatter, email="victim@example.com", verified=False, primary=True)
    browser, app_token = live_site.client(), session_token(squatter)
    browser.cookies.set("sessionid", session_token(squatter))
    assert live_site.get("/api/account/me", browser).json()["authenticated"] is True
    csv = Path(tmp_path / "buyers.csv")
    csv.write_text("victim@example.com,stretching-guide,2025-01-15\n")

    call_command("import_buyers", str(csv), stdout=None)

    assert live_site.get("/api/account/me", browser).json()["authenticated"] is False
    assert live_site.get("/learn/", browser).status_code == 302
    assert live_site.get("/api/library", headers={"X-Session-Token": app_token}).status_code == 401
    retry = live_site.client()
    live_site.submit(retry, "/accounts/login/", {"login": "victim@example.com", "password": "the-squatters-password"})
    assert live_site.get("/api/account/me", retry).json()["authenticated"] is False  # the password is gone
    owner = live_site.client()
    _sign_in_with_a_code(live_site, owner, "victim@example.com")
    assert product.name in live_site.get("/learn/", owner).text


def test_a_superuser_asking_for_a_code_cannot_reach_the_admin(live_db, start_live_site):
    live_site = start_live_site(SECRET_KEY=settings.SECRET_KEY)  # so this process can read the pending code
    boss = UserFactory(email="boss@example.com", is_staff=True, is_superuser=True)
    boss.set_password(PASSWORD)
    boss.save()
    browser = live_site.client()

    live_site.submit(browser, "/accounts/login/code/", {"email": "boss@example.com"})
    [message] = live_site.mail()
    pending = SessionStore(session_key=browser.cookies["sessionid"]).load()
    leaked = re.search(r"'code': '([A-Z0-9-]+)'", str(pending)).group(1)  # as if it had leaked from the server
    live_site.submit(browser, "/accounts/login/code/confirm/", {"code": leaked})

    assert not CODE.search(message.text_body)
    assert message.subject == "Sign in with your password"
    assert live_site.get("/api/account/me", browser).json()["authenticated"] is False
    admin = live_site.get("/admin/", browser)
    assert admin.status_code == 302
    assert admin.headers["Location"].startswith("/admin/login/")


def test_with_staff_require_2fa_the_admin_opens_only_after_enrolling_totp(live_db, start_live_site):
    site = start_live_site(STAFF_REQUIRE_2FA="1")
    editor = UserFactory(email="editor@example.com", is_staff=True, is_superuser=True)
    editor.set_password(PASSWORD)
    editor.save()
    browser = site.client()
    site.submit(browser, "/admin/login/", {"username": editor.username, "password": PASSWORD})

    held = site.get("/admin/pages/", browser)
    assert held.status_code == 302
    assert held.headers["Location"].startswith("/accounts/2fa/totp/activate/")
    assert site.get("/admin/pages/", browser).status_code == 302  # no admin page, however often asked
    site.submit(browser, "/accounts/reauthenticate/", {"password": PASSWORD})
    page = site.get("/accounts/2fa/totp/activate/", browser)  # each showing draws a new secret: post to this one
    secret = re.search(r"\b([A-Z2-7]{32})\b", page.text).group(1)
    enrolled = site.post(
        "/accounts/2fa/totp/activate/",
        browser,
        data={"csrfmiddlewaretoken": csrf_token(page.text), "code": totp(secret)},
        headers={"Referer": site.url + "/accounts/2fa/totp/activate/"},
    )

    assert enrolled.status_code == 302
    assert site.get("/admin/pages/", browser).status_code == 200
    other = site.client()
    site.submit(other, "/admin/login/", {"username": editor.username, "password": PASSWORD})
    assert site.get("/admin/", other).headers["Location"].startswith("/accounts/2fa/reauthenticate/")


def test_a_confirmation_link_works_once(live_db, live_site):
    world = build_world()
    visitor = live_site.client()
    course_page = live_site.get(world.free.url, visitor)
    asked = live_site.post(
        f"/learn/courses/{world.free.pk}/enrol/",
        visitor,
        data={"csrfmiddlewaretoken": csrf_token(course_page.text), "email": "new@example.com"},
        headers={"Referer": live_site.url + world.free.url},
    )
    assert asked.status_code == 200
    link = next(link for link in LINK.findall(live_site.mail()[-1].text_body) if "/learn/confirm/" in link)
    path = link.removeprefix(live_site.url)

    first, second = live_site.client(), live_site.client()
    opened = live_site.submit(first, path, {})
    again = live_site.submit(second, path, {})

    assert link.startswith(live_site.url + "/learn/confirm/")
    assert opened.status_code == 302
    assert live_site.get("/api/account/me", first).json()["authenticated"] is True
    assert again.status_code == 410
    assert live_site.get("/api/account/me", second).json()["authenticated"] is False


def _sign_up(live_site, email: str) -> tuple:
    browser = live_site.client()
    answer = live_site.submit(browser, "/accounts/signup/", {"email": email})
    following = live_site.get(answer.headers["Location"], browser)
    text = re.sub(r'value="[^"]+"', "", following.text.replace(email, "EMAIL"))
    return answer.status_code, answer.headers["Location"], following.status_code, text


def test_sign_up_with_a_taken_address_looks_like_a_new_one(live_db, live_site):
    UserFactory(email="taken@example.com")

    taken = _sign_up(live_site, "taken@example.com")
    new = _sign_up(live_site, "new@example.com")

    assert taken == new
    assert [message.to for message in live_site.mail()] == ["taken@example.com", "new@example.com"]


def test_spoofed_host_headers_do_not_change_emailed_links(live_db, start_live_site):
    site = start_live_site(BEHIND_PROXY="1")
    world = build_world()
    reader = UserFactory(email="reader@example.com")
    reader.set_password("readers-password")
    reader.save()
    spoofed = {"Host": "localhost:6666", "X-Forwarded-Host": "localhost:7777", "Content-Type": "application/json"}

    site.post("/_allauth/app/v1/auth/code/request", data='{"email": "stranger@example.com"}', headers=spoofed)
    site.post("/_allauth/app/v1/auth/password/request", data='{"email": "reader@example.com"}', headers=spoofed)
    site.post(f"/api/learning/courses/{world.free.pk}/enrol", data='{"email": "new@example.com"}', headers=spoofed)

    mails = site.mail()
    links = [link for message in mails for link in LINK.findall(message.text_body)]
    assert len(mails) == 3
    for path in ("/accounts/signup/", "/accounts/password/reset/key/", "/learn/confirm/"):
        assert any(path in link for link in links), (path, links)
    assert all(link.startswith(site.url + "/") for link in links), links
