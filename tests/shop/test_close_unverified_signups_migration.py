"""shop migration 0008: accounts the old open sign-up made for an unproved address are closed like a purchase would."""

import importlib

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from tests.shop.factories import UserFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("shop.migrations.0008_close_unverified_signups")


def _account(email: str, *, verified: bool, used: bool, **fields):
    user = UserFactory(email=email, **fields)
    if used:
        user.set_password("known-to-whoever-signed-up")
        user.last_login = timezone.now()
    else:
        user.set_unusable_password()
    user.save()
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session.create()
    return user, session.session_key


def test_only_used_unverified_customer_accounts_are_closed():
    squatted, squatted_session = _account("victim@example.com", verified=False, used=True)
    owner, owner_session = _account("owner@example.com", verified=True, used=True)
    _untouched, untouched_session = _account("buyer@example.com", verified=False, used=False)
    editor, editor_session = _account("editor@example.com", verified=False, used=True, is_staff=True)

    EmailAddress.objects.create(user=squatted, email="squatter@example.net", verified=True)

    migration.close_unverified_used_accounts(apps, None)

    for user in (squatted, owner, editor):
        user.refresh_from_db()
    assert not squatted.has_usable_password()
    assert owner.has_usable_password()
    assert editor.has_usable_password()
    remaining = set(Session.objects.values_list("session_key", flat=True))
    assert remaining == {owner_session, untouched_session, editor_session}
    assert squatted_session not in remaining
    assert list(squatted.emailaddress_set.values_list("email", flat=True)) == ["victim@example.com"]
