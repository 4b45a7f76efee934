"""Buyers sign in with a one-time code in an e-mail that speaks in the site's voice, in text and HTML."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from core import accounts

pytestmark = pytest.mark.django_db


def test_sign_in_code_email_is_branded_and_carries_the_code(client):
    accounts.user_for_email("reader@example.com")

    response = client.post(reverse("account_request_login_code"), {"email": "reader@example.com"})

    assert response.status_code == 302
    message = mail.outbox[-1]
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", message.body, re.M).group(1)
    assert message.subject == f"Your sign-in code: {code}"
    assert "Hello from" not in message.body
    assert "Stephen O'Dwyer, CNMT" in message.body
    html = {mimetype: content for content, mimetype in message.alternatives}["text/html"]
    assert code in html
    assert "Lower Back Pain Relief" in html


def test_unknown_address_is_told_plainly_and_gets_no_code(client):
    client.post(reverse("account_request_login_code"), {"email": "stranger@example.com"})

    message = mail.outbox[-1]
    assert message.subject == "No account for this address yet"
    assert "no purchases or course sign-ups for this address" in message.body
    assert not re.search(r"^[A-Z0-9]{4}-[A-Z0-9]{4}$", message.body, re.M)
