"""/api/ catalogue, checkout, order status, library and who-am-I: outcomes, bad input and other users' data."""

import io

import pytest
from django.core.files.base import ContentFile
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from shop.models import Order, ProductFile
from tests.api.conftest import grant, session_token
from tests.shop.factories import OrderFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_payments(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.SHOP_DEMO = True
    settings.STRIPE_WEBHOOK_SECRET = "whsec_demo_for_api_tests"


@pytest.fixture
def guide():
    product = ProductFactory(name="Stretching guide", slug="stretching-guide", price_amount=1900)
    ProductFile.objects.create(
        product=product, title="Stretching", format="epub", file=ContentFile(b"PK epub", name="s.epub")
    )
    return product


def _auth(user) -> dict:
    return {"X-Session-Token": session_token(user)}


def test_catalogue_lists_prices_includes_and_what_the_caller_owns(client, guide):
    bundle = ProductFactory(name="All guides", slug="all-guides", kind="bundle", price_amount=4500)
    bundle.includes.add(guide)
    buyer = UserFactory()
    grant(buyer, bundle)

    products = {p["slug"]: p for p in client.get("/api/catalogue/products", headers=_auth(buyer)).json()}

    assert products["all-guides"]["includes"][0]["slug"] == "stretching-guide"
    assert products["stretching-guide"]["price"] == {"amount": 1900, "currency": "usd", "display": "$19.00"}
    assert products["stretching-guide"]["owned"] is True
    assert client.get("/api/catalogue/products").json()[0]["owned"] is False


def test_start_checkout_returns_the_order_and_where_to_pay(client, guide, demo_payments):
    buyer = UserFactory()

    response = client.post(
        "/api/checkout", {"product": guide.slug, "consent": True}, content_type="application/json", headers=_auth(buyer)
    )

    assert response.status_code == 201
    order = Order.objects.get(pk=response.json()["order_id"])
    assert (order.user, order.amount, order.status) == (buyer, 1900, "pending")
    assert order.delivery_consent_at is not None
    assert response.json()["checkout_url"].startswith("http://testserver/shop/demo/checkout/")


def test_repeating_a_checkout_token_returns_the_same_order(client, guide, demo_payments):
    buyer = UserFactory()
    payload = {"product": guide.slug, "token": "attempt-1", "consent": True}

    first = client.post("/api/checkout", payload, content_type="application/json", headers=_auth(buyer))
    second = client.post("/api/checkout", payload, content_type="application/json", headers=_auth(buyer))

    assert first.json()["order_id"] == second.json()["order_id"]
    assert Order.objects.count() == 1


@pytest.mark.parametrize(
    "case",
    [
        ({"product": "no-such-guide", "consent": True}, 404, "not_found"),
        ({"product": "stretching-guide", "consent": True, "price": 1}, 400, "bad_request"),
        ({"product": "stretching-guide", "consent": True, "quantity": 2}, 400, "invalid"),
        ({"product": "stretching-guide", "consent": True, "price": "1900"}, 400, "invalid"),
        ({"product": "stretching-guide", "consent": True, "price": -5}, 400, "invalid"),
        ({"product": "stretching-guide", "consent": True, "price": 10**30}, 400, "invalid"),
        ({"product": ["stretching-guide"], "consent": True}, 400, "invalid"),
        ({"product": "stretching-guide"}, 400, "invalid"),
        ({"product": "stretching-guide", "consent": False}, 400, "invalid"),
        ({"product": "stretching-guide", "consent": "yes"}, 400, "invalid"),
        ({}, 400, "invalid"),
    ],
)
def test_bad_checkout_input_is_refused_and_nothing_is_ordered(client, guide, demo_payments, case):
    payload, status, code = case
    response = client.post("/api/checkout", payload, content_type="application/json", headers=_auth(UserFactory()))

    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert Order.objects.count() == 0


def test_checkout_needs_a_signed_in_caller(client, guide, demo_payments):
    response = client.post("/api/checkout", {"product": guide.slug, "consent": True}, content_type="application/json")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_browser_checkout_needs_the_csrf_token(guide, demo_payments):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(UserFactory())

    response = browser.post("/api/checkout", {"product": guide.slug, "consent": True}, content_type="application/json")

    assert response.status_code == 403
    assert Order.objects.count() == 0


def test_owned_product_cannot_be_bought_again(client, guide, demo_payments):
    buyer = UserFactory()
    grant(buyer, guide)

    response = client.post(
        "/api/checkout", {"product": guide.slug, "consent": True}, content_type="application/json", headers=_auth(buyer)
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_owned"


def test_checkout_with_payments_off_is_a_clear_503(client, guide, settings):
    settings.STRIPE_SECRET_KEY, settings.SHOP_DEMO = "", False

    response = client.post(
        "/api/checkout",
        {"product": guide.slug, "consent": True},
        content_type="application/json",
        headers=_auth(UserFactory()),
    )

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "payments_off"


def test_order_status_is_for_its_owner_only(client, guide):
    owner, other = UserFactory(), UserFactory()
    order = OrderFactory(product=guide, user=owner)

    mine = client.get(f"/api/orders/{order.pk}", headers=_auth(owner))
    theirs = client.get(f"/api/orders/{order.pk}", headers=_auth(other))
    missing = client.get(f"/api/orders/{order.pk + 1000}", headers=_auth(other))

    assert mine.status_code == 200
    assert mine.json()["status"] == "pending"
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()


def test_an_order_whose_payment_did_not_match_shows_as_needing_a_refund(client, guide):
    owner = UserFactory()
    order = OrderFactory(product=guide, user=owner, status="needs_refund", amount_paid=1900)

    response = client.get(f"/api/orders/{order.pk}", headers=_auth(owner))

    assert response.status_code == 200
    assert response.json()["status"] == "needs_refund"


@pytest.mark.parametrize("order_id", ["0", "-1", "99999999999999999999", "abc"])
def test_order_ids_out_of_range_are_a_400(client, order_id):
    response = client.get(f"/api/orders/{order_id}", headers=_auth(UserFactory()))

    assert response.status_code in (400, 404)
    assert "error" in response.json()


def test_library_lists_owned_guides_with_fresh_signed_links(client, guide):
    buyer = UserFactory()
    grant(buyer, guide)

    items = client.get("/api/library", headers=_auth(buyer)).json()["items"]
    client.force_login(buyer)
    download = client.get(items[0]["files"][0]["url"])

    assert [item["slug"] for item in items] == ["stretching-guide"]
    assert items[0]["files"][0]["url"].startswith("http://testserver/shop/download/")
    assert download.status_code == 200


def test_expired_or_made_up_token_is_a_401(client):
    response = client.get("/api/library", headers={"X-Session-Token": "not-a-session"})

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_who_am_i(client):
    user = UserFactory(email="reader@example.com")

    anonymous = client.get("/api/account/me").json()
    signed_in = client.get("/api/account/me", headers=_auth(user)).json()

    assert anonymous == {"authenticated": False, "user": None}
    assert signed_in["user"]["email"] == "reader@example.com"


def test_a_visitors_catalogue_is_public_and_a_callers_private(client, guide):
    buyer = UserFactory()

    visitor = client.get("/api/catalogue/products")
    one = client.get(f"/api/catalogue/products/{guide.slug}")
    by_token = client.get("/api/catalogue/products", headers=_auth(buyer))
    by_basic_auth = client.get("/api/catalogue/products", headers={"Authorization": "Basic c3RhZ2luZzpwdw=="})
    client.force_login(buyer)
    by_session = client.get("/api/catalogue/products")

    assert visitor["Cache-Control"] == "public, max-age=0, s-maxage=60"
    assert one["Cache-Control"] == "public, max-age=0, s-maxage=60"
    for response in (by_token, by_basic_auth, by_session):
        assert response["Cache-Control"] == "private, no-cache"
    for response in (visitor, by_token, by_session):
        assert {"Cookie", "Authorization", "X-Session-Token"} <= {v.strip() for v in response["Vary"].split(",")}


def test_other_answers_stay_private_even_for_visitors(client, guide):
    missing = client.get("/api/catalogue/products/no-such-guide")
    me = client.get("/api/account/me")

    assert missing["Cache-Control"] == "private, no-store"
    assert me["Cache-Control"] == "private, no-cache"


def test_the_page_cache_keeps_a_visitors_catalogue_until_a_price_changes(
    client, guide, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_ENABLED = True
    ProductFactory.create_batch(3)  # a catalogue long enough to be worth compressing
    first = client.get("/api/catalogue/products", headers={"Accept-Encoding": "gzip"})
    second = client.get("/api/catalogue/products", headers={"Accept-Encoding": "gzip"})
    with django_capture_on_commit_callbacks(execute=True):
        guide.price_amount = 2400
        guide.save()

    after = client.get("/api/catalogue/products")

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second["Content-Encoding"] == "gzip"
    assert after["X-Page-Cache"] == "miss"
    assert {p["slug"]: p["price"]["amount"] for p in after.json()}[guide.slug] == 2400


def test_the_page_cache_never_answers_a_signed_in_caller_with_a_visitors_catalogue(client, guide, settings):
    settings.PAGE_CACHE_ENABLED = True
    buyer = UserFactory()
    grant(buyer, guide)
    client.get("/api/catalogue/products")
    client.get("/api/catalogue/products")

    mine = client.get("/api/catalogue/products", headers=_auth(buyer))

    assert not mine.has_header("X-Page-Cache")
    assert mine.json()[0]["owned"] is True


def _pdf() -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 720, "Chapter one: the pelvis")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_app_client_downloads_an_owned_pdf_stamped_with_its_email(client):
    guide = ProductFactory(name="Pelvic torsion guide", slug="pelvic-torsion-guide")
    ProductFile.objects.create(product=guide, title="Guide", format="pdf", file=ContentFile(_pdf(), name="g.pdf"))
    buyer = UserFactory(email="reader@example.com")
    grant(buyer, guide)
    library = client.get("/api/library", headers=_auth(buyer)).json()
    api_url = library["items"][0]["files"][0]["api_url"]

    response = client.get(api_url, headers=_auth(buyer))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Chapter one" in text
    assert "reader@example.com" in text


def test_app_download_link_is_refused_to_another_account(client, guide):
    buyer, stranger = UserFactory(), UserFactory()
    grant(buyer, guide)
    api_url = client.get("/api/library", headers=_auth(buyer)).json()["items"][0]["files"][0]["api_url"]

    response = client.get(api_url, headers=_auth(stranger))

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "download_refused"
    assert b"PK epub" not in response.content


def test_unreadable_pdf_gets_a_clear_503_not_a_500(client):
    guide = ProductFactory(name="Broken guide", slug="broken-guide")
    ProductFile.objects.create(
        product=guide, title="Broken", format="pdf", file=ContentFile(b"%PDF-1.4 not really", name="b.pdf")
    )
    buyer = UserFactory()
    grant(buyer, guide)
    api_url = client.get("/api/library", headers=_auth(buyer)).json()["items"][0]["files"][0]["api_url"]

    response = client.get(api_url, headers=_auth(buyer))

    assert response.status_code == 503
    assert "cannot be prepared" in response.json()["error"]["message"]
