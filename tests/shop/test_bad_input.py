"""Bad input to the shop's views: a clear 4xx, nothing written, and the same answer whether a victim exists or not."""

import io
import time

import pytest
from django.contrib.sessions.models import Session
from django.core import signing
from django.core.files.base import ContentFile
from django.test import Client
from reportlab.pdfgen.canvas import Canvas

from shop import downloads, entitlements
from shop.entitlements import Actor
from shop.models import Download, Entitlement, Order, ProductFile, StripeEvent
from tests.shop.conftest import buy
from tests.shop.factories import OrderFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


def _nothing_written(fake):
    assert Order.objects.count() == 0
    assert Session.objects.count() == 0
    assert fake.requests == []


def _lead(response) -> str:
    """The page's title and message, which is what a visitor reads."""
    html = response.content.decode()
    return html[html.index("<h1>") : html.index("</p>", html.index("<h1>"))]


# --- the buy POST ---------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["no-such-guide", "retired-guide"])
def test_unknown_or_inactive_product_is_404_and_nothing_is_written(client, fake_stripe, slug):
    ProductFactory(slug="retired-guide", active=False)

    page = client.get(f"/shop/buy/{slug}/")
    posted = client.post(f"/shop/buy/{slug}/", {"token": "abc123", "price": "1900", "consent": "on"})

    assert (page.status_code, posted.status_code) == (404, 404)
    assert b"does not exist or is no longer for sale" in posted.content
    _nothing_written(fake_stripe)


@pytest.mark.parametrize("price", ["1", "0", "-1900", "19.00", "abc", "1900 "])
def test_tampered_price_is_refused_and_nothing_is_written(client, fake_stripe, guide, price):
    response = buy(client, guide, price=price)

    assert response.status_code == 400
    assert b"nothing was ordered" in response.content
    _nothing_written(fake_stripe)


@pytest.mark.parametrize("quantity", ["2", "0", "-1", "1.5", "100"])
def test_tampered_quantity_is_refused_and_nothing_is_written(client, fake_stripe, guide, quantity):
    response = buy(client, guide, quantity=quantity)

    assert response.status_code == 400
    assert b"one copy" in response.content
    _nothing_written(fake_stripe)


def test_amount_sent_to_stripe_comes_from_our_database_whatever_else_is_posted(client, fake_stripe, guide):
    response = client.post(
        f"/shop/buy/{guide.slug}/",
        {"token": "t-db-price", "consent": "on", "amount": "1", "unit_amount": "1", "currency": "jpy"},
    )

    assert response.status_code == 303
    order = Order.objects.get()
    assert (order.amount, order.currency) == (1900, "usd")
    [(_method, _path, params, _key)] = fake_stripe.requests_to("POST", "/v1/checkout/sessions")
    assert params["line_items"][0]["price_data"]["unit_amount"] == "1900"
    assert params["line_items"][0]["price_data"]["currency"] == "usd"
    assert params["line_items"][0]["quantity"] == "1"


@pytest.mark.parametrize("token", ["", "has spaces", "x" * 65, "<script>"])
def test_broken_form_token_is_refused(client, fake_stripe, guide, token):
    response = buy(client, guide, token=token)

    assert response.status_code == 400
    _nothing_written(fake_stripe)


def test_someone_elses_form_token_is_refused_and_their_order_untouched(fake_stripe, guide):
    assert buy(Client(), guide, token="shared-token").status_code == 303

    response = buy(Client(), guide, token="shared-token")

    assert response.status_code == 400
    assert Order.objects.count() == 1
    assert len(fake_stripe.requests_to("POST", "/v1/checkout/sessions")) == 1


# --- order pages ----------------------------------------------------------------------------------


def test_foreign_order_id_gets_the_same_answer_as_a_missing_one(client):
    theirs = OrderFactory(user=UserFactory(email="them@example.com"), email="them@example.com")
    client.force_login(UserFactory(email="me@example.com"))

    foreign = client.get(f"/shop/orders/{theirs.pk}/")
    missing = client.get(f"/shop/orders/{theirs.pk + 1000}/")

    assert (foreign.status_code, missing.status_code) == (404, 404)
    assert _lead(foreign) == _lead(missing)
    assert b"them@example.com" not in foreign.content


def test_order_page_needs_a_signed_in_owner(client):
    order = OrderFactory(user=UserFactory())

    response = client.get(f"/shop/orders/{order.pk}/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_own_order_page_shows_the_order(client):
    me = UserFactory()
    order = OrderFactory(user=me, email=me.email)
    client.force_login(me)

    response = client.get(f"/shop/orders/{order.pk}/")

    assert response.status_code == 200
    assert order.number.encode() in response.content


# --- the success page ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "session_id", ["", "cs_test_made_up_000001", "../../etc/passwd", "cs_" + "a" * 300, "pi_123", "cs_test_ü"]
)
def test_made_up_session_id_is_404_and_stripe_is_not_asked(client, fake_stripe, session_id):
    response = client.get("/shop/checkout/success/", {"session_id": session_id})

    assert response.status_code == 404
    assert b"cannot find that order" in response.content
    assert fake_stripe.requests == []
    assert StripeEvent.objects.count() == 0


def test_another_browsers_real_session_gets_the_same_answer_as_a_made_up_one(fake_stripe, guide):
    buyer = Client()
    assert buy(buyer, guide).status_code == 303
    session_id = next(iter(fake_stripe.sessions))
    fake_stripe.complete(session_id, email="ann@example.com")
    stranger = Client()
    stranger.force_login(UserFactory(email="stranger@example.com"))

    real = stranger.get("/shop/checkout/success/", {"session_id": session_id})
    made_up = stranger.get("/shop/checkout/success/", {"session_id": "cs_test_made_up_000001"})

    assert (real.status_code, made_up.status_code) == (404, 404)
    assert _lead(real) == _lead(made_up)
    assert b"ann@example.com" not in real.content
    order = Order.objects.get()
    assert (order.status, order.user) == ("pending", None)
    assert Entitlement.objects.count() == 0


# --- downloads -------------------------------------------------------------------------------------


def _pdf() -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 720, "Chapter one")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@pytest.fixture
def owned_file():
    owner = UserFactory(email="owner@example.com")
    product = ProductFactory()
    product_file = ProductFile.objects.create(
        product=product, title="The guide", file=ContentFile(_pdf(), name="guide.pdf")
    )
    order = OrderFactory(product=product, user=owner, email=owner.email, status="paid", browser_key="owners-browser")
    entitlements.grant(user=owner, product=product, order=order, actor=Actor.for_system(), reason="Paid.")
    return owner, product_file, order


def _url(owner, product_file, order):
    return downloads.url_for(token=downloads.token_for(user=owner, product_file=product_file, order=order))


def test_owner_downloads_a_stamped_private_pdf(client, owned_file):
    owner, product_file, order = owned_file
    client.force_login(owner)

    response = client.get(_url(*owned_file))

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert response["Cache-Control"] == "private, no-store"
    assert Download.objects.filter(user=owner, product_file=product_file, order=order).count() == 1


def test_expired_link_is_410(client, owned_file, monkeypatch):
    owner = owned_file[0]
    eight_days_ago = time.time() - 8 * 24 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: eight_days_ago)
    url = _url(*owned_file)
    monkeypatch.undo()
    client.force_login(owner)

    response = client.get(url)

    assert response.status_code == 410
    assert b"expired" in response.content
    assert response["Cache-Control"] == "private, no-store"
    assert Download.objects.count() == 0


@pytest.mark.parametrize("where", [-1, -10, 20])
def test_tampered_link_is_refused(client, owned_file, where):
    owner = owned_file[0]
    url = _url(*owned_file)
    token = url.rstrip("/").rsplit("/", 1)[1]
    flipped = token[:where] + ("A" if token[where] != "A" else "B") + token[where + 1 :]
    client.force_login(owner)

    response = client.get(f"/shop/download/{flipped}/")

    assert response.status_code == 403
    assert Download.objects.count() == 0


def test_someone_elses_link_gets_the_same_answer_as_a_forged_one(owned_file):
    url = _url(*owned_file)
    forged = downloads.url_for(
        token=downloads.token_for(user=UserFactory(), product_file=owned_file[1], order=None)
    ).replace(":", "x", 1)
    other = Client()
    other.force_login(UserFactory(email="other@example.com"))

    theirs = other.get(url)
    made_up = other.get(forged)

    assert (theirs.status_code, made_up.status_code) == (403, 403)
    assert _lead(theirs) == _lead(made_up)
    assert b"owner@example.com" not in theirs.content
    assert Download.objects.count() == 0


def test_link_for_a_file_that_is_gone_gets_the_same_answer_as_someone_elses(owned_file):
    owner, product_file, order = owned_file
    url = _url(owner, product_file, order)
    vanished = downloads.url_for(
        token=downloads.token_for(user=owner, product_file=ProductFile(pk=product_file.pk + 99), order=order)
    )
    client = Client()
    client.force_login(owner)

    stranger = Client()
    stranger.force_login(UserFactory())
    gone = client.get(vanished)
    foreign = stranger.get(url)

    assert (gone.status_code, foreign.status_code) == (403, 403)
    assert _lead(gone) == _lead(foreign)


def test_anonymous_visitor_with_a_leaked_link_is_refused(owned_file):
    response = Client().get(_url(*owned_file))

    assert response.status_code == 403
    assert Download.objects.count() == 0


def test_the_browser_that_bought_downloads_before_signing_in(owned_file):
    browser = Client()
    session = browser.session
    session["shop_browser_key"] = "owners-browser"
    session.save()

    response = browser.get(_url(*owned_file))

    assert response.status_code == 200
    assert Download.objects.count() == 1


def test_refunded_owner_can_no_longer_download(client, owned_file):
    owner, product_file, _order = owned_file
    entitlements.revoke(user=owner, product=product_file.product, actor=Actor.for_system(), reason="Refunded.")
    client.force_login(owner)

    response = client.get(_url(*owned_file))

    assert response.status_code == 403
    assert b"Access to this product has ended" in response.content
    assert Download.objects.count() == 0
