"""core.accounts: one account per e-mail address."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from core.accounts import user_for_email
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
