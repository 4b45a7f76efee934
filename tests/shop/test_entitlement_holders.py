"""shop.entitlements.holder_ids: who may use a product right now, bundle owners included, closed access not."""

import pytest

from shop import entitlements
from shop.entitlements import Actor
from shop.models import Product
from tests.shop.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

ACTOR = Actor.for_system()


def _grant(user, product):
    entitlements.grant(user=user, product=product, actor=ACTOR, reason="Paid.")


def test_direct_owners_are_holders_and_owners_of_other_products_are_not():
    course, guide = ProductFactory(kind=Product.Kind.COURSE), ProductFactory()
    owner, other = UserFactory(), UserFactory()
    _grant(owner, course)
    _grant(other, guide)

    assert entitlements.holder_ids(product=course) == {owner.pk}


def test_owners_of_a_bundle_that_includes_the_product_are_holders_even_when_it_was_added_later():
    course = ProductFactory(kind=Product.Kind.COURSE)
    inner = ProductFactory(kind=Product.Kind.BUNDLE)
    outer = ProductFactory(kind=Product.Kind.BUNDLE)
    outer.includes.add(inner)
    early, nested = UserFactory(), UserFactory()
    _grant(early, inner)  # bought before the course joined the bundle: no row for the course itself
    _grant(nested, outer)
    inner.includes.add(course)

    assert entitlements.holder_ids(product=course) == {early.pk, nested.pk}


def test_refunded_disputed_and_revoked_owners_are_not_holders_and_a_restored_one_is_again():
    course = ProductFactory(kind=Product.Kind.COURSE)
    refunded, disputed, revoked, kept = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    for user in (refunded, disputed, revoked, kept):
        _grant(user, course)
    entitlements.revoke(user=refunded, product=course, actor=ACTOR, reason="Refunded.", refunded=True)
    entitlements.suspend(user=disputed, product=course, actor=ACTOR, reason="Disputed.")
    entitlements.revoke(user=revoked, product=course, actor=ACTOR, reason="Revoked.")

    assert entitlements.holder_ids(product=course) == {kept.pk}

    entitlements.restore(user=disputed, product=course, actor=ACTOR, reason="Dispute won.")

    assert entitlements.holder_ids(product=course) == {kept.pk, disputed.pk}


def test_a_product_nobody_owns_has_no_holders():
    assert entitlements.holder_ids(product=ProductFactory()) == set()
