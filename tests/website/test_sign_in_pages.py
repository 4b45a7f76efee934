"""django-allauth's pages (templates/account/, templates/allauth/) in the site's voice and frame."""

import re

import pytest

from tests.courses.factories import UserFactory
from tests.html_checks import assert_accessible_html, inline_code_problems

ALLAUTH_DEFAULTS = ["please sign up", "Remember Me:", "Request Code", "Other sign-in options", "Sign Up"]


def _page(response) -> str:
    html = response.content.decode()
    assert response.status_code == 200
    assert '<header class="site-header">' in html  # the site's own frame, not allauth's bare page
    assert '<footer class="site-footer">' in html
    for default in ALLAUTH_DEFAULTS:
        assert default not in html, default
    assert_accessible_html(html)
    assert inline_code_problems(html) == []
    return html


def test_sign_in_page_asks_only_for_the_address_and_says_no_account_is_needed(client, db):
    html = _page(client.get("/accounts/login/"))

    form = re.search(r'<form class="stack-form" method="post" action="/accounts/login/">.*?</form>', html, re.S)
    assert '<button class="button" type="submit">E-mail me a code</button>' in form.group(0)
    assert '<label for="id_login">Your e-mail address</label>' in form.group(0)
    assert 'name="password"' not in html
    assert "No password needed" in html
    assert "You never need an account before you buy" in html
    assert "Keep me signed in on this device" in html


def test_signing_in_sends_a_code_to_the_address(client, db):
    UserFactory(email="reader@example.com")

    response = client.post("/accounts/login/", {"login": "reader@example.com"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/code/confirm/")


@pytest.mark.parametrize("path", ["/accounts/login/code/", "/accounts/signup/", "/accounts/password/reset/"])
def test_entrance_pages_speak_in_the_sites_voice(client, db, path):
    html = _page(client.get(path))

    assert re.search(r'<button class="button"[^>]*type="submit"', html)


def test_code_confirmation_has_one_main_button_and_cancel_as_a_link(client, db):
    UserFactory(email="reader@example.com")
    asked = client.post("/accounts/login/code/", {"email": "reader@example.com"})

    html = _page(client.get(asked["Location"]))

    actions = re.search(r'<div class="form-actions">(.*?)</div>', html, re.S).group(1)
    assert re.findall(r'class="button"', actions) == ['class="button"']
    assert '<button class="button" type="submit">Sign in</button>' in actions
    assert re.search(r'<(button|a) class="link-button"[^>]*>Cancel<', actions)
    assert "Didn't get a code?" in html


def test_signed_in_pages_sign_out_and_addresses_are_in_the_frame(client, db):
    client.force_login(UserFactory(email="reader@example.com"))

    sign_out = _page(client.get("/accounts/logout/"))
    addresses = _page(client.get("/accounts/email/"))

    assert '<button class="button" type="submit">Sign out</button>' in sign_out
    assert '<a class="link-button" href="/">Stay signed in</a>' in sign_out
    assert "e-mail</span> address</h1>" in addresses
