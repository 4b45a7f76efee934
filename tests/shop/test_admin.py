"""The shop's Wagtail admin: the customer page, access by hand, refunds through Stripe, the failures panel."""

import time
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django_tasks_db.models import DBTaskResult

from shop import entitlements
from shop.entitlements import Actor
from shop.models import Entitlement, EntitlementChange, Order, RefundRequest, StripeEvent
from tests.shop.conftest import buy, deliver
from tests.shop.factories import OrderFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client():
    """Someone who may edit pages in the admin but has no business with customers or money."""
    editors = Group.objects.create(name="Page editors")
    editors.permissions.add(Permission.objects.get(codename="access_admin"))
    user = UserFactory(email="editor@example.com")
    user.groups.add(editors)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def buyer():
    user = UserFactory(email="ann@example.com")
    product = ProductFactory(name="Stretching guide")
    order = OrderFactory(product=product, user=user, email=user.email, status="paid", amount_paid=1900)
    entitlements.grant(user=user, product=product, order=order, actor=Actor.for_stripe_event("evt_1"), reason="Paid.")
    return user, product, order


def _paid_through_stripe(client, fake, product):
    assert buy(client, product).status_code == 303
    order = Order.objects.latest("pk")
    deliver(client, fake.complete(order.stripe_session_id, email="ann@example.com"))
    order.refresh_from_db()
    return order


# --- who may do what ------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_admin_sign_in(client, buyer):
    user, product, _order = buyer

    page = client.get(f"/admin/shop/customers/{user.pk}/")
    posted = client.post(
        f"/admin/shop/customers/{user.pk}/access/", {"product": product.pk, "action": "revoke", "reason": "x"}
    )

    assert (page.status_code, posted.status_code) == (302, 302)
    assert page["Location"].startswith("/admin/login/")
    assert Entitlement.objects.get().status == "active"


def test_page_editors_without_shop_permissions_are_turned_away(editor_client, buyer):
    user, product, order = buyer

    responses = [
        editor_client.get("/admin/shop/customers/"),
        editor_client.get(f"/admin/shop/customers/{user.pk}/"),
        editor_client.get("/admin/shop/failures/"),
        editor_client.post(
            f"/admin/shop/customers/{user.pk}/access/", {"product": product.pk, "action": "revoke", "reason": "x"}
        ),
        editor_client.post(f"/admin/shop/customers/{user.pk}/orders/{order.pk}/refund/", {"reason": "x"}),
    ]

    # Wagtail answers a PermissionDenied in its admin by sending the user to the dashboard with a message.
    assert [(r.status_code, r["Location"]) for r in responses] == [(302, "/admin/")] * 5
    assert Entitlement.objects.get().status == "active"
    assert EntitlementChange.objects.count() == 1
    assert b"/admin/shop/customers/" not in editor_client.get("/admin/").content


def test_a_post_without_the_csrf_token_is_refused(staff, buyer):
    staff_user, _client = staff
    user, product, _order = buyer
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(staff_user)

    response = strict.post(
        f"/admin/shop/customers/{user.pk}/access/", {"product": product.pk, "action": "revoke", "reason": "Because."}
    )

    assert response.status_code == 403
    assert Entitlement.objects.get().status == "active"


# --- the customer page ----------------------------------------------------------------------------


def test_customer_list_finds_buyers_by_email(staff, buyer):
    UserFactory(email="not-a-buyer@example.com")
    _user, client = staff

    found = client.get("/admin/shop/customers/", {"q": "ANN@"})
    everyone = client.get("/admin/shop/customers/")

    assert found.status_code == 200
    assert b"ann@example.com" in found.content
    assert b"not-a-buyer@example.com" not in everyone.content


def test_customer_page_shows_orders_access_downloads_and_history(staff, buyer):
    user, product, order = buyer
    Order.objects.filter(pk=order.pk).update(dispute_status="needs_response", amount_refunded=500)
    _staff_user, client = staff

    response = client.get(f"/admin/shop/customers/{user.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    for expected in (order.number, product.name, "needs_response", "$5.00", "Stripe (evt_1)", "Take away access"):
        assert expected in html


def test_someone_who_never_bought_has_no_customer_page(staff):
    _user, client = staff

    assert client.get(f"/admin/shop/customers/{UserFactory().pk}/").status_code == 404
    assert client.get("/admin/shop/customers/999999/").status_code == 404


# --- access by hand -------------------------------------------------------------------------------


def test_revoke_with_a_reason_is_applied_and_audited(staff, buyer):
    staff_user, client = staff
    user, product, _order = buyer

    response = client.post(
        f"/admin/shop/customers/{user.pk}/access/",
        {"product": product.pk, "action": "revoke", "reason": "Shared the PDF publicly."},
    )

    assert response.status_code == 302
    entitlement = Entitlement.objects.get()
    assert (entitlement.status, entitlement.reason) == ("revoked", "Shared the PDF publicly.")
    change = EntitlementChange.objects.latest("pk")
    assert (change.action, change.actor_kind, change.admin_user, change.reason) == (
        "revoke",
        "admin",
        staff_user,
        "Shared the PDF publicly.",
    )


def test_restore_after_revoke_is_applied_and_audited(staff, buyer):
    staff_user, client = staff
    user, product, _order = buyer
    entitlements.revoke(user=user, product=product, actor=Actor.for_system(), reason="Mistake.")

    client.post(
        f"/admin/shop/customers/{user.pk}/access/",
        {"product": product.pk, "action": "restore", "reason": "Revoked by mistake."},
    )

    assert Entitlement.objects.get().status == "active"
    change = EntitlementChange.objects.latest("pk")
    assert (change.action, change.admin_user, change.from_status) == ("restore", staff_user, "revoked")


def test_grant_a_product_for_free_is_applied_and_audited(staff, buyer):
    staff_user, client = staff
    user, _product, _order = buyer
    gift = ProductFactory(name="Iliopsoas guide")

    client.post(
        f"/admin/shop/customers/{user.pk}/access/",
        {"product": gift.pk, "action": "grant", "reason": "Review copy."},
    )

    assert gift.pk in entitlements.product_ids_for(user)
    change = EntitlementChange.objects.get(entitlement__product=gift)
    assert (change.action, change.actor_kind, change.admin_user, change.reason) == (
        "grant",
        "admin",
        staff_user,
        "Review copy.",
    )


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"action": "revoke", "reason": "   "}, b"Please write the reason"),
        ({"action": "delete", "reason": "Because."}, b"Choose grant, revoke or restore"),
        ({"action": "revoke", "reason": "x" * 301}, b"under 300 characters"),
        ({"action": "revoke", "reason": "Because.", "product": "abc"}, b"Choose a product"),
        ({"action": "revoke", "reason": "Because.", "product": "999999"}, b"does not exist"),
    ],
    ids=["no-reason", "unknown-action", "long-reason", "bad-product", "missing-product"],
)
def test_bad_access_changes_are_refused_and_change_nothing(staff, buyer, form, message):
    _staff_user, client = staff
    user, product, _order = buyer

    response = client.post(f"/admin/shop/customers/{user.pk}/access/", {"product": product.pk, **form})

    assert response.status_code == 400
    assert message in response.content
    assert Entitlement.objects.get().status == "active"
    assert EntitlementChange.objects.count() == 1


# --- refunds --------------------------------------------------------------------------------------


def test_refund_button_refunds_through_stripe_and_the_webhook_revokes(client, staff, fake_stripe, guide):
    staff_user, admin = staff
    order = _paid_through_stripe(client, fake_stripe, guide)

    response = admin.post(
        f"/admin/shop/customers/{order.user_id}/orders/{order.pk}/refund/", {"amount": "", "reason": "Asked nicely."}
    )

    assert response.status_code == 302
    [refund] = fake_stripe.refunds.values()
    assert (refund["amount"], refund["payment_intent"]) == (1900, order.stripe_payment_intent_id)
    request = RefundRequest.objects.get()
    assert (request.order, request.admin_user, request.amount, request.reason) == (
        order,
        staff_user,
        1900,
        "Asked nicely.",
    )
    assert Entitlement.objects.get().status == "active"  # access follows Stripe's confirmation, not the button

    deliver(client, next(e for e in reversed(fake_stripe.events) if e["type"] == "charge.refunded"))

    assert Entitlement.objects.get().status == "refunded"
    assert EntitlementChange.objects.latest("pk").actor_kind == "stripe_event"


def test_partial_refund_sends_the_amount_in_cents(client, staff, fake_stripe, guide):
    _staff_user, admin = staff
    order = _paid_through_stripe(client, fake_stripe, guide)

    admin.post(
        f"/admin/shop/customers/{order.user_id}/orders/{order.pk}/refund/", {"amount": "5.5", "reason": "Goodwill."}
    )

    [refund] = fake_stripe.refunds.values()
    assert refund["amount"] == 550
    assert RefundRequest.objects.get().amount == 550


def test_double_click_on_refund_refunds_once(client, staff, fake_stripe, guide):
    _staff_user, admin = staff
    order = _paid_through_stripe(client, fake_stripe, guide)
    url = f"/admin/shop/customers/{order.user_id}/orders/{order.pk}/refund/"

    admin.post(url, {"amount": "", "reason": "Asked nicely."})
    admin.post(url, {"amount": "", "reason": "Asked nicely."})

    assert len(fake_stripe.refunds) == 1
    assert RefundRequest.objects.count() == 1


@pytest.mark.parametrize(
    "case", [("abc", b"like 21.00"), ("50.00", b"between $0.01 and $19.00"), ("0", b"between $0.01")], ids=str
)
def test_bad_refund_amount_is_refused_before_stripe(client, staff, fake_stripe, guide, case):
    amount, message = case
    _staff_user, admin = staff
    order = _paid_through_stripe(client, fake_stripe, guide)

    response = admin.post(
        f"/admin/shop/customers/{order.user_id}/orders/{order.pk}/refund/", {"amount": amount, "reason": "Why not."}
    )

    assert response.status_code == 400
    assert message in response.content
    assert fake_stripe.requests_to("POST", "/v1/refunds") == []
    assert RefundRequest.objects.count() == 0


def test_refund_without_a_reason_is_refused(client, staff, fake_stripe, guide):
    _staff_user, admin = staff
    order = _paid_through_stripe(client, fake_stripe, guide)

    response = admin.post(f"/admin/shop/customers/{order.user_id}/orders/{order.pk}/refund/", {"reason": ""})

    assert response.status_code == 400
    assert fake_stripe.refunds == {}


def test_refund_of_another_buyers_order_through_this_page_is_refused(client, staff, fake_stripe, guide):
    _staff_user, admin = staff
    order = _paid_through_stripe(client, fake_stripe, guide)
    other_buyer = OrderFactory(user=UserFactory(email="zed@example.com")).user

    response = admin.post(
        f"/admin/shop/customers/{other_buyer.pk}/orders/{order.pk}/refund/", {"reason": "Wrong page."}
    )

    assert response.status_code == 400
    assert b"does not exist for this buyer" in response.content
    assert fake_stripe.refunds == {}


def test_stripe_failing_to_refund_is_shown_and_nothing_recorded(client, staff, fake_stripe, guide):
    _staff_user, admin = staff
    order = _paid_through_stripe(client, fake_stripe, guide)
    fake_stripe.fail("POST", "/v1/refunds")

    response = admin.post(
        f"/admin/shop/customers/{order.user_id}/orders/{order.pk}/refund/", {"reason": "Asked nicely."}
    )

    assert response.status_code == 400
    assert b"Stripe did not refund" in response.content
    assert RefundRequest.objects.count() == 0
    assert Entitlement.objects.get().status == "active"


def _refund_keys(fake) -> list[str]:
    return [key for _method, _path, _params, key in fake.requests_to("POST", "/v1/refunds")]


def test_a_refund_tried_again_after_stripe_failed_uses_a_new_key_and_refunds_once(client, staff, fake_stripe, guide):
    _staff_user, admin = staff
    order = _paid_through_stripe(client, fake_stripe, guide)
    fake_stripe.fail("POST", "/v1/refunds")
    url = f"/admin/shop/customers/{order.user_id}/orders/{order.pk}/refund/"
    assert admin.post(url, {"reason": "Asked nicely."}).status_code == 400

    again = admin.post(url, {"reason": "Asked nicely."})

    assert again.status_code == 302
    # Stripe replays a key's error for a day: the same key would have failed again.
    assert [key[-10:] for key in _refund_keys(fake_stripe)] == ["-attempt-0", "-attempt-1"]
    assert [r["amount"] for r in fake_stripe.refunds.values()] == [1900]
    assert RefundRequest.objects.count() == 1


def test_a_refund_stripe_made_without_answering_is_not_made_twice(client, staff, fake_stripe, guide, settings):
    _staff_user, admin = staff
    order = _paid_through_stripe(client, fake_stripe, guide)
    settings.STRIPE_TIMEOUT = 0.5
    fake_stripe.delay("POST", "/v1/refunds", seconds=1.5)
    url = f"/admin/shop/customers/{order.user_id}/orders/{order.pk}/refund/"

    unanswered = admin.post(url, {"reason": "Asked nicely."})
    again = admin.post(url, {"reason": "Asked nicely."})

    assert unanswered.status_code == 400
    assert b"may or may not have been made" in unanswered.content
    assert again.status_code == 302
    deadline = time.monotonic() + 5
    while len(_refund_keys(fake_stripe)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)  # the slow first request still runs at Stripe after we stopped waiting for it
    keys = _refund_keys(fake_stripe)
    assert len(keys) == 2
    assert len(set(keys)) == 1
    assert [r["amount"] for r in fake_stripe.refunds.values()] == [1900]
    assert fake_stripe.charges[fake_stripe.charge_for(order.stripe_session_id)]["amount_refunded"] == 1900


# --- failures -------------------------------------------------------------------------------------


def _failed_task():
    return DBTaskResult.objects.create(
        status="FAILED",
        args_kwargs={"args": [7], "kwargs": {}},
        task_path="core.outbox.send_outbox_email",
        backend_name="default",
        run_after=datetime(2026, 1, 1, tzinfo=UTC),
        finished_at=datetime(2026, 1, 1, tzinfo=UTC),
        exception_class_path="smtplib.SMTPServerDisconnected",
        traceback="Connection unexpectedly closed",
    )


def test_failures_page_lists_failed_webhooks_and_tasks(staff):
    StripeEvent.objects.create(
        event_id="evt_broken", type="charge.refunded", status="failed", attempts=3, last_error="GatewayError: boom"
    )
    StripeEvent.objects.create(event_id="evt_fine", type="charge.refunded", status="processed")
    _failed_task()
    _user, client = staff

    response = client.get("/admin/shop/failures/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "evt_broken" in html
    assert "GatewayError: boom" in html
    assert "evt_fine" not in html
    assert "core.outbox.send_outbox_email" in html
    assert "SMTPServerDisconnected" in html


def test_failures_page_and_panel_list_e_mails_whose_sending_failed(staff):
    from core.models import OutboxEmail

    OutboxEmail.objects.create(
        key="receipt-9",
        to="ann@example.com",
        subject="Your receipt BC-9",
        template="t",
        attempts=2,
        last_error="SMTP down",
    )
    OutboxEmail.objects.create(key="receipt-10", to="bob@example.com", subject="Your receipt BC-10", template="t")
    _user, client = staff

    page = client.get("/admin/shop/failures/").content.decode()
    dashboard = client.get("/admin/").content.decode()

    assert "E-mails not sent yet (1)" in page
    assert "Your receipt BC-9" in page
    assert "SMTP down" in page
    assert "Your receipt BC-10" not in page  # waiting for its first try, nothing failed
    assert "1 e-mail not sent yet" in dashboard


def test_dashboard_panel_appears_only_when_something_failed(staff):
    _user, client = staff

    quiet = client.get("/admin/")
    _failed_task()
    noisy = client.get("/admin/")

    assert b"Shop: something needs a look" not in quiet.content
    assert b"Shop: something needs a look" in noisy.content
    assert b"1 failed background task" in noisy.content


def test_orders_list_links_each_buyer_to_their_customer_page(staff, buyer):
    user, _product, order = buyer
    _staff_user, client = staff

    response = client.get("/admin/order/", {"status": "paid"})

    assert response.status_code == 200
    assert f'href="/admin/shop/customers/{user.pk}/"' in response.content.decode()
    assert order.number in response.content.decode()
