"""Stripe webhooks: verify, dispatch by event type, record failures so Stripe's retry (or reconcile) can finish."""

import logging
from collections.abc import Callable

from shop import fulfillment, stripe_gateway
from shop.models import Order
from shop.stripe_gateway import Event

logger = logging.getLogger(__name__)

# Stripe's events are a few kilobytes; anything above this is refused (413) before it is read or verified.
MAX_BODY_BYTES = 1024 * 1024


class BodyTooLargeError(Exception):
    """The delivery is larger than MAX_BODY_BYTES."""


def _session(event: Event) -> stripe_gateway.CheckoutSession:
    return stripe_gateway.session_from_dict(event.object)


def on_session_completed(event: Event) -> fulfillment.Outcome:
    session = _session(event)
    return fulfillment.fulfill_checkout(session_id=session.id, session=session, event=event)


def on_session_async_failed(event: Event) -> fulfillment.Outcome:
    return fulfillment.close_checkout(session=_session(event), event=event, status=Order.Status.FAILED)


def on_session_expired(event: Event) -> fulfillment.Outcome:
    return fulfillment.close_checkout(session=_session(event), event=event, status=Order.Status.EXPIRED)


def on_charge_changed(event: Event) -> fulfillment.Outcome:
    return fulfillment.sync_charge(charge_id=str(event.object["id"]), event=event)


def on_dispute_changed(event: Event) -> fulfillment.Outcome:
    charge = event.object.get("charge")
    charge_id = charge.get("id") if isinstance(charge, dict) else charge
    return fulfillment.sync_charge(charge_id=str(charge_id), event=event)


def on_refund_updated(event: Event) -> fulfillment.Outcome:
    return fulfillment.sync_charge(charge_id=str(event.object["charge"]), event=event)


HANDLERS: dict[str, Callable[[Event], fulfillment.Outcome]] = {
    stripe_gateway.CHECKOUT_SESSION_COMPLETED: on_session_completed,
    stripe_gateway.CHECKOUT_SESSION_ASYNC_PAYMENT_SUCCEEDED: on_session_completed,
    stripe_gateway.CHECKOUT_SESSION_ASYNC_PAYMENT_FAILED: on_session_async_failed,
    stripe_gateway.CHECKOUT_SESSION_EXPIRED: on_session_expired,
    stripe_gateway.CHARGE_REFUNDED: on_charge_changed,
    stripe_gateway.CHARGE_REFUND_UPDATED: on_refund_updated,
    stripe_gateway.CHARGE_DISPUTE_CREATED: on_dispute_changed,
    stripe_gateway.CHARGE_DISPUTE_UPDATED: on_dispute_changed,
    stripe_gateway.CHARGE_DISPUTE_CLOSED: on_dispute_changed,
}


def handle(event: Event) -> str:
    """Apply one verified event. Unknown types are ignored; a failure is recorded and raised again."""
    handler = HANDLERS.get(event.type)
    if handler is None:
        logger.info("Ignored Stripe event type", extra={"event_id": event.id, "event_type": event.type})
        return "ignored"
    try:
        outcome = handler(event)
    except Exception as error:
        logger.exception("Stripe event failed", extra={"event_id": event.id, "event_type": event.type})
        fulfillment.record_failure(event=event, error=error)
        raise
    logger.info(
        "Stripe event handled", extra={"event_id": event.id, "event_type": event.type, "result": outcome.result}
    )
    return outcome.result


def receive(*, payload: bytes, signature: str) -> str:
    """Verify a delivery (raises InvalidWebhookError before anything is stored) and apply it."""
    if len(payload) > MAX_BODY_BYTES:
        raise BodyTooLargeError
    event = stripe_gateway.get_gateway().parse_webhook(payload=payload, signature=signature)
    return handle(event)
