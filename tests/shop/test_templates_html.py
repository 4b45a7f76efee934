"""Every page the shop renders passes the shared HTML validity and accessibility checks."""

import re

import pytest
from django.core import mail

from shop.models import Order
from tests.html_checks import assert_accessible_html
from tests.shop.conftest import buy
from tests.shop.factories import OrderFactory, UserFactory
from website.models import GuidePage

pytestmark = pytest.mark.django_db


def _checked(response, status: int = 200) -> str:
    assert response.status_code == status, response.content[:500]
    html = response.content.decode()
    assert_accessible_html(html)
    return html


def test_catalogue_pages_are_valid_and_accessible(client, demo_site, demo_payments):
    guide = GuidePage.objects.live().get(slug="stretching-guide")

    _checked(client.get(guide.get_parent().url))
    _checked(client.get(guide.url))
    html = _checked(client.get("/shop/buy/stretching-guide/"))
    _checked(client.get("/shop/buy/all-three-guides/"))
    for path in ("/terms/", "/refund-policy/", "/privacy/"):
        _checked(client.get(path))
        assert f'href="{path}"' in html
    _checked(client.get("/shop/buy/no-such-guide/"), status=404)


def test_owner_views_of_the_catalogue_are_valid_and_accessible(client, demo_site, demo_payments):
    guide = GuidePage.objects.live().get(slug="stretching-guide")
    owner = UserFactory()
    from shop import entitlements

    entitlements.grant(user=owner, product=guide.product, actor=entitlements.Actor.for_system(), reason="Paid.")
    client.force_login(owner)

    assert "You own this" in _checked(client.get(guide.url))
    _checked(client.get(guide.get_parent().url))
    _checked(client.get("/shop/buy/stretching-guide/"))


def test_purchase_pages_are_valid_and_accessible(client, demo_site, demo_payments, django_capture_on_commit_callbacks):
    buy_page = _checked(client.get("/shop/buy/stretching-guide/"))
    token = re.search(r'name="token" value="([0-9a-f]+)"', buy_page).group(1)
    started = client.post("/shop/buy/stretching-guide/", {"token": token, "price": "1900", "consent": "on"})
    _checked(client.get(started["Location"]))
    with django_capture_on_commit_callbacks(execute=True):
        paid = client.post(started["Location"], {"email": "reader@example.com", "consent": "on", "action": "pay"})

    _checked(client.get(paid["Location"]))
    _checked(client.get("/shop/checkout/success/?session_id=cs_test_made_up_000001"), status=404)
    _checked(client.get(started["Location"]))  # the closed demo checkout
    order = Order.objects.get()
    client.force_login(order.user)
    _checked(client.get("/learn/"))
    _checked(client.get(f"/shop/orders/{order.pk}/"))
    _checked(client.get(f"/shop/orders/{order.pk + 1}/"), status=404)
    _checked(client.get("/shop/download/not-a-real-link/"), status=403)
    assert len(mail.outbox) == 1


def test_checkout_failure_page_is_valid_and_accessible(client, fake_stripe, guide):
    fake_stripe.fail("POST", "/v1/checkout/sessions")

    _checked(buy(client, guide), status=503)
    _checked(buy(client, guide, price="1"), status=400)


def test_empty_library_and_revoked_items_are_valid_and_accessible(client):
    from shop import entitlements

    user = UserFactory()
    client.force_login(user)
    _checked(client.get("/learn/"))

    order = OrderFactory(user=user, status="paid")
    actor = entitlements.Actor.for_system()
    entitlements.grant(user=user, product=order.product, order=order, actor=actor, reason="Paid.")
    entitlements.revoke(user=user, product=order.product, actor=actor, reason="Staff: refunded.", refunded=True)

    page = _checked(client.get("/learn/"))
    assert "This purchase was refunded, so it is closed." in page
    assert "Staff: refunded." not in page


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/login/code/"])
def test_sign_in_pages_are_valid_and_accessible(client, path):
    _checked(client.get(path))


def test_sign_in_code_confirmation_page_is_valid_and_accessible(client):
    UserFactory(email="reader@example.com")

    asked = client.post("/accounts/login/code/", {"email": "reader@example.com"})

    assert asked.status_code == 302
    _checked(client.get(asked["Location"]))
