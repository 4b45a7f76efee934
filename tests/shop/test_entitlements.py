"""shop.entitlements: the only writer of entitlements, its states and its audit trail."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from shop import entitlements
from shop.entitlements import Actor
from shop.models import Entitlement, EntitlementChange, Product
from tests.shop.factories import OrderFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_grant_gives_access_and_records_who():
    user, product = UserFactory(), ProductFactory()

    entitlements.grant(user=user, product=product, actor=Actor.for_stripe_event("evt_1"), reason="Paid.")

    assert entitlements.product_ids_for(user) == {product.pk}
    change = EntitlementChange.objects.get()
    assert (change.action, change.to_status, change.stripe_event_id, change.reason) == (
        "grant",
        "active",
        "evt_1",
        "Paid.",
    )


def test_grant_twice_keeps_one_row_and_one_audit_entry():
    user, product = UserFactory(), ProductFactory()

    entitlements.grant(user=user, product=product, actor=Actor.for_system(), reason="Paid.")
    changed = entitlements.grant(user=user, product=product, actor=Actor.for_system(), reason="Paid.")

    assert changed is False
    assert Entitlement.objects.count() == 1
    assert EntitlementChange.objects.count() == 1


def test_anonymous_user_owns_nothing():
    product = ProductFactory()

    assert entitlements.product_ids_for(AnonymousUser()) == set()
    assert entitlements.state_for(user=AnonymousUser(), product=product) is None


def test_bundle_grant_expands_to_included_products():
    user = UserFactory()
    guide_a, guide_b = ProductFactory(), ProductFactory()
    bundle = ProductFactory(kind=Product.Kind.BUNDLE)
    bundle.includes.set([guide_a, guide_b])

    entitlements.grant(user=user, product=bundle, actor=Actor.for_system(), reason="Paid.")

    assert entitlements.product_ids_for(user) == {bundle.pk, guide_a.pk, guide_b.pk}
    assert Entitlement.objects.filter(user=user).count() == 3


def test_product_added_to_an_owned_bundle_later_is_usable():
    user = UserFactory()
    bundle = ProductFactory(kind=Product.Kind.BUNDLE)
    entitlements.grant(user=user, product=bundle, actor=Actor.for_system(), reason="Paid.")
    late = ProductFactory()

    bundle.includes.add(late)

    assert late.pk in entitlements.product_ids_for(user)
    assert entitlements.state_for(user=user, product=late).status == "active"


def test_revoke_keeps_the_first_grant_time_for_restore():
    user, product = UserFactory(), ProductFactory()
    entitlements.grant(user=user, product=product, actor=Actor.for_system(), reason="Paid.")
    first = Entitlement.objects.get().granted_at
    Entitlement.objects.update(granted_at=first - timedelta(days=30))

    entitlements.revoke(user=user, product=product, actor=Actor.for_command("test"), reason="Refunded.", refunded=True)
    revoked = entitlements.state_for(user=user, product=product)
    entitlements.restore(user=user, product=product, actor=Actor.for_command("test"), reason="Goodwill.")
    restored = entitlements.state_for(user=user, product=product)

    assert (revoked.status, revoked.reason) == ("refunded", "Refunded.")
    assert restored.status == "active"
    assert restored.granted_at == first - timedelta(days=30)
    assert restored.granted_at < timezone.now() - timedelta(days=29)
    assert entitlements.product_ids_for(user) == {product.pk}


def test_suspend_closes_access_as_disputed():
    user, product = UserFactory(), ProductFactory()
    entitlements.grant(user=user, product=product, actor=Actor.for_system(), reason="Paid.")

    entitlements.suspend(user=user, product=product, actor=Actor.for_stripe_event("evt_d"), reason="Disputed.")

    assert entitlements.product_ids_for(user) == set()
    assert entitlements.state_for(user=user, product=product).status == "disputed"


def test_admin_revoke_is_attributed_to_the_admin():
    user, product, admin = UserFactory(), ProductFactory(), UserFactory(is_staff=True)
    entitlements.grant(user=user, product=product, actor=Actor.for_system(), reason="Paid.")

    entitlements.revoke(user=user, product=product, actor=Actor.for_admin(admin), reason="Shared the files.")

    change = EntitlementChange.objects.filter(action="revoke").get()
    assert (change.admin_user, change.actor_kind, change.to_status) == (admin, "admin", "revoked")


def test_order_scoped_revoke_leaves_another_orders_access_alone():
    user, product = UserFactory(), ProductFactory()
    first, second = OrderFactory(product=product, user=user), OrderFactory(product=product, user=user)
    entitlements.grant(user=user, product=product, order=first, actor=Actor.for_system(), reason="Paid.")

    changed = entitlements.revoke(
        user=user, product=product, order=second, actor=Actor.for_system(), reason="Refunded.", refunded=True
    )

    assert changed is False
    assert entitlements.product_ids_for(user) == {product.pk}


def test_bundle_refund_leaves_a_separately_bought_guide():
    user, guide = UserFactory(), ProductFactory()
    bundle = ProductFactory(kind=Product.Kind.BUNDLE)
    bundle.includes.add(guide)
    guide_order, bundle_order = OrderFactory(product=guide, user=user), OrderFactory(product=bundle, user=user)
    entitlements.grant(user=user, product=guide, order=guide_order, actor=Actor.for_system(), reason="Paid.")
    entitlements.grant(user=user, product=bundle, order=bundle_order, actor=Actor.for_system(), reason="Paid.")

    entitlements.revoke(
        user=user, product=bundle, order=bundle_order, actor=Actor.for_system(), reason="Refunded.", refunded=True
    )

    assert entitlements.product_ids_for(user) == {guide.pk}


def test_apply_status_before_any_grant_leaves_the_same_rows_as_after():
    user, product = UserFactory(), ProductFactory()
    order = OrderFactory(product=product, user=user)

    entitlements.apply_status(
        user=user, product=product, order=order, status="refunded", actor=Actor.for_system(), reason="Refunded."
    )

    row = Entitlement.objects.get()
    assert (row.status, row.order) == ("refunded", order)
    assert entitlements.product_ids_for(user) == set()
