"""config.staff_2fa: the admin asks staff for TOTP once enrolled, and STAFF_REQUIRE_2FA makes enrolling mandatory."""

import base64
import secrets

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.urls import reverse

from tests.shop.factories import UserFactory
from tests.totp import totp

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-editor-password"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def editor():
    user = UserFactory(email="editor@example.com", is_staff=True, is_superuser=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def _sign_in_to_the_admin(client, user):
    response = client.post(reverse("wagtailadmin_login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def _enrol(user) -> str:
    secret = base64.b32encode(secrets.token_bytes(20)).decode()
    TOTP.activate(user, secret)
    return secret


def test_without_the_setting_staff_without_totp_open_the_admin(client, settings, editor):
    settings.STAFF_REQUIRE_2FA = False
    _sign_in_to_the_admin(client, editor)

    assert client.get("/admin/").status_code == 200


def test_with_the_setting_staff_without_totp_are_sent_to_enrol(client, settings, editor):
    settings.STAFF_REQUIRE_2FA = True
    _sign_in_to_the_admin(client, editor)

    response = client.get("/admin/pages/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/?next=%2Fadmin%2Fpages%2F"


def test_an_editor_by_group_is_held_too(client, settings):
    settings.STAFF_REQUIRE_2FA = True
    group = Group.objects.create(name="Backcare writers")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user = UserFactory(email="writer@example.com")
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(group)
    _sign_in_to_the_admin(client, user)

    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("required", [False, True])
def test_staff_with_totp_pass_it_before_any_admin_page(client, settings, editor, required):
    settings.STAFF_REQUIRE_2FA = required
    secret = _enrol(editor)
    _sign_in_to_the_admin(client, editor)

    held = client.get("/admin/")
    passed = client.post(held["Location"], {"code": totp(secret)})

    assert held.status_code == 302
    assert held["Location"].startswith("/accounts/2fa/reauthenticate/")
    assert passed.status_code == 302
    assert passed["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_opens_nothing(client, settings, editor):
    settings.STAFF_REQUIRE_2FA = True
    _enrol(editor)
    _sign_in_to_the_admin(client, editor)

    client.post("/accounts/2fa/reauthenticate/?next=/admin/", {"code": "000000"})

    assert client.get("/admin/").status_code == 302


def test_enrolling_totp_opens_the_admin(client, settings, editor):
    settings.STAFF_REQUIRE_2FA = True
    _sign_in_to_the_admin(client, editor)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret

    enrolled = client.post(reverse("mfa_activate_totp"), {"code": totp(secret)})

    assert enrolled.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_signing_in_to_the_admin_page_itself_is_never_held(client, settings):
    settings.STAFF_REQUIRE_2FA = True

    assert client.get(reverse("wagtailadmin_login")).status_code == 200
