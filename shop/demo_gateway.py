"""Demo payments for a fresh install (SHOP_DEMO=1): a local checkout page, Stripe-shaped signed events, no money."""

import hashlib
import hmac
import json
import secrets
import time
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from shop import stripe_gateway
from shop.models import Order


def demo_webhook_secret() -> str:
    """The install's generated secret (written by `make run`), or one derived from SECRET_KEY."""
    if settings.STRIPE_WEBHOOK_SECRET:
        return settings.STRIPE_WEBHOOK_SECRET
    digest = hmac.new(settings.SECRET_KEY.encode(), b"shop-demo-webhook", hashlib.sha256).hexdigest()
    return f"whsec_demo_{digest}"


class DemoGateway:
    """Stands in for Stripe when SHOP_DEMO=1: sessions live on the order, events are signed locally."""

    demo = True

    def __init__(self, *, webhook_secret: str = ""):
        self.webhook_secret = webhook_secret or demo_webhook_secret()

    def create_checkout_session(self, *, request: stripe_gateway.CheckoutRequest) -> stripe_gateway.CheckoutSession:
        session_id = f"cs_demo_{request.order_id}_{secrets.token_hex(8)}"
        base = urlsplit(request.success_url)
        url = f"{base.scheme}://{base.netloc}{reverse('shop:demo_checkout', kwargs={'session_id': session_id})}"
        return stripe_gateway.CheckoutSession(
            id=session_id,
            url=url,
            status="open",
            payment_status="unpaid",
            client_reference_id=str(request.order_id),
            metadata={"order_id": str(request.order_id), "product_id": str(request.product_id)},
            payment_intent_id="",
            amount_total=request.amount,
            currency=request.currency,
            customer_email=request.customer_email,
            expires_at=timezone.now() + timedelta(hours=24),
        )

    def session_object(self, *, order: Order, status: str, payment_status: str, email: str) -> dict[str, Any]:
        """The session as Stripe would put it in an event."""
        return {
            "id": order.stripe_session_id,
            "object": "checkout.session",
            "mode": "payment",
            "status": status,
            "payment_status": payment_status,
            "amount_subtotal": order.amount,
            "amount_total": order.amount,
            "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
            "currency": order.currency,
            "client_reference_id": str(order.pk),
            "metadata": {"order_id": str(order.pk), "product_id": str(order.product_id)},
            "customer_details": {"email": email} if email else None,
            "customer_email": order.email or None,
            "payment_intent": None,
            "consent": {"terms_of_service": "accepted" if status == "complete" else None},
            "livemode": False,
        }

    def expire_checkout_session(self, *, session_id: str) -> stripe_gateway.CheckoutSession:
        """A demo session is payable only while it is the order's latest, so replacing it closes it."""
        return stripe_gateway.CheckoutSession(
            id=session_id,
            url="",
            status="expired",
            payment_status="unpaid",
            client_reference_id="",
            metadata={},
            payment_intent_id="",
            amount_total=None,
            currency="",
            customer_email="",
            expires_at=None,
        )

    def retrieve_checkout_session(self, *, session_id: str) -> stripe_gateway.CheckoutSession:
        order = Order.objects.filter(stripe_session_id=session_id).first()
        if order is None:
            raise stripe_gateway.NotFoundError("No such demo checkout session.")
        if order.status == Order.Status.PAID:
            status, payment_status = "complete", "paid"
        elif order.status == Order.Status.PENDING:
            status, payment_status = "open", "unpaid"
        else:
            status, payment_status = "expired", "unpaid"
        data = self.session_object(order=order, status=status, payment_status=payment_status, email=order.email)
        return stripe_gateway.session_from_dict(data)

    def event_payload(self, *, event_type: str, data: dict[str, Any]) -> bytes:
        event = {
            "id": f"evt_demo_{secrets.token_hex(12)}",
            "object": "event",
            "api_version": "2025-01-27.acacia",
            "created": int(time.time()),
            "type": event_type,
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "data": {"object": data},
        }
        return json.dumps(event).encode()

    def sign(self, payload: bytes) -> str:
        return stripe_gateway.sign_payload(payload=payload, secret=self.webhook_secret)

    def parse_webhook(self, *, payload: bytes, signature: str) -> stripe_gateway.Event:
        return stripe_gateway.parse_webhook(payload=payload, signature=signature, secret=self.webhook_secret)

    def retrieve_charge_state(self, *, charge_id: str) -> stripe_gateway.ChargeState:
        raise stripe_gateway.NotFoundError("Demo payments have no charges.")

    def refund(self, *, payment_intent_id: str, amount: int | None, idempotency_key: str) -> str:
        raise stripe_gateway.GatewayError("Demo payments cannot be refunded; revoke access instead.")

    def list_events(self, *, since):
        return iter(())
