"""Consent where people give it: the double opt-in form, the boxes at checkout and free sign-up, the account."""

import re

from django.core import signing
from django.utils import timezone

from courses import enrolment
from courses.models import Enrolment
from newsletter import consent
from newsletter.models import Subscriber
from shop.models import Order
from tests.courses.factories import UserFactory
from tests.newsletter.conftest import subscriber


def _link(message) -> str:
    return re.search(r"https?://\S+/newsletter/confirm/\S+/", message.body)[0]


def test_the_form_only_sends_a_confirmation_link(db, client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/newsletter/", {"email": "reader@example.com"})

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    assert [m.to for m in mailoutbox] == [["reader@example.com"]]
    assert not Subscriber.objects.filter(consent_at__isnull=False).exists()


def test_opening_the_link_asks_and_pressing_confirm_subscribes(
    db, client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/newsletter/", {"email": "reader@example.com"})
    path = _link(mailoutbox[0]).split("8000", 1)[-1]

    assert client.get(path).status_code == 200
    assert not Subscriber.objects.filter(consent_at__isnull=False).exists()
    assert client.post(path).status_code == 200

    person = Subscriber.objects.get(email="reader@example.com")
    assert person.subscribed
    assert person.consent_source == Subscriber.Source.FORM


def test_a_confirmation_link_for_another_address_cannot_be_forged(db, client):
    forged = signing.dumps({"email": "victim@example.com", "at": 0}, salt="some.other.salt")

    response = client.post(f"/newsletter/confirm/{forged}/")

    assert response.status_code == 400
    assert not Subscriber.objects.exists()


def test_a_malformed_address_is_a_form_error(db, client, mailoutbox):
    response = client.post("/newsletter/", {"email": "not-an-address"})

    assert response.status_code == 400
    assert mailoutbox == []


def test_the_checkout_box_is_unticked_and_stored_on_the_order(db, client, settings):
    from tests.shop.factories import ProductFactory

    settings.SHOP_DEMO = True
    product = ProductFactory(slug="stretching", active=True)
    page = client.get(f"/shop/buy/{product.slug}/").content.decode()
    assert re.search(r'<input id="buy-newsletter" type="checkbox" name="newsletter">', page)

    client.post(
        f"/shop/buy/{product.slug}/",
        {"token": "a" * 32, "price": product.price_amount, "consent": "on", "newsletter": "on"},
    )
    client.post(
        f"/shop/buy/{product.slug}/",
        {"token": "b" * 32, "price": product.price_amount, "consent": "on"},
    )

    assert dict(Order.objects.values_list("checkout_token", "wants_newsletter")) == {"a" * 32: True, "b" * 32: False}


def test_the_free_course_box_travels_in_the_signed_link(world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enrolment.request_enrolment(email="student@example.com", course=world.free, newsletter=True)
    token = re.search(r"/learn/confirm/([^/\s]+)/", mailoutbox[0].body)[1]

    confirmation = enrolment.confirm(token=token)
    consent.sync_consents()

    assert Enrolment.objects.get(pk=confirmation.enrolment.pk).wants_newsletter
    assert Subscriber.objects.get(email="student@example.com").consent_source == Subscriber.Source.FREE_COURSE


def test_a_free_sign_up_without_the_tick_gives_no_consent(world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enrolment.request_enrolment(email="student@example.com", course=world.free)
    token = re.search(r"/learn/confirm/([^/\s]+)/", mailoutbox[0].body)[1]

    enrolment.confirm(token=token)
    consent.sync_consents()

    assert not Subscriber.objects.exists()


def test_a_person_changes_it_on_their_account(db, client):
    user = UserFactory(email="me@example.com")
    client.force_login(user)

    assert 'name="newsletter">' in client.get("/newsletter/preferences/").content.decode()
    client.post("/newsletter/preferences/", {"newsletter": "on"})
    assert Subscriber.objects.get(email="me@example.com").subscribed
    assert "checked" in client.get("/newsletter/preferences/").content.decode()

    client.post("/newsletter/preferences/", {})
    assert not Subscriber.objects.get(email="me@example.com").subscribed


def test_the_account_page_links_to_the_preferences(db, client):
    client.force_login(UserFactory())

    assert 'href="/newsletter/preferences/"' in client.get("/account/").content.decode()


def test_preferences_need_a_sign_in(db, client):
    subscriber("someone@example.com", consent_at=timezone.now())

    response = client.post("/newsletter/preferences/", {})

    assert response.status_code == 302
    assert Subscriber.objects.get(email="someone@example.com").subscribed


def test_the_headless_checkout_and_enrolment_take_the_box_too(world, client, settings):
    from tests.api.conftest import session_token
    from tests.shop.factories import ProductFactory

    settings.SHOP_DEMO = True
    buyer = UserFactory()
    guide = ProductFactory(slug="api-guide")
    headers = {"X-Session-Token": session_token(buyer)}

    bought = client.post(
        "/api/checkout",
        {"product": guide.slug, "consent": True, "newsletter": True},
        content_type="application/json",
        headers=headers,
    )
    enrolled = client.post(
        f"/api/learning/courses/{world.free.pk}/enrol",
        {"newsletter": True},
        content_type="application/json",
        headers=headers,
    )

    assert bought.status_code == 201
    assert Order.objects.get(pk=bought.json()["order_id"]).wants_newsletter
    assert enrolled.status_code in (200, 201)
    assert Enrolment.objects.get(user=buyer, course=world.free).wants_newsletter
