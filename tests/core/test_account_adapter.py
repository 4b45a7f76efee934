"""core.account_adapter: no staff sign-in by code, no account revealed, e-mailed links name the configured site."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from core import accounts
from tests.shop.factories import UserFactory

pytestmark = pytest.mark.django_db

CODE = re.compile(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", re.MULTILINE)
SPOOFED = {"HTTP_HOST": "localhost:6666"}  # an allowed host name on a port of the attacker's choosing


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth counts e-mails per address in the cache, which outlives one test."""
    cache.clear()


@pytest.fixture
def superuser():
    user = UserFactory(email="boss@example.com", is_staff=True, is_superuser=True)
    user.set_password("a-long-editor-password")
    user.save()
    return user


def _leaked_code(session) -> str:
    """The code allauth keeps in the pending login, as if it had leaked (it is never e-mailed to staff)."""

    def walk(value):
        if isinstance(value, dict):
            if isinstance(value.get("code"), str):
                return value["code"]
            return next((found for item in value.values() if (found := walk(item))), None)
        if isinstance(value, list):
            return next((found for item in value if (found := walk(item))), None)
        return None

    return walk(dict(session.items()))


def test_a_superuser_asking_for_a_code_gets_none_and_is_told_to_use_the_password(client, superuser):
    response = client.post(reverse("account_request_login_code"), {"email": superuser.email})

    assert response.status_code == 302  # the same answer as for anyone else
    [message] = mail.outbox
    assert message.subject == "Sign in with your password"
    assert "http://testserver/admin/login/" in message.body
    assert not CODE.search(message.body)


def test_a_leaked_code_still_does_not_sign_a_superuser_in(client, superuser):
    client.post(reverse("account_request_login_code"), {"email": superuser.email})
    code = _leaked_code(client.session)

    client.post(reverse("account_confirm_login_code"), {"code": code})

    assert SESSION_KEY not in client.session
    assert client.get("/admin/").status_code == 302


def test_a_leaked_code_does_not_sign_a_superuser_in_through_the_app_api(client, superuser):
    requested = client.post(
        "/_allauth/app/v1/auth/code/request", {"email": superuser.email}, content_type="application/json"
    )
    pending = requested.json()["meta"]["session_token"]
    code = _leaked_code(SessionStore(session_key=pending))

    confirmed = client.post(
        "/_allauth/app/v1/auth/code/confirm",
        {"code": code},
        content_type="application/json",
        headers={"X-Session-Token": pending},
    )

    assert confirmed.status_code == 401
    assert "session_token" not in confirmed.json().get("meta", {})


def test_signing_in_with_a_code_verifies_the_address(client):
    buyer = accounts.user_for_email("reader@example.com")
    client.post(reverse("account_request_login_code"), {"email": "reader@example.com"})
    code = CODE.search(mail.outbox[-1].body).group(1)

    client.post(reverse("account_confirm_login_code"), {"code": code})

    assert client.session[SESSION_KEY] == str(buyer.pk)
    assert accounts.has_verified_email(user=buyer, email="reader@example.com")


def test_open_sign_up_neither_signs_in_nor_makes_a_usable_account_without_the_code(client):
    response = client.post(reverse("account_signup"), {"email": "victim@example.com"})

    assert response.status_code == 302
    assert SESSION_KEY not in client.session
    assert not EmailAddress.objects.filter(email="victim@example.com", verified=True).exists()
    assert client.get(reverse("account_set_password")).status_code == 302  # to the sign-in page


def _answers(client, email):
    client.cookies.clear()
    response = client.post(reverse("account_signup"), {"email": email})
    return response.status_code, response.get("Location"), client.get(response["Location"]).status_code


def test_html_sign_up_answers_the_same_for_a_taken_address(client):
    UserFactory(email="taken@example.com")

    assert _answers(client, "taken@example.com") == _answers(client, "new@example.com")
    assert get_user_model().objects.filter(email__iexact="taken@example.com").count() == 1


def _headless_signup(client, email):
    client.cookies.clear()
    response = client.post("/_allauth/app/v1/auth/signup", {"email": email}, content_type="application/json")
    body = response.json()
    body.get("meta", {}).pop("session_token", None)
    return response.status_code, body


def test_headless_sign_up_answers_the_same_for_a_taken_address(client):
    UserFactory(email="taken@example.com")

    assert _headless_signup(client, "taken@example.com") == _headless_signup(client, "new@example.com")


def test_password_reset_answers_the_same_for_a_known_address(client):
    UserFactory(email="known@example.com")

    known = client.post(reverse("account_reset_password"), {"email": "known@example.com"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])


def _links(message) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>]+", message.body)


def test_a_password_reset_link_names_the_configured_site_not_the_request_host(client):
    user = UserFactory(email="reader@example.com")
    user.set_password("readers-password")
    user.save()

    client.post(reverse("account_reset_password"), {"email": "reader@example.com"}, **SPOOFED)

    [message] = mail.outbox
    assert _links(message)
    assert all(link.startswith("http://testserver/") for link in _links(message))


def test_the_unknown_address_e_mail_links_to_the_configured_site(client):
    client.post(reverse("account_request_login_code"), {"email": "stranger@example.com"}, **SPOOFED)

    [message] = mail.outbox
    assert "http://testserver/accounts/signup/" in message.body
    assert "6666" not in message.body


def test_the_account_exists_e_mail_links_to_the_configured_site(client):
    UserFactory(email="taken@example.com")

    client.post(reverse("account_signup"), {"email": "taken@example.com"}, **SPOOFED)

    [message] = mail.outbox
    assert message.subject == "You already have an account"
    assert _links(message) == ["http://testserver/accounts/login/code/"]


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [("203.0.113.9, 10.0.0.2", "203.0.113.9"), ("10.0.0.2", "10.0.0.2"), ("", "127.0.0.1")],
)
def test_allauth_counts_the_same_client_as_our_limits(settings, rf, forwarded, expected):
    from allauth.account.adapter import get_adapter

    from config.api import ratelimit

    settings.TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    request = rf.post("/accounts/login/code/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="127.0.0.1")

    assert get_adapter(request).get_client_ip(request) == ratelimit.client_ip(request) == expected
