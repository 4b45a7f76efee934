"""The account page from outside: export, address change, signing out elsewhere and deletion, through gunicorn."""

import re

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model

from core.models import DeletionLog
from courses.models import Enrolment, LessonCompletion
from shop.models import Entitlement, Order
from tests.api.conftest import session_token
from tests.courses.people import STAFF_NOTE, make_person
from tests.courses.world import build_world
from tests.e2e.conftest import csrf_token

CODE = re.compile(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", re.MULTILINE)
LINK = re.compile(r"https?://[^\s\"'<>]+")


def _sign_in(live_site, email: str):
    browser = live_site.client()
    live_site.submit(browser, "/accounts/login/code/", {"email": email})
    code = CODE.search(live_site.mail()[-1].text_body).group(1)
    live_site.submit(browser, "/accounts/login/code/confirm/", {"code": code})
    assert live_site.get("/api/account/me", browser).json()["authenticated"] is True
    return browser


def test_the_export_holds_each_kind_and_nobody_else(live_db, live_site):
    world = build_world()
    person = make_person(world, email="sam@example.com")
    make_person(world, email="jimsam@example.com")
    browser = _sign_in(live_site, "sam@example.com")

    page = live_site.get("/account/", browser)
    answer = live_site.get("/account/export/", browser)

    assert page.status_code == 200
    assert "Your account" in page.text
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    data = answer.json()
    assert data["account"]["email"] == "sam@example.com"
    assert data["account"]["last_login"]
    assert data["orders"][0]["number"] == person.order.number
    assert data["entitlements"][0]["history"][1]["staff_note"] == STAFF_NOTE
    assert len(data["enrolments"]) == 2
    assert data["lesson_progress"][0]["lesson"] == "Paid Lesson"
    assert data["name_on_certificates"] == "Sam Bright"
    assert data["certificates"]
    assert data["consents"]
    assert data["emails_sent"]["outbox"]
    assert any("Sign in" in mail["subject"] or "code" in mail["text"] for mail in data["emails_sent"]["local_mailbox"])
    assert data["signed_in_sessions"] == 1
    assert "jimsam" not in answer.text


def test_signing_out_everywhere_else_ends_other_browsers_and_app_tokens(live_db, start_live_site):
    live_site = start_live_site(SECRET_KEY=settings.SECRET_KEY)  # so the server reads the app token made here
    build_world()
    user = get_user_model().objects.create(username="sam@example.com", email="sam@example.com")
    EmailAddress.objects.create(user=user, email="sam@example.com", verified=True, primary=True)
    here = _sign_in(live_site, "sam@example.com")
    there = _sign_in(live_site, "sam@example.com")
    app_token = session_token(user)

    page = live_site.get("/account/", here)
    answer = live_site.post(
        "/account/sessions/sign-out-others/",
        here,
        data={"csrfmiddlewaretoken": csrf_token(page.text)},
        headers={"Referer": live_site.url + "/account/"},
    )

    assert "also signed in on 2 other" in page.text
    assert answer.status_code == 302
    assert live_site.get("/api/account/me", here).json()["authenticated"] is True
    assert live_site.get("/api/account/me", there).json()["authenticated"] is False
    assert live_site.get("/api/library", headers={"X-Session-Token": app_token}).status_code == 401


def test_the_address_changes_only_once_the_new_one_is_verified(live_db, live_site):
    build_world()
    user = get_user_model().objects.create(username="old@example.com", email="old@example.com")
    EmailAddress.objects.create(user=user, email="old@example.com", verified=True, primary=True)
    browser = _sign_in(live_site, "old@example.com")

    added = live_site.submit(browser, "/accounts/email/", {"email": "new@example.com", "action_add": ""})
    user.refresh_from_db()
    assert added.status_code == 302
    assert user.email == "old@example.com"  # not yet
    message = live_site.mail()[-1]
    assert message.to == "new@example.com"
    code = CODE.search(message.text_body).group(1)
    confirmed = live_site.submit(browser, added.headers["Location"], {"code": code})

    user.refresh_from_db()
    assert confirmed.status_code == 302
    assert (user.email, user.username) == ("new@example.com", "new@example.com")
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified")) == [("new@example.com", True)]
    assert "new@example.com" in live_site.get("/account/", browser).text


def test_deletion_by_the_emailed_link_takes_the_person_and_keeps_the_orders(live_db, live_site):
    world = build_world()
    person = make_person(world, email="sam@example.com")
    browser = _sign_in(live_site, "sam@example.com")
    page = live_site.get("/account/", browser)

    asked = live_site.post(
        "/account/delete/",
        browser,
        data={"csrfmiddlewaretoken": csrf_token(page.text)},
        headers={"Referer": live_site.url + "/account/"},
    )
    assert asked.status_code == 200
    assert "Check your e-mail" in asked.text
    message = live_site.mail()[-1]
    assert message.to == "sam@example.com"
    link = next(link for link in LINK.findall(message.text_body) if "/account/delete/confirm/" in link)
    assert link.startswith(live_site.url)
    path = link.removeprefix(live_site.url)
    shown = live_site.get(path, browser)
    assert shown.status_code == 200
    assert get_user_model().objects.filter(pk=person.user.pk).exists()  # opening the link deletes nothing

    done = live_site.post(
        path, browser, data={"csrfmiddlewaretoken": csrf_token(shown.text)}, headers={"Referer": link}
    )

    assert done.status_code == 200
    assert "Your account is deleted" in done.text
    assert not get_user_model().objects.filter(pk=person.user.pk).exists()
    for model in (Enrolment, LessonCompletion, Entitlement, EmailAddress):
        assert not model.objects.filter(user_id=person.user.pk).exists()
    order = Order.objects.get(pk=person.order.pk)
    assert (order.user_id, order.email, order.amount_paid) == (None, "sam@example.com", 9700)
    assert DeletionLog.objects.count() == 1
    assert not [mail for mail in live_site.mail() if mail.to == "sam@example.com"]
    assert live_site.get("/api/account/me", browser).json()["authenticated"] is False
    assert live_site.get(path).status_code == 400  # the link is spent
    # Signing in again with the address opens no old data: there is no account for it any more.
    again = live_site.client()
    live_site.submit(again, "/accounts/login/code/", {"email": "sam@example.com"})
    assert not CODE.search(live_site.mail()[-1].text_body)
    assert live_site.get("/api/account/me", again).json()["authenticated"] is False
    assert live_site.get(f"/shop/orders/{person.order.pk}/", again).status_code == 302
