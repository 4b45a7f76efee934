"""The demo checkout page's actions: Pay sends a signed checkout.session.completed through the webhook code."""

import logging

from django.core.exceptions import ValidationError

from core import accounts
from core.errors import DomainError
from shop import stripe_gateway, webhooks
from shop.models import Order

logger = logging.getLogger(__name__)


class DemoCheckoutError(DomainError):
    """The demo session is closed, demo payments are off, or the form is incomplete; the message is safe to show."""

    title = "Demo checkout"


class UnknownDemoCheckoutError(DemoCheckoutError):
    status = 404
    code = "not_found"
    message = "This demo checkout does not exist."


def open_order(*, session_id: str) -> Order:
    order = Order.objects.select_related("product").filter(stripe_session_id=session_id).first()
    if order is None or not session_id.startswith("cs_demo_"):
        raise UnknownDemoCheckoutError
    return order


def pay(*, session_id: str, email: str, consent: bool) -> Order:
    """Play Stripe: build the completed session event, sign it with the install's secret, deliver it."""
    gateway = stripe_gateway.get_gateway()
    if not getattr(gateway, "demo", False):
        raise DemoCheckoutError("Demo payments are switched off.")
    order = open_order(session_id=session_id)
    if order.status != Order.Status.PENDING:
        raise DemoCheckoutError("This checkout is already closed.")
    if not consent:
        raise DemoCheckoutError("Please accept the terms and immediate delivery to continue.")
    try:
        email = accounts.normalise_email(order.email or email)
    except ValidationError as error:
        raise DemoCheckoutError("Please enter a valid e-mail address.") from error
    data = gateway.session_object(order=order, status="complete", payment_status="paid", email=email)
    payload = gateway.event_payload(event_type=stripe_gateway.CHECKOUT_SESSION_COMPLETED, data=data)
    webhooks.receive(payload=payload, signature=gateway.sign(payload))
    logger.info("Demo payment", extra={"order_id": order.pk})
    order.refresh_from_db()
    return order


def cancel(*, session_id: str) -> Order:
    """Play Stripe's expiry: the checkout.session.expired event closes the order."""
    gateway = stripe_gateway.get_gateway()
    if not getattr(gateway, "demo", False):
        raise DemoCheckoutError("Demo payments are switched off.")
    order = open_order(session_id=session_id)
    if order.status == Order.Status.PENDING:
        data = gateway.session_object(order=order, status="expired", payment_status="unpaid", email=order.email)
        payload = gateway.event_payload(event_type=stripe_gateway.CHECKOUT_SESSION_EXPIRED, data=data)
        webhooks.receive(payload=payload, signature=gateway.sign(payload))
        order.refresh_from_db()
    return order
