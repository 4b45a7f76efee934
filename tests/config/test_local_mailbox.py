"""Embedded mode keeps outgoing e-mail in a local mailbox that staff read in the admin."""

from django.core import mail
from django.test import override_settings

from config.models import LocalMail

LOCAL = {"default": {"BACKEND": "config.mail.LocalMailboxBackend"}}


def test_local_mailbox_stores_text_and_html(db):
    message = mail.EmailMultiAlternatives("Your receipt", "Plain words", "shop@example.com", ["buyer@example.com"])
    message.attach_alternative("<p>Rich words</p>", "text/html")

    with override_settings(MAILERS=LOCAL):
        sent = mail.mailers.default.send_messages([message])

    assert sent == 1
    stored = LocalMail.objects.get()
    assert (stored.subject, stored.to, stored.text_body, stored.html_body) == (
        "Your receipt",
        "buyer@example.com",
        "Plain words",
        "<p>Rich words</p>",
    )


def test_staff_read_the_local_mailbox_in_the_admin(admin_client):
    LocalMail.objects.create(from_email="a@example.com", to="b@example.com", subject="Sign-in code", text_body="123")

    response = admin_client.get("/admin/local_mailbox/")

    assert response.status_code == 200
    assert "Sign-in code" in response.content.decode()


def test_local_mailbox_is_read_only_in_the_admin(admin_client):
    mail_row = LocalMail.objects.create(from_email="a@example.com", to="b@example.com", subject="Receipt")

    add = admin_client.post(
        "/admin/local_mailbox/new/", {"from_email": "x@example.com", "to": "y@example.com", "subject": "Forged"}
    )
    edit = admin_client.post(
        f"/admin/local_mailbox/edit/{mail_row.pk}/", {"from_email": "x@example.com", "to": "y", "subject": "Changed"}
    )
    inspect = admin_client.get(f"/admin/local_mailbox/inspect/{mail_row.pk}/")

    assert add.status_code != 200
    assert edit.status_code != 200
    assert list(LocalMail.objects.values_list("subject", flat=True)) == ["Receipt"]
    assert inspect.status_code == 200
    assert "Receipt" in inspect.content.decode()
