"""The ledger in the admin: read-only generic views, each shop view asking its own permission, moving a purchase."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from wagtail.admin.admin_url_finder import AdminURLFinder

from shop import entitlements
from shop.entitlements import Actor
from shop.models import Entitlement, EntitlementChange, Order, StripeEvent
from tests.shop.factories import OrderFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer():
    user = UserFactory(email="ann@exmaple.com")
    product = ProductFactory(name="Stretching guide")
    order = OrderFactory(product=product, user=user, email=user.email, status="paid", amount_paid=1900)
    entitlements.grant(user=user, product=product, order=order, actor=Actor.for_stripe_event("evt_1"), reason="Paid.")
    return user, product, order


def _staff_with(*codenames: str) -> Client:
    group = Group.objects.create(name="+".join(codenames))
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in codenames:
        group.permissions.add(Permission.objects.get(content_type__app_label="shop", codename=codename))
    user = UserFactory(email=f"{codenames[0]}@example.com", is_staff=True)
    user.groups.add(group)
    client = Client()
    client.force_login(user)
    return client


# --- read-only ledger -------------------------------------------------------------------------------

MODELS = {
    "order": Order,
    "entitlement": Entitlement,
    "entitlementchange": EntitlementChange,
    "stripeevent": StripeEvent,
}
LEDGER = list(MODELS)


@pytest.mark.parametrize("model", LEDGER)
def test_the_ledger_cannot_be_added_edited_or_deleted_through_generic_views(staff, buyer, model):
    _user, client = staff
    StripeEvent.objects.create(event_id="evt_1", type="checkout.session.completed", status="processed")
    pk = MODELS[model].objects.first().pk

    answers = [
        client.get(f"/admin/{model}/new/").status_code,
        client.post(f"/admin/{model}/new/", {"email": "x@example.com", "reason": "x", "status": "failed"}).status_code,
        client.get(f"/admin/{model}/edit/{pk}/").status_code,
        client.post(f"/admin/{model}/edit/{pk}/", {"email": "x@example.com", "reason": "x"}).status_code,
        client.post(f"/admin/{model}/delete/{pk}/").status_code,
        client.post(f"/admin/{model}/copy/{pk}/").status_code,
    ]

    assert answers == [404] * 6
    assert Order.objects.get().email == "ann@exmaple.com"
    assert Entitlement.objects.get().reason == "Paid."
    assert StripeEvent.objects.get().status == "processed"


@pytest.mark.parametrize("model", LEDGER)
def test_the_ledger_lists_and_inspect_pages_still_show_and_offer_no_changes(staff, buyer, model):
    _user, client = staff
    StripeEvent.objects.create(event_id="evt_1", type="checkout.session.completed", status="processed")

    listing = client.get(f"/admin/{model}/")

    assert listing.status_code == 200
    assert f"/admin/{model}/new/".encode() not in listing.content
    assert f"/admin/{model}/edit/".encode() not in listing.content
    assert f"/admin/{model}/inspect/".encode() in listing.content or model == "order"


def test_links_to_ledger_rows_elsewhere_in_the_admin_open_the_inspect_page(staff, buyer):
    staff_user, client = staff
    _buyer, _product, order = buyer
    # Viewsets register their URL finders when the admin's URLs load, as on any admin request.
    assert client.get("/admin/").status_code == 200

    assert AdminURLFinder(staff_user).get_edit_url(order) == f"/admin/order/inspect/{order.pk}/"
    assert AdminURLFinder().get_edit_url(order) == f"/admin/order/inspect/{order.pk}/"


def test_the_orders_list_has_no_add_button_and_inspect_works(staff, buyer):
    _user, client = staff
    _buyer, _product, order = buyer

    inspect = client.get(f"/admin/order/inspect/{order.pk}/")

    assert inspect.status_code == 200
    assert b"/admin/order/edit/" not in inspect.content
    assert b"/admin/order/delete/" not in inspect.content


# --- every shop view asks its own permission ----------------------------------------------------------


def test_change_entitlement_alone_cannot_read_a_customer_through_the_error_path(buyer):
    user, _product, _order = buyer
    limited = _staff_with("change_entitlement")

    # An incomplete form used to re-render the customer's page (status 400) with everything on it.
    response = limited.post(f"/admin/shop/customers/{user.pk}/access/", {"action": "grant", "product": ""})

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert user.email.encode() not in response.content


@pytest.mark.parametrize(
    "path",
    [
        "/admin/shop/customers/{user}/access/",
        "/admin/shop/customers/{user}/move/",
        "/admin/shop/customers/{user}/orders/{order}/refund/",
        "/admin/shop/failures/orders/{order}/refund/",
    ],
)
def test_every_shop_post_asks_for_the_view_permission_first(buyer, path):
    user, _product, order = buyer
    limited = _staff_with("change_entitlement", "change_order")

    response = limited.post(path.format(user=user.pk, order=order.pk), {"reason": "", "order": "x"})

    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert user.email.encode() not in response.content


def test_moving_a_purchase_needs_access_and_order_permissions(buyer):
    user, _product, order = buyer
    viewer = _staff_with("view_order")

    response = viewer.post(
        f"/admin/shop/customers/{user.pk}/move/", {"order": order.pk, "email": "ann@example.com", "reason": "Typo."}
    )

    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert Order.objects.get().user == user


# --- move this purchase to another address ------------------------------------------------------------


def test_a_purchase_moves_to_the_account_for_the_right_address_and_is_audited(staff, buyer):
    staff_user, client = staff
    user, product, order = buyer

    response = client.post(
        f"/admin/shop/customers/{user.pk}/move/",
        {"order": order.pk, "email": "ann@example.com", "reason": "Mistyped at Stripe, confirmed by e-mail."},
    )

    order.refresh_from_db()
    assert order.user.email == "ann@example.com"
    assert order.email == "ann@example.com"
    assert response.status_code == 302
    assert response["Location"] == f"/admin/shop/customers/{order.user_id}/"
    assert entitlements.product_ids_for(user) == set()
    assert entitlements.product_ids_for(order.user) == {product.pk}
    old_side = EntitlementChange.objects.get(entitlement__user=user, action="revoke")
    new_side = EntitlementChange.objects.get(entitlement__user=order.user)
    assert (old_side.actor_kind, old_side.admin_user, new_side.actor_kind, new_side.admin_user) == (
        "admin",
        staff_user,
        "admin",
        staff_user,
    )
    assert old_side.reason == "Moved to ann@example.com: Mistyped at Stripe, confirmed by e-mail."
    assert new_side.reason == "Moved from ann@exmaple.com: Mistyped at Stripe, confirmed by e-mail."
    page = client.get(response["Location"])
    assert b"Moved from ann@exmaple.com" in page.content


def test_a_purchase_moves_to_an_existing_account_that_keeps_its_own_purchases(staff, buyer):
    _staff, client = staff
    user, product, order = buyer
    other = ProductFactory(name="Iliopsoas guide")
    right = UserFactory(email="ann@example.com")
    entitlements.grant(user=right, product=other, actor=Actor.for_checkout(), reason="Paid.")
    form = {"order": order.pk, "email": "ANN@example.com", "reason": "Typo."}

    client.post(f"/admin/shop/customers/{user.pk}/move/", form)

    assert Order.objects.get().user == right
    assert entitlements.product_ids_for(right) == {product.pk, other.pk}


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"email": "ann@example.com", "reason": ""}, b"Please write the reason"),
        ({"email": "not an address", "reason": "Typo."}, b"Write the address the purchase should move to"),
        ({"email": "ann@exmaple.com", "reason": "Typo."}, b"already belongs to that address"),
        ({"email": "ann@example.com", "reason": "Typo.", "order": "999999"}, b"does not exist for this buyer"),
        ({"email": "ann@example.com", "reason": "Typo.", "order": "x"}, b"Choose an order"),
        ({"email": "ann@example.com", "reason": "Typo.", "order": "99999999999999999999999"}, b"Choose an order"),
    ],
)
def test_a_bad_move_is_refused_and_changes_nothing(staff, buyer, form, message):
    _staff, client = staff
    user, _product, order = buyer

    response = client.post(f"/admin/shop/customers/{user.pk}/move/", {"order": order.pk, **form})

    assert response.status_code == 400
    assert message in response.content
    assert Order.objects.get().user == user
    assert EntitlementChange.objects.count() == 1
