"""Demo orders refund too: the demo gateway plays Stripe and sends a signed charge.refunded (issue 11, defect 5)."""

import pytest

from shop import demo_checkout, entitlements
from shop.models import DemoRefund, Entitlement, Order, RefundRequest, StripeEvent
from tests.shop.conftest import buy

pytestmark = pytest.mark.django_db


def _paid_demo_order(client, guide) -> Order:
    started = buy(client, guide)
    session_id = started["Location"].rstrip("/").rsplit("/", 1)[-1]
    return demo_checkout.pay(session_id=session_id, email="reader@example.com", consent=True)


def test_a_demo_payment_names_a_payment_the_refund_button_can_refund(client, guide, demo_payments):
    order = _paid_demo_order(client, guide)

    assert order.stripe_payment_intent_id == f"pi_demo_{order.pk}"


def test_a_full_demo_refund_from_the_customer_page_closes_access_through_the_webhook(
    client, guide, demo_payments, staff
):
    order = _paid_demo_order(client, guide)
    _admin, admin_client = staff
    page = admin_client.get(f"/admin/shop/customers/{order.user_id}/").content.decode()
    assert "Refund through Stripe" in page

    answer = admin_client.post(
        f"/admin/shop/customers/{order.user_id}/orders/{order.pk}/refund/", {"amount": "", "reason": "Asked."}
    )

    assert answer.status_code == 302
    order.refresh_from_db()
    assert (order.amount_refunded, order.stripe_charge_id) == (1900, f"ch_demo_{order.pk}")
    assert Entitlement.objects.get(user=order.user, product=guide).status == "refunded"
    assert StripeEvent.objects.filter(type="charge.refunded", status="processed").count() == 1
    assert RefundRequest.objects.get(order=order).amount == 1900
    assert entitlements.message_for(user=order.user, product=guide) == "This purchase was refunded, so it is closed."


def test_a_partial_demo_refund_keeps_access_under_the_keep_policy_and_a_second_one_finishes_it(
    client, guide, demo_payments, staff
):
    order = _paid_demo_order(client, guide)
    _admin, admin_client = staff
    url = f"/admin/shop/customers/{order.user_id}/orders/{order.pk}/refund/"

    admin_client.post(url, {"amount": "5.00", "reason": "Goodwill."})
    order.refresh_from_db()
    assert order.amount_refunded == 500
    assert Entitlement.objects.get(user=order.user, product=guide).status == "active"

    admin_client.post(url, {"amount": "", "reason": "The rest."})
    order.refresh_from_db()
    assert order.amount_refunded == 1900
    assert Entitlement.objects.get(user=order.user, product=guide).status == "refunded"
    assert sorted(DemoRefund.objects.values_list("amount", flat=True)) == [500, 1400]


def test_a_demo_refund_larger_than_the_payment_is_refused_and_nothing_changes(client, guide, demo_payments, staff):
    order = _paid_demo_order(client, guide)
    _admin, admin_client = staff

    answer = admin_client.post(
        f"/admin/shop/customers/{order.user_id}/orders/{order.pk}/refund/", {"amount": "50.00", "reason": "Too much."}
    )

    assert answer.status_code == 400
    assert not DemoRefund.objects.exists()
    order.refresh_from_db()
    assert order.amount_refunded == 0
