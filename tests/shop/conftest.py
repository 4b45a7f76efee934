"""Shop test fixtures: the fake Stripe server, signed webhook deliveries and a buyable guide."""

import json
import time

import pytest
from django.test import Client

from shop.stripe_gateway import sign_payload
from tests.fakestripe.server import FakeStripe
from tests.shop.factories import ProductFactory, UserFactory

WEBHOOK_SECRET = "whsec_test_secret_for_the_suite"


@pytest.fixture
def fake_stripe(settings):
    """A running fake Stripe, with the real gateway pointed at it."""
    fake = FakeStripe(secret_key="sk_test_fake")
    settings.STRIPE_API_BASE = fake.start()
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    settings.SHOP_DEMO = False
    yield fake
    fake.stop()


@pytest.fixture
def demo_payments(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.SHOP_DEMO = True
    settings.STRIPE_WEBHOOK_SECRET = "whsec_demo_generated_for_this_install"


def deliver(client, event: dict, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None, signature=None):
    """POST the event to the webhook as Stripe does: raw JSON body, Stripe-Signature header."""
    payload = json.dumps(event).encode()
    header = signature if signature is not None else sign_payload(payload=payload, secret=secret, timestamp=timestamp)
    return client.post(
        "/shop/stripe/webhook/", data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )


@pytest.fixture
def guide(db):
    return ProductFactory(name="Stretching guide", slug="stretching-guide", price_amount=1900, currency="usd")


@pytest.fixture
def staff():
    """A superuser signed in to the admin, as (user, client)."""
    user = UserFactory(email="stephen@example.com", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return user, client


def buy(client, product, *, token: str = "token-1", **extra):  # noqa: S107
    """Press the buy button on the product's buy page."""
    form = {"token": token, "price": str(product.price_amount), "consent": "on", **extra}
    return client.post(f"/shop/buy/{product.slug}/", {k: v for k, v in form.items() if v is not None})


def now() -> int:
    return int(time.time())
