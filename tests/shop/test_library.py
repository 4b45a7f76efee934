"""shop.library: what a buyer owns, with downloads, and what they lost, with why."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile

from shop import entitlements, library
from shop.entitlements import Actor
from shop.models import CustomerMessage, ProductFile
from tests.shop.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


def _with_file(product):
    ProductFile.objects.create(product=product, title=product.name, file=ContentFile(b"%PDF-1.4", name="g.pdf"))
    return product


def test_owned_guide_has_a_download_link_and_revoked_one_says_why():
    user = UserFactory()
    owned, lost = _with_file(ProductFactory(name="Owned")), _with_file(ProductFactory(name="Lost"))
    for product in (owned, lost):
        entitlements.grant(user=user, product=product, actor=Actor.for_system(), reason="Paid.")
    entitlements.revoke(
        user=user,
        product=lost,
        actor=Actor.for_system(),
        reason="Testing: customer asked to cancel",
        message=CustomerMessage.CANCELLED,
    )

    items = library.items_for(user)

    assert [(i.name, i.status) for i in items] == [("Owned", "active"), ("Lost", "revoked")]
    assert len(items[0].files) == 1
    assert items[0].files[0].url.startswith("/shop/download/")
    assert items[1].files == []
    assert items[1].message == "You asked us to cancel this purchase, so it is closed."
    assert "Testing" not in repr(items[1])


def test_anonymous_library_is_empty():
    assert library.items_for(AnonymousUser()) == []
