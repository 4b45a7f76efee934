"""Staff notes stay in the shop's records; customers read a message written for them (issue 11, defect 3)."""

import pytest

from config.models import LocalMail
from shop import customers, entitlements, library
from shop.entitlements import Actor
from shop.models import CustomerMessage, Entitlement, EntitlementChange
from tests.shop.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

STAFF_NOTE = "Testing: customer asked to cancel"


def _owned(user, product):
    entitlements.grant(user=user, product=product, actor=Actor.for_system(), reason="Paid.")


def test_a_staff_revoke_keeps_the_note_for_staff_and_shows_the_chosen_message(staff):
    admin, client = staff
    buyer, product = UserFactory(), ProductFactory()
    _owned(buyer, product)

    answer = client.post(
        f"/admin/shop/customers/{buyer.pk}/access/",
        {"product": product.pk, "action": "revoke", "reason": STAFF_NOTE, "message": "cancelled"},
    )

    assert answer.status_code == 302
    row = Entitlement.objects.get(user=buyer, product=product)
    assert (row.status, row.reason, row.customer_message) == ("revoked", STAFF_NOTE, "cancelled")
    change = EntitlementChange.objects.filter(entitlement=row).first()
    assert (change.reason, change.customer_message, change.admin_user_id) == (STAFF_NOTE, "cancelled", admin.pk)
    [item] = library.items_for(buyer)
    assert item.message == CustomerMessage.CANCELLED.label


def test_without_a_chosen_message_the_customer_reads_the_default_for_the_status():
    buyer, product = UserFactory(), ProductFactory()
    _owned(buyer, product)

    customers.change_access(
        admin_user=UserFactory(is_staff=True),
        user_id=buyer.pk,
        product_id=product.pk,
        action="revoke",
        reason=STAFF_NOTE,
    )

    assert entitlements.message_for(user=buyer, product=product) == CustomerMessage.CLOSED.label


def test_a_message_not_offered_for_the_action_is_refused(staff):
    _admin, client = staff
    buyer, product = UserFactory(), ProductFactory()
    _owned(buyer, product)

    answer = client.post(
        f"/admin/shop/customers/{buyer.pk}/access/",
        {"product": product.pk, "action": "revoke", "reason": STAFF_NOTE, "message": "gift"},
    )

    assert answer.status_code == 400
    assert Entitlement.objects.get(user=buyer, product=product).status == "active"


def test_the_admin_form_says_the_staff_note_is_in_the_data_export(staff):
    _admin, client = staff
    buyer, product = UserFactory(), ProductFactory()
    _owned(buyer, product)

    page = client.get(f"/admin/shop/customers/{buyer.pk}/").content.decode()

    assert "never shown to the buyer; included in their data export" in page
    assert CustomerMessage.CANCELLED.label in page


def test_the_library_page_and_api_show_the_message_and_never_the_note(client):
    buyer, product = UserFactory(), ProductFactory(name="Pelvic guide")
    _owned(buyer, product)
    entitlements.revoke(
        user=buyer, product=product, actor=Actor.for_system(), reason=STAFF_NOTE, message=CustomerMessage.CANCELLED
    )
    client.force_login(buyer)

    page = client.get("/learn/").content.decode()
    api = client.get("/api/library").content.decode()

    assert CustomerMessage.CANCELLED.label in page
    assert "Testing" not in page
    assert "Testing" not in api
    assert CustomerMessage.CANCELLED.label in api
    assert not LocalMail.objects.filter(text_body__contains="Testing").exists()


def test_a_refund_from_stripe_replaces_a_staff_message_with_the_refund_sentence():
    buyer, product = UserFactory(), ProductFactory()
    _owned(buyer, product)
    entitlements.revoke(user=buyer, product=product, actor=Actor.for_system(), reason="x", message="cancelled")
    entitlements.revoke(user=buyer, product=product, actor=Actor.for_system(), reason="Refunded.", refunded=True)

    assert entitlements.message_for(user=buyer, product=product) == CustomerMessage.REFUNDED.label
