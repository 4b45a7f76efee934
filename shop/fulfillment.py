"""Exactly-once fulfilment: paid sessions become access and one receipt; refunds and disputes follow the charge."""

import logging
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from core import accounts, outbox
from shop import entitlements, stripe_gateway
from shop.entitlements import Actor
from shop.models import Order, Product, StripeEvent

logger = logging.getLogger(__name__)

PAID_STATUSES = ("paid", "no_payment_required")
OPEN_DISPUTE_STATUSES = ("warning_needs_response", "warning_under_review", "needs_response", "under_review")
CLOSED_DISPUTE_STATUSES = ("won", "lost", "warning_closed", "prevented")


@dataclass(frozen=True)
class Outcome:
    """What one call did: `applied`, `duplicate` (event seen before), `unknown` (not our order) or `unchanged`."""

    result: str
    order_id: int | None = None
    order_status: str = ""


@dataclass(frozen=True)
class Access:
    status: entitlements.Status
    reason: str


def access_for(*, amount_paid: int, amount_refunded: int, dispute_status: str, refund_policy: str) -> Access:  # noqa: PLR0911
    """Access decided from the payment's current state alone, so the order events came in cannot matter."""
    if dispute_status == "lost":
        return Access("revoked", "The payment was disputed with the bank and the dispute was lost.")
    if amount_paid > 0 and amount_refunded >= amount_paid:
        return Access("refunded", "The payment was refunded in full.")
    if dispute_status in OPEN_DISPUTE_STATUSES:
        return Access("disputed", "Paused while the bank reviews a dispute about this payment.")
    if amount_refunded > 0 and refund_policy == Product.PartialRefundPolicy.REVOKE:
        return Access("refunded", "The payment was partly refunded, which ends access to this product.")
    if amount_refunded > 0:
        return Access("active", "Paid; partly refunded, access kept.")
    if dispute_status in CLOSED_DISPUTE_STATUSES:
        return Access("active", "Paid; a dispute about this payment was closed in your favour.")
    return Access("active", "Paid.")


def _dispute_rank(status: str) -> int:
    if status in CLOSED_DISPUTE_STATUSES:
        return 2
    if status in OPEN_DISPUTE_STATUSES:
        return 1
    return 0


def merge_dispute_status(stored: str, current: str) -> str:
    """Dispute states only move forward (open, then closed): an older snapshot never undoes a newer one."""
    return current if _dispute_rank(current) >= _dispute_rank(stored) else stored


def _claim(event: stripe_gateway.Event | None) -> bool:
    """Claim the event id inside the caller's transaction; False if it was already applied."""
    if event is None:
        return True
    try:
        with transaction.atomic():
            row, created = StripeEvent.objects.get_or_create(
                event_id=event.id,
                defaults={
                    "type": event.type,
                    "status": StripeEvent.Status.PROCESSED,
                    "attempts": 1,
                    "processed_at": timezone.now(),
                    "stripe_created": event.created,
                },
            )
    except IntegrityError:
        row, created = StripeEvent.objects.get(event_id=event.id), False
    if created:
        return True
    row = StripeEvent.objects.select_for_update().get(pk=row.pk)
    if row.status in (StripeEvent.Status.PROCESSED, StripeEvent.Status.IGNORED):
        return False
    row.status = StripeEvent.Status.PROCESSED
    row.attempts += 1
    row.processed_at = timezone.now()
    row.last_error = ""
    row.save(update_fields=["status", "attempts", "processed_at", "last_error"])
    return True


def _ignore(event: stripe_gateway.Event | None) -> None:
    if event is not None:
        StripeEvent.objects.filter(event_id=event.id).update(status=StripeEvent.Status.IGNORED)


def record_failure(*, event: stripe_gateway.Event, error: BaseException) -> None:
    """Remember a failed event in its own transaction (the admin lists them; Stripe will retry)."""
    with transaction.atomic():
        row, _created = StripeEvent.objects.get_or_create(
            event_id=event.id,
            defaults={"type": event.type, "status": StripeEvent.Status.FAILED, "stripe_created": event.created},
        )
        row = StripeEvent.objects.select_for_update().get(pk=row.pk)
        if row.status == StripeEvent.Status.PROCESSED:
            return
        row.status = StripeEvent.Status.FAILED
        row.attempts += 1
        row.last_error = f"{type(error).__name__}: {error}"[:4000]
        row.save(update_fields=["status", "attempts", "last_error"])


def _lock_order(*, order_id: int | None, payment_intent_id: str = "", session_id: str = "") -> Order | None:
    query = Order.objects.select_for_update().select_related("product")
    if order_id is not None:
        order = query.filter(pk=order_id).first()
        if order is not None and session_id and order.stripe_session_id not in (None, "", session_id):
            # A session that is not the order's latest attempt still pays for the same order.
            logger.info("Session is an earlier attempt of the order", extra={"order_id": order.pk})
        if order is not None:
            return order
    if payment_intent_id:
        return query.filter(stripe_payment_intent_id=payment_intent_id).first()
    if session_id:
        return query.filter(stripe_session_id=session_id).first()
    return None


def _actor(event: stripe_gateway.Event | None) -> Actor:
    return Actor.for_stripe_event(event.id) if event is not None else Actor.for_checkout()


def _apply_access(order: Order, actor: Actor) -> None:
    if order.status != Order.Status.PAID or order.user is None:
        return
    access = access_for(
        amount_paid=order.amount_paid or 0,
        amount_refunded=order.amount_refunded,
        dispute_status=order.dispute_status,
        refund_policy=order.product.partial_refund_policy,
    )
    entitlements.apply_status(
        user=order.user, product=order.product, order=order, status=access.status, actor=actor, reason=access.reason
    )


def _send_receipt(order: Order) -> None:
    outbox.enqueue_email(
        key=f"receipt-order-{order.pk}",
        to=order.email,
        subject=f"Your receipt for {order.product.name} ({order.number})",
        template="shop/email/receipt",
        context={
            "email": order.email,
            "order_number": order.number,
            "product_name": order.product.name,
            "amount": order.amount_display,
            "library_url": reverse("shop:library"),
            "login_url": reverse("account_login"),
        },
    )


def _warn_if_in_transaction() -> None:
    if connection.in_atomic_block:
        logger.warning("Stripe is called inside a transaction; locks may be held across the network")


def fulfill_checkout(
    *,
    session_id: str,
    session: stripe_gateway.CheckoutSession | None = None,
    event: stripe_gateway.Event | None = None,
) -> Outcome:
    """Fulfil a Checkout Session once, however many times and from wherever it is called.

    The webhook passes the session from the event; the success page passes only its id and the session is
    retrieved here, before any transaction opens. Then one transaction claims the event, locks the order,
    marks it paid, grants access and writes the receipt to the outbox.
    """
    if session is None:
        _warn_if_in_transaction()
        session = stripe_gateway.get_gateway().retrieve_checkout_session(session_id=session_id)
    with transaction.atomic():
        if not _claim(event):
            return Outcome("duplicate")
        order = _lock_order(order_id=session.order_id, session_id=session.id)
        if order is None:
            logger.warning("Checkout session for an unknown order", extra={"session_id": session.id})
            _ignore(event)
            return Outcome("unknown")
        if order.status == Order.Status.PAID:
            return Outcome("unchanged", order.pk, order.status)
        if session.status != "complete" or session.payment_status not in PAID_STATUSES:
            # Completed with a delayed payment method: remember who pays and wait for async_payment_succeeded.
            if session.payment_intent_id and not order.stripe_payment_intent_id:
                order.stripe_payment_intent_id = session.payment_intent_id
                order.email = order.email or session.customer_email
                order.save(update_fields=["stripe_payment_intent_id", "email"])
            return Outcome("unchanged", order.pk, order.status)
        if session.currency and session.currency != order.currency:
            raise ValueError(f"Order {order.pk} was paid in {session.currency}, not {order.currency}")
        email = session.customer_email or order.email
        user = order.user or accounts.user_for_email(email)
        order.user = user
        order.email = email or user.email
        order.status = Order.Status.PAID
        order.paid_at = timezone.now()
        order.closed_at = None
        order.amount_paid = session.amount_total if session.amount_total is not None else order.amount
        order.stripe_payment_intent_id = session.payment_intent_id or order.stripe_payment_intent_id
        order.stripe_session_id = order.stripe_session_id or session.id
        order.terms_accepted = order.terms_accepted or session.terms_accepted
        order.save()
        _apply_access(order, _actor(event))
        _send_receipt(order)
        logger.info("Order paid", extra={"order_id": order.pk, "amount": order.amount_paid})
        return Outcome("applied", order.pk, order.status)


def close_checkout(*, session: stripe_gateway.CheckoutSession, event: stripe_gateway.Event, status: str) -> Outcome:
    """An expired session or a failed delayed payment closes a pending order (a paid one stays paid)."""
    with transaction.atomic():
        if not _claim(event):
            return Outcome("duplicate")
        order = _lock_order(order_id=session.order_id, session_id=session.id)
        if order is None:
            _ignore(event)
            return Outcome("unknown")
        if order.status != Order.Status.PENDING:
            return Outcome("unchanged", order.pk, order.status)
        if status == Order.Status.EXPIRED and order.stripe_session_id not in (None, "", session.id):
            # An earlier attempt expired; the order's current session may still be paid.
            return Outcome("unchanged", order.pk, order.status)
        order.status = status
        order.closed_at = timezone.now()
        order.save(update_fields=["status", "closed_at"])
        return Outcome("applied", order.pk, order.status)


def sync_charge(*, charge_id: str, event: stripe_gateway.Event | None = None, actor: Actor | None = None) -> Outcome:
    """Bring access in line with the charge as Stripe reports it now (refunds, disputes), whatever came first."""
    _warn_if_in_transaction()
    state = stripe_gateway.get_gateway().retrieve_charge_state(charge_id=charge_id)
    with transaction.atomic():
        if not _claim(event):
            return Outcome("duplicate")
        order = _lock_order(order_id=state.order_id, payment_intent_id=state.payment_intent_id)
        if order is None:
            logger.info("Charge for no order of ours", extra={"charge_id": charge_id})
            _ignore(event)
            return Outcome("unknown")
        order.amount_refunded = max(order.amount_refunded, state.amount_refunded)
        order.dispute_status = merge_dispute_status(order.dispute_status, state.dispute_status)
        order.stripe_charge_id = state.id
        order.stripe_payment_intent_id = order.stripe_payment_intent_id or state.payment_intent_id
        order.save(update_fields=["amount_refunded", "dispute_status", "stripe_charge_id", "stripe_payment_intent_id"])
        _apply_access(order, actor or _actor(event))
        return Outcome("applied", order.pk, order.status)


class RefundError(ValueError):
    """This order cannot be refunded as asked; the message says why."""


def refund_order(*, order_id: int, amount: int | None, admin_user) -> str:
    """Ask Stripe to refund (all, or `amount` minor units); the charge.refunded webhook then changes access."""
    order = Order.objects.select_related("product").get(pk=order_id)
    if order.status != Order.Status.PAID or not order.stripe_payment_intent_id:
        raise RefundError("Only paid orders with a Stripe payment can be refunded.")
    remaining = (order.amount_paid or 0) - order.amount_refunded
    if remaining <= 0:
        raise RefundError("This order has already been refunded in full.")
    if amount is not None and not 0 < amount <= remaining:
        raise RefundError(f"The refund must be between 0.01 and {remaining / 100:.2f}.")
    key = f"refund-order-{order.pk}-{amount if amount is not None else 'full'}-from-{order.amount_refunded}"
    refund_id = stripe_gateway.get_gateway().refund(
        payment_intent_id=order.stripe_payment_intent_id, amount=amount, idempotency_key=key
    )
    logger.info(
        "Refund requested", extra={"order_id": order.pk, "refund_id": refund_id, "admin_user_id": admin_user.pk}
    )
    return refund_id
