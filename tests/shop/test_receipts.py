"""Numbered PDF receipts: gapless numbers given on payment, seller, tax as charged, buyer country and VAT number."""

import io

import pytest
from pypdf import PdfReader

from config.models import LocalMail
from core import outbox
from core.models import OutboxEmail
from shop import fulfillment, receipts
from shop.models import Order, ReceiptSequence
from shop.stripe_gateway import session_from_dict
from tests.shop.factories import OrderFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller(settings):
    settings.SHOP_SELLER_NAME = "Stephen O'Dwyer"
    settings.SHOP_SELLER_ADDRESS = "1 Harbour Road | Cork T12 ABC1 | Ireland"
    settings.SHOP_SELLER_VAT_ID = "IE9876543W"
    settings.SHOP_RECEIPT_SERIES = "BC-R"
    settings.STRIPE_TAX = True
    settings.STRIPE_TAX_BEHAVIOR = "inclusive"


def _session(order: Order, *, tax: int = 0, country: str = "DE", tax_ids=None) -> dict:
    return {
        "id": f"cs_test_{order.pk}",
        "object": "checkout.session",
        "status": "complete",
        "payment_status": "paid",
        "amount_subtotal": order.amount,
        "amount_total": order.amount,
        "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": tax},
        "currency": order.currency,
        "client_reference_id": str(order.pk),
        "metadata": {"order_id": str(order.pk), "product_id": str(order.product_id)},
        "customer_details": {
            "email": "buyer@example.com",
            "address": {"country": country, "city": None, "line1": None},
            "tax_ids": tax_ids or [],
        },
        "payment_intent": f"pi_test_{order.pk}",
    }


def _pay(order: Order, **session) -> Order:
    from shop.models import CheckoutSession

    CheckoutSession.objects.create(order=order, session_id=f"cs_test_{order.pk}")
    fulfillment.fulfill_checkout(
        session_id=f"cs_test_{order.pk}", session=session_from_dict(_session(order, **session))
    )
    order.refresh_from_db()
    return order


def test_paid_orders_get_consecutive_receipt_numbers_and_tax_as_charged(seller):
    product = ProductFactory(price_amount=1900, currency="eur")
    first = _pay(OrderFactory(product=product), tax=303, country="DE")
    second = _pay(OrderFactory(product=product), tax=0, country="us", tax_ids=[{"type": "eu_vat", "value": "DE123"}])
    OrderFactory(product=product)  # never paid: no number

    assert [first.receipt_number, second.receipt_number] == [1, 2]
    assert first.receipt_display == "BC-R-000001"
    assert (first.amount_tax, first.buyer_country) == (303, "DE")
    assert (second.buyer_country, second.buyer_vat_number) == ("US", "DE123")
    assert ReceiptSequence.objects.get(series="BC-R").last_number == 2


def test_a_payment_delivered_twice_keeps_its_one_number(seller):
    order = _pay(OrderFactory(product=ProductFactory()))
    fulfillment.fulfill_checkout(session_id=order.stripe_session_id, session=session_from_dict(_session(order)))

    order.refresh_from_db()
    assert order.receipt_number == 1
    assert ReceiptSequence.objects.get().last_number == 1


def test_the_pdf_names_number_seller_amounts_country_and_vat_number(seller):
    order = _pay(
        OrderFactory(product=ProductFactory(name="Stretching Blueprint", price_amount=1900, currency="eur")), tax=303
    )
    order.buyer_vat_number = "DE811907980"
    order.save()

    text = PdfReader(io.BytesIO(receipts.render_pdf(order))).pages[0].extract_text()

    for expected in (
        "BC-R-000001",
        "Stephen O'Dwyer",
        "1 Harbour Road",
        "IE9876543W",
        "Stretching Blueprint",
        "€19.00",
        "€15.97",
        "€3.03",
        "Country DE",
        "DE811907980",
    ):
        assert expected in text, expected


def test_only_the_owner_gets_the_receipt_and_others_get_404(client, seller):
    order = _pay(OrderFactory(product=ProductFactory()))
    stranger = UserFactory()

    client.force_login(stranger)
    assert client.get(f"/shop/orders/{order.pk}/receipt.pdf").status_code == 404
    assert client.get(f"/shop/orders/{order.pk}/").status_code == 404
    assert client.post(f"/shop/orders/{order.pk}/", {"vat_number": "DE1"}).status_code == 404

    client.force_login(order.user)
    answer = client.get(f"/shop/orders/{order.pk}/receipt.pdf")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert answer["Cache-Control"] == "private, no-store"


def test_the_owner_adds_a_vat_number_and_a_bad_one_is_a_clear_error(client, seller):
    order = _pay(OrderFactory(product=ProductFactory()))
    client.force_login(order.user)
    page = client.get(f"/shop/orders/{order.pk}/").content.decode()
    assert f'href="/shop/orders/{order.pk}/receipt.pdf"' in page

    bad = client.post(f"/shop/orders/{order.pk}/", {"vat_number": "not a vat number!"})
    assert bad.status_code == 400
    assert "country prefix" in bad.content.decode()

    good = client.post(f"/shop/orders/{order.pk}/", {"vat_number": "de 811 907 980"})
    assert good.status_code == 302
    order.refresh_from_db()
    assert order.buyer_vat_number == "DE811907980"


def test_the_receipt_email_names_the_receipt_and_its_text_is_not_html_escaped(seller, settings):
    settings.MAILERS = {"default": {"BACKEND": "config.mail.LocalMailboxBackend", "OPTIONS": {}}}
    settings.WAGTAIL_SITE_NAME = "Stephen O'Dwyer"
    order = _pay(OrderFactory(product=ProductFactory(name="Healing the Hidden Root of Pain")))
    row = OutboxEmail.objects.get(key=f"receipt-order-{order.pk}")

    outbox.send(pk=row.pk)

    mail = LocalMail.objects.get()
    assert "Stephen O'Dwyer" in mail.text_body
    assert "&#x27;" not in mail.text_body
    assert "&amp;" not in mail.text_body
    assert "Receipt BC-R-000001" in mail.text_body
    assert f"/shop/orders/{order.pk}/" in mail.text_body
    assert f"/shop/orders/{order.pk}/" in mail.html_body
