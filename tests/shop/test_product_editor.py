"""The product editor in the Wagtail admin takes prices as money ("21.00"), never as cents."""

import re

import pytest
from django.urls import reverse

from shop.models import Product
from tests.shop.factories import OrderFactory, ProductFactory

pytestmark = pytest.mark.django_db


def _form(product: Product, **changes) -> dict:
    data = {
        "name": product.name,
        "slug": product.slug,
        "kind": product.kind,
        "summary": product.summary,
        "currency": product.currency,
        "price": "19.00",
        "active": "on",
        "partial_refund_policy": product.partial_refund_policy,
    }
    data.update(changes)
    return data


def _edit_url(product: Product) -> str:
    return f"/admin/snippets/shop/product/edit/{product.pk}/"


def test_a_price_typed_as_21_00_is_stored_as_2100_cents(staff):
    _user, client = staff
    product = ProductFactory(price_amount=1900, currency="usd")

    answer = client.post(_edit_url(product), _form(product, price="21.00"))

    assert answer.status_code == 302, answer.content.decode()[:2000]
    product.refresh_from_db()
    assert product.price_amount == 2100
    assert product.price_display == "$21.00"


def test_the_editor_shows_the_stored_price_as_money(staff):
    _user, client = staff
    product = ProductFactory(price_amount=2150, currency="eur")

    page = client.get(_edit_url(product)).content.decode()

    assert 'name="price"' in page
    assert 'value="21.50"' in page
    assert 'name="price_amount"' not in page


def test_a_yen_price_is_typed_as_whole_yen(staff):
    _user, client = staff
    product = ProductFactory(price_amount=1900, currency="usd")

    client.post(_edit_url(product), _form(product, currency="jpy", price="2100"))

    product.refresh_from_db()
    assert (product.price_amount, product.price_display) == (2100, "¥2,100")


@pytest.mark.parametrize(
    ("price", "says"),
    [("21.005", "2 decimal places at most"), ("abc", "as digits"), ("-3", "cannot be negative")],
)
def test_an_unreadable_price_is_a_form_error_and_nothing_changes(staff, price, says):
    _user, client = staff
    product = ProductFactory(price_amount=1900, currency="usd")

    answer = client.post(_edit_url(product), _form(product, price=price))

    assert answer.status_code == 200
    assert says in answer.content.decode()
    product.refresh_from_db()
    assert product.price_amount == 1900


def _column_headings(html: str) -> list[str]:
    cells = re.findall(r"<th[^>]*>(.*?)</th>", html, flags=re.DOTALL)
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells]


def test_admin_lists_have_human_column_labels(staff):
    _user, client = staff
    OrderFactory(status="paid", amount_paid=1900)

    orders = client.get(reverse("order:index"))
    products = client.get("/admin/snippets/shop/product/")

    assert orders.status_code == products.status_code == 200
    order_columns = _column_headings(orders.content.decode())
    assert {"Amount", "Refunded", "Ordered"} <= set(order_columns), order_columns
    assert not [c for c in order_columns if "display" in c.lower() or "_" in c]
    assert "Price" in _column_headings(products.content.decode())
