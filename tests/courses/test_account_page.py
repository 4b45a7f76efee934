"""The account page (/account/): what a signed-in person sees and can do there."""

import json

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.urls import reverse

from core import accounts
from tests.api.conftest import session_token
from tests.courses.factories import UserFactory
from tests.courses.people import make_person


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    answer = client.get("/account/")

    assert answer.status_code == 302
    assert answer["Location"].startswith("/accounts/login/")


def test_the_page_shows_address_name_orders_and_the_way_out(client, world):
    person = make_person(world, email="sam@example.com")
    client.force_login(person.user)

    page = client.get("/account/").content.decode()

    assert "sam@example.com" in page
    assert reverse("account_email") in page
    assert 'value="Sam Bright"' in page
    assert person.order.number in page
    assert reverse("shop:order_detail", args=[person.order.pk]) in page
    assert "Sign out everywhere else" in page
    assert "spam" in page
    assert reverse("account:export") in page
    assert "E-mail me a link to delete my account" in page


def test_staff_are_told_they_cannot_delete_here(client, db):
    editor = UserFactory(email="editor@example.com", is_staff=True)
    client.force_login(editor)

    page = client.get("/account/").content.decode()
    refused = client.post("/account/delete/")

    assert "E-mail me a link" not in page
    assert refused.status_code == 403
    assert "editor account" in refused.content.decode()
    assert get_user_model().objects.filter(pk=editor.pk).exists()


def test_signing_out_elsewhere_keeps_only_this_browser(client, db):
    user = UserFactory(email="sam@example.com")
    other_user = UserFactory(email="other@example.com")
    client.force_login(user)
    app_token, elsewhere, someone_else = session_token(user), session_token(user), session_token(other_user)

    answer = client.post("/account/sessions/sign-out-others/")

    assert answer.status_code == 302
    assert not Session.objects.filter(session_key__in=[app_token, elsewhere]).exists()
    assert Session.objects.filter(session_key=someone_else).exists()
    page = client.get("/account/")  # still signed in here
    assert page.status_code == 200
    assert "Signed out everywhere else (2)." in page.content.decode()


def test_the_export_is_a_json_download(client, world):
    person = make_person(world, email="sam@example.com")
    client.force_login(person.user)

    answer = client.get("/account/export/")

    assert answer["Content-Type"].startswith("application/json")
    assert answer["Content-Disposition"].startswith('attachment; filename="my-data-')
    assert "no-store" in answer["Cache-Control"]
    assert json.loads(answer.content)["account"]["email"] == "sam@example.com"


def test_a_bad_deletion_link_is_a_clear_400(client, db):
    answer = client.get("/account/delete/confirm/not-a-token/")

    assert answer.status_code == 400
    assert "Ask for a new one" in answer.content.decode()


def test_the_code_help_page_is_open_to_everyone(client, db):
    answer = client.get("/account/code-help/")

    assert answer.status_code == 200
    assert "spam" in answer.content.decode()


def test_a_verified_change_of_address_moves_the_derived_username(db):
    user = UserFactory(email="old@example.com", username="old@example.com")
    user.email = "New@example.com"  # allauth has made the verified new address the account's own
    user.save()

    assert accounts.follow_address_change(user=user, old_email="old@example.com", new_email="New@example.com")

    user.refresh_from_db()
    assert user.username == "new@example.com"
    assert accounts.user_for_email("old@example.com").pk != user.pk  # a later buyer with the old address is not them


def test_a_staff_username_does_not_follow_the_address(db):
    editor = UserFactory(email="old@example.com", username="admin", is_staff=True)

    assert not accounts.follow_address_change(user=editor, old_email="old@example.com", new_email="new@example.com")
    editor.refresh_from_db()
    assert editor.username == "admin"
