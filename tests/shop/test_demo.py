"""The fresh `make run` journey: demo checkout, stamped PDF, receipt in the local mailbox, sign in, library."""

import io
import re

import pytest
from pypdf import PdfReader

from config.models import LocalMail
from shop.models import Entitlement, Order, Product
from website.models import GuidePage

pytestmark = pytest.mark.django_db


def test_demo_load_is_idempotent_and_creates_guides_with_pdfs(demo_site):
    from shop import demo

    demo.load()

    assert Product.objects.filter(kind="guide").count() == 3
    assert Product.objects.get(slug="relieving-that-pain").kind == "course"
    assert GuidePage.objects.live().count() == 3
    assert all(p.files.count() == 1 for p in Product.objects.filter(kind="guide"))


def test_demo_purchase_end_to_end(client, demo_site, demo_payments, settings, django_capture_on_commit_callbacks):
    settings.MAILERS = {"default": {"BACKEND": "config.mail.LocalMailboxBackend", "OPTIONS": {}}}
    guide = GuidePage.objects.get(slug="stretching-guide")
    assert client.get(guide.url).status_code == 200

    buy_page = client.get("/shop/buy/stretching-guide/")
    assert b"demo" in buy_page.content
    token = re.search(rb'name="token" value="([0-9a-f]+)"', buy_page.content).group(1).decode()
    started = client.post("/shop/buy/stretching-guide/", {"token": token, "price": "1900", "consent": "on"})
    assert started.status_code == 303
    demo_page = client.get(started["Location"])
    assert b"no real money" in demo_page.content

    with django_capture_on_commit_callbacks(execute=True):
        paid = client.post(started["Location"], {"email": "New.Reader@example.com", "consent": "on", "action": "pay"})
    assert paid.status_code == 303
    success = client.get(paid["Location"])
    assert success.status_code == 200
    assert b"Thank you for your order" in success.content

    order = Order.objects.get()
    assert (order.status, order.email, order.amount_paid) == ("paid", "New.Reader@example.com", 1900)
    receipt = LocalMail.objects.get()
    assert order.number in receipt.text_body
    link = re.search(rb'href="(/shop/download/[^"]+)"', success.content).group(1).decode()
    pdf = client.get(link)
    assert pdf.status_code == 200
    assert pdf["Cache-Control"] == "private, no-store"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert text.count(f"Order {order.number}") == len(PdfReader(io.BytesIO(pdf.content)).pages)
    assert "new.reader@example.com".lower() in text.lower()

    client.logout()
    client.post("/accounts/login/code/", {"email": "new.reader@example.com"})
    body = LocalMail.objects.exclude(pk=receipt.pk).get().text_body
    code = re.search(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b", body).group(1)
    confirmed = client.post("/accounts/login/code/confirm/", {"code": code})
    assert confirmed.status_code == 302
    assert client.get("/shop/library/")["Location"] == "/learn/"
    library = client.get("/learn/")
    assert b"Stretching Blueprint for Pain Relief &amp; Better Flexibility" in library.content
    assert Entitlement.objects.get().status == "active"
