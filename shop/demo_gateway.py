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
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from shop import stripe_gateway, webhooks
from shop.models import DemoRefund, Order

DEMO_PAYMENT_INTENT_PREFIX = "pi_demo_"
DEMO_CHARGE_PREFIX = "ch_demo_"


def demo_payment_intent_id(order: Order) -> str:
    return f"{DEMO_PAYMENT_INTENT_PREFIX}{order.pk}"


def demo_charge_id(order: Order) -> str:
    return f"{DEMO_CHARGE_PREFIX}{order.pk}"


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
            # A paid demo session names a payment, so the admin's refund button can refund it like Stripe's.
            "payment_intent": demo_payment_intent_id(order) if payment_status == "paid" else None,
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

    def _charged_order(self, *, charge_id: str = "", payment_intent_id: str = "") -> Order:
        prefix, raw = (DEMO_CHARGE_PREFIX, charge_id) if charge_id else (DEMO_PAYMENT_INTENT_PREFIX, payment_intent_id)
        number = raw.removeprefix(prefix) if raw.startswith(prefix) else ""
        order = Order.objects.filter(pk=int(number)).first() if number.isdigit() else None
        if order is None or order.stripe_payment_intent_id != demo_payment_intent_id(order):
            raise stripe_gateway.NotFoundError("No such demo payment.")
        return order

    def charge_object(self, *, order: Order) -> dict[str, Any]:
        """The order's demo charge as Stripe would put it in a charge.refunded event."""
        refunded = DemoRefund.objects.filter(order=order).aggregate(total=Sum("amount"))["total"] or 0
        paid = order.amount_paid or 0
        return {
            "id": demo_charge_id(order),
            "object": "charge",
            "amount": paid,
            "amount_captured": paid,
            "amount_refunded": refunded,
            "refunded": paid > 0 and refunded >= paid,
            "currency": order.currency,
            "paid": True,
            "status": "succeeded",
            "payment_intent": demo_payment_intent_id(order),
            "metadata": {"order_id": str(order.pk), "product_id": str(order.product_id)},
            "livemode": False,
        }

    def retrieve_charge_state(self, *, charge_id: str) -> stripe_gateway.ChargeState:
        order = self._charged_order(charge_id=charge_id)
        charge = self.charge_object(order=order)
        return stripe_gateway.ChargeState(
            id=charge["id"],
            payment_intent_id=charge["payment_intent"],
            amount=charge["amount"],
            amount_refunded=charge["amount_refunded"],
            refunded=charge["refunded"],
            currency=charge["currency"],
            dispute_status="",
            order_id=order.pk,
        )

    def refund(self, *, payment_intent_id: str, amount: int | None, idempotency_key: str) -> str:
        """Play Stripe's refund: keep it (the same key gives the same refund), then deliver a signed
        charge.refunded through the webhook code, exactly as Stripe would a moment later."""
        order = self._charged_order(payment_intent_id=payment_intent_id)
        existing = DemoRefund.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            charge = self.charge_object(order=order)
            remaining = charge["amount"] - charge["amount_refunded"]
            wanted = remaining if amount is None else amount
            if not 0 < wanted <= remaining:
                raise stripe_gateway.GatewayError("The refund is larger than what is left of the payment.")
            try:
                with transaction.atomic():
                    existing = DemoRefund.objects.create(
                        order=order,
                        refund_id=f"re_demo_{secrets.token_hex(8)}",
                        idempotency_key=idempotency_key,
                        amount=wanted,
                    )
            except IntegrityError:
                existing = DemoRefund.objects.get(idempotency_key=idempotency_key)
        payload = self.event_payload(event_type=stripe_gateway.CHARGE_REFUNDED, data=self.charge_object(order=order))
        webhooks.receive(payload=payload, signature=self.sign(payload))
        return existing.refund_id

    def list_events(self, *, since):
        return iter(())
