"""The newsletter in the admin: an issue previewed as the e-mail it will be, and sent to a segment."""

import re

import pytest

from newsletter.models import Send
from tests.newsletter.conftest import subscriber
from tests.shop.factories import OrderFactory, ProductFactory


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw")
    client.force_login(user)
    return user


def test_the_preview_is_the_e_mail_with_absolute_links(issue, client, editor, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://backcare.example"
    url = f"/admin/snippets/newsletter/newsletterissue/preview/{issue.pk}/"
    form = {
        "title": issue.title,
        "subject": issue.subject,
        "preheader": issue.preheader,
        "body-count": "1",
        "body-0-type": "paragraph",
        "body-0-value": '{"blocks":[{"key":"a","text":"Hello readers","type":"unstyled","depth":0,'
        '"inlineStyleRanges":[],"entityRanges":[]}],"entityMap":{}}',
        "body-0-deleted": "",
        "body-0-order": "0",
        "body-0-id": "b0",
    }
    assert client.post(url, form).json()["is_valid"]

    html = client.get(url, {"mode": ""}).content.decode()
    text = client.get(url, {"mode": "text"}).content.decode()

    assert "Hello readers" in html
    assert "Unsubscribe with one click" in html
    assert "Hello readers" in text
    assert "Unsubscribe with one click:" in text


def test_the_rendered_body_makes_site_links_absolute(issue, settings):
    from newsletter import rendering

    settings.WAGTAILADMIN_BASE_URL = "https://backcare.example"

    message = rendering.preview(issue=issue)

    assert 'href="https://backcare.example/articles/stiff-mornings/"' in message.html
    assert "the article (https://backcare.example/articles/stiff-mornings/) & try it." in message.text
    assert "Open the guide: https://example.com/guides/stretching/" in message.text
    assert "> Slow is smooth." in message.text


def test_the_send_form_counts_then_sends_to_buyers_of_a_product(issue, client, editor):
    guide = ProductFactory()
    OrderFactory(product=guide, status="paid", email="buyer@example.com")
    subscriber("buyer@example.com")
    subscriber("reader@example.com")
    url = f"/admin/newsletter/send/{issue.pk}/"

    counted = client.post(url, {"segment": "product", "product": guide.pk}).content.decode()
    assert re.search(r"<strong>1</strong> people will receive", counted)
    response = client.post(url, {"segment": "product", "product": guide.pk, "confirmed": "1"})

    send = Send.objects.get()
    assert response.status_code == 302
    assert list(send.deliveries.values_list("subscriber__email", flat=True)) == ["buyer@example.com"]


def test_a_product_segment_needs_a_product(issue, client, editor):
    response = client.post(f"/admin/newsletter/send/{issue.pk}/", {"segment": "product", "confirmed": "1"})

    assert response.status_code == 200
    assert not Send.objects.exists()


def test_the_issue_listing_offers_send(issue, client, editor):
    page = client.get("/admin/snippets/newsletter/newsletterissue/").content.decode()

    assert f"/admin/newsletter/send/{issue.pk}/" in page


def test_people_without_the_permission_cannot_send(issue, client, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("ed", "ed@example.com", "pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)

    response = client.post(f"/admin/newsletter/send/{issue.pk}/", {"segment": "everyone", "confirmed": "1"})

    assert response.status_code in (302, 403)
    assert not Send.objects.exists()


def test_sends_and_consent_cannot_be_made_up_in_the_admin(db, client, editor):
    assert client.get("/admin/snippets/newsletter/send/add/").status_code in (302, 403)
    assert client.get("/admin/snippets/newsletter/subscriber/add/").status_code in (302, 403)
    assert client.get("/admin/snippets/newsletter/send/").status_code == 200
    assert client.get("/admin/snippets/newsletter/subscriber/").status_code == 200
