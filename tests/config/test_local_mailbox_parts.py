"""The Local mailbox shows both parts as sent: text with its line breaks and clickable links, HTML sandboxed."""

import pathlib

import pytest
from django.template.loader import render_to_string

from config.models import LocalMail
from tests.shop.factories import UserFactory

pytestmark = pytest.mark.django_db
TEMPLATES = pathlib.Path(__file__).resolve().parents[2] / "templates"


@pytest.fixture
def mail():
    return LocalMail.objects.create(
        from_email="Stephen O'Dwyer <hello@localhost>",
        to="reader@example.com",
        subject="Your receipt",
        text_body="Thank you.\n\nYour library:\nhttp://127.0.0.1:8000/shop/library/\n\nStephen O'Dwyer",
        html_body='<p style="color:#0b6b5c">Thank you</p><a href="http://127.0.0.1:8000/shop/library/">Open</a>'
        "<script>alert(1)</script>",
    )


def test_the_mail_page_shows_the_text_with_line_breaks_and_links_and_frames_the_html(admin_client, mail):
    page = admin_client.get(f"/admin/local_mailbox/inspect/{mail.pk}/").content.decode()

    assert '<a href="http://127.0.0.1:8000/shop/library/"' in page
    assert "Thank you.\n\nYour library:" in page
    assert "Stephen O&#x27;Dwyer" in page  # escaped once in the admin's HTML, shown as an apostrophe
    assert f'src="/admin/local_mailbox/inspect/{mail.pk}/html/"' in page
    assert 'sandbox="allow-popups allow-popups-to-escape-sandbox"' in page
    assert "<script>alert(1)</script>" not in page


def test_the_html_part_is_served_as_sent_under_a_sandboxing_policy(admin_client, mail):
    answer = admin_client.get(f"/admin/local_mailbox/inspect/{mail.pk}/html/")

    assert answer.status_code == 200
    assert mail.html_body in answer.content.decode()
    policy = answer["Content-Security-Policy"]
    assert "sandbox" in policy
    assert "default-src 'none'" in policy
    assert "script-src" not in policy


def test_the_html_part_is_for_staff_only(client, mail):
    client.force_login(UserFactory(email="reader@example.com"))

    answer = client.get(f"/admin/local_mailbox/inspect/{mail.pk}/html/")

    assert answer.status_code in (302, 403)
    assert mail.html_body.encode() not in answer.content


@pytest.mark.parametrize(
    "name", sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.glob("*/email/*.txt")), ids=str
)
def test_every_text_email_template_renders_apostrophes_and_ampersands_as_typed(name):
    context = dict.fromkeys(
        ("site_name", "email", "product_name", "course_title", "lesson_title", "code", "user_display"), "O'Dwyer & <Co>"
    )

    text = render_to_string(name, context)

    assert "&#x27;" not in text
    assert "&amp;" not in text
    assert "&lt;" not in text
