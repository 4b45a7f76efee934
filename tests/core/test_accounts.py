"""core.accounts: one account per e-mail address."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.accounts import user_for_email
from tests.api.conftest import session_token
from tests.shop.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_existing_user_is_found_whatever_the_case():
    existing = UserFactory(email="Ann.Reader@Example.com", username="ann")

    assert user_for_email("ann.reader@example.COM") == existing


def test_new_address_creates_a_user_without_a_usable_password():
    user = user_for_email(" new.buyer@example.com ")

    assert user.email == "new.buyer@example.com"
    assert not user.has_usable_password()
    assert get_user_model().objects.count() == 1


def test_second_call_creates_no_second_user():
    first = user_for_email("twice@example.com")

    assert user_for_email("TWICE@example.com") == first
    assert get_user_model().objects.count() == 1


def test_invalid_address_is_refused():
    with pytest.raises(ValidationError):
        user_for_email("not-an-address")
    assert get_user_model().objects.count() == 0


def _pre_registered(email: str):
    """An account someone opened with this address through the old open sign-up: a password, signed in, unverified."""
    user = UserFactory(email=email, username="squatter")
    user.set_password("attacker-knows-this")
    user.last_login = timezone.now()
    user.save()
    EmailAddress.objects.create(user=user, email=email, verified=False, primary=True)
    return user


def test_a_used_unverified_account_is_signed_out_everywhere_and_loses_its_password():
    squatter = _pre_registered("victim@example.com")
    browser, app = session_token(squatter), session_token(squatter)
    someone_else = session_token(UserFactory())

    user = user_for_email("Victim@example.com")

    user.refresh_from_db()
    assert user == squatter
    assert not user.has_usable_password()
    assert not Session.objects.filter(session_key__in=[browser, app]).exists()
    assert Session.objects.filter(session_key=someone_else).exists()


def test_an_account_whose_address_was_verified_is_used_as_it_is():
    owner = UserFactory(email="owner@example.com")
    owner.set_password("owners-password")
    owner.last_login = timezone.now()
    owner.save()
    EmailAddress.objects.create(user=owner, email="owner@example.com", verified=True, primary=True)
    session = session_token(owner)

    assert user_for_email("owner@example.com") == owner

    owner.refresh_from_db()
    assert owner.check_password("owners-password")
    assert Session.objects.filter(session_key=session).exists()


def test_an_account_nobody_used_yet_is_used_as_it_is():
    first = user_for_email("fresh@example.com")
    session = session_token(first)

    assert user_for_email("fresh@example.com") == first
    assert Session.objects.filter(session_key=session).exists()


def test_a_staff_account_is_never_closed_by_a_purchase():
    editor = UserFactory(email="editor@example.com", is_staff=True)
    editor.set_password("editor-password")
    editor.last_login = timezone.now()
    editor.save()
    session = session_token(editor)

    assert user_for_email("editor@example.com") == editor

    editor.refresh_from_db()
    assert editor.check_password("editor-password")
    assert Session.objects.filter(session_key=session).exists()


def test_a_closed_account_loses_the_openers_other_addresses_and_authenticators():
    squatter = _pre_registered("victim@example.com")
    EmailAddress.objects.create(user=squatter, email="squatter@example.net", verified=True, primary=False)
    Authenticator.objects.create(user=squatter, type=Authenticator.Type.TOTP, data={"secret": "x"})

    user_for_email("victim@example.com")

    assert list(EmailAddress.objects.filter(user=squatter).values_list("email", flat=True)) == ["victim@example.com"]
    assert not Authenticator.objects.filter(user=squatter).exists()
