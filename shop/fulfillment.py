"""Exactly-once fulfilment: paid sessions become access and one receipt; refunds and disputes follow the charge."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from core import accounts, outbox
from shop import entitlements, receipts, stripe_gateway
from shop.entitlements import Actor
from shop.models import CheckoutSession, CustomerMessage, Order, Product, StripeEvent, format_money

logger = logging.getLogger(__name__)

PAID_STATUSES = ("paid", "no_payment_required")
# The open statuses Stripe documents today. Any other status that is not closed (Stripe adds new ones, such
# as the appeal statuses) counts as open too: access pauses until the dispute is known to be over.
OPEN_DISPUTE_STATUSES = (
    "warning_needs_response",
    "warning_under_review",
    "needs_response",
    "under_review",
    "appeal_needs_response",
    "appeal_under_review",
)
CLOSED_DISPUTE_STATUSES = ("won", "lost", "warning_closed", "prevented")


@dataclass(frozen=True)
class Outcome:
    """What one call did: `applied`, `duplicate` (event seen before), `unknown` (not our order) or `unchanged`."""

    result: str
    order_id: int | None = None
    order_status: str = ""


@dataclass(frozen=True)
class ChargeAccess:
    status: entitlements.Status
    reason: str


def charge_access(*, amount_paid: int, amount_refunded: int, dispute_status: str, refund_policy: str) -> ChargeAccess:  # noqa: PLR0911
    """Access decided from the payment's current state alone, so the order events came in cannot matter."""
    if dispute_status == "lost":
        return ChargeAccess("revoked", "The payment was disputed with the bank and the dispute was lost.")
    if amount_paid > 0 and amount_refunded >= amount_paid:
        return ChargeAccess("refunded", "The payment was refunded in full.")
    if dispute_is_open(dispute_status):
        return ChargeAccess("disputed", "Paused while the bank reviews a dispute about this payment.")
    if amount_refunded > 0 and refund_policy == Product.PartialRefundPolicy.REVOKE:
        return ChargeAccess("refunded", "The payment was partly refunded, which ends access to this product.")
    if amount_refunded > 0:
        return ChargeAccess("active", "Paid; partly refunded, access kept.")
    if dispute_status in CLOSED_DISPUTE_STATUSES:
        return ChargeAccess("active", "Paid; a dispute about this payment was closed in your favour.")
    return ChargeAccess("active", "Paid.")


def dispute_is_open(status: str) -> bool:
    """Any dispute status that is not a known closed one, including statuses this code has never seen."""
    return bool(status) and status not in CLOSED_DISPUTE_STATUSES


def _dispute_rank(status: str) -> int:
    if status in CLOSED_DISPUTE_STATUSES:
        return 2
    if dispute_is_open(status):
        return 1
    return 0


def session_problem(  # noqa: PLR0911
    *,
    session: stripe_gateway.CheckoutSession,
    opened: bool,
    order_id: int,
    product_id: int,
    amount: int,
    currency: str,
    tax_behavior: str,
) -> str:
    """Why this session cannot pay for this order, from the session's own fields; "" when it can.

    `tax_behavior` is "" when Stripe Tax is off, else "inclusive" or "exclusive" (STRIPE_TAX_BEHAVIOR).
    Promotion codes are allowed at checkout, so a discount is fine as long as the sums add up.
    """
    if not opened:
        return f"Checkout Session {session.id} was not opened by this order."
    if not session.currency or session.currency != currency.lower():
        return f"Paid in {session.currency.upper() or 'no currency'}; the order is in {currency.upper()}."
    if session.amount_subtotal != amount:
        subtotal = "no subtotal" if session.amount_subtotal is None else format_money(session.amount_subtotal, currency)
        return f"The session's subtotal is {subtotal}; the order's price is {format_money(amount, currency)}."
    if session.metadata.get("order_id") != str(order_id) or session.client_reference_id not in ("", str(order_id)):
        return "The session names another order."
    if session.metadata.get("product_id") != str(product_id):
        return "The session names another product."
    if session.amount_shipping:
        return "The session charged shipping, which this shop never asks for."
    if not 0 <= session.amount_discount <= amount:
        return "The session's discount is larger than the price."
    if not tax_behavior and session.amount_tax:
        return "The session charged tax, but Stripe Tax is switched off."
    added_tax = session.amount_tax if tax_behavior == "exclusive" else 0
    expected_total = amount - session.amount_discount + added_tax
    if session.amount_total != expected_total:
        return (
            f"The session's total ({session.amount_total}) is not the price less the discount"
            f"{' plus tax' if added_tax else ''} ({expected_total})."
        )
    return ""


def _tax_behavior() -> str:
    return settings.STRIPE_TAX_BEHAVIOR if settings.STRIPE_TAX else ""


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


def _already_applied(event: stripe_gateway.Event | None) -> bool:
    done = (StripeEvent.Status.PROCESSED, StripeEvent.Status.IGNORED)
    return event is not None and StripeEvent.objects.filter(event_id=event.id, status__in=done).exists()


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


def _lock_order(*, order_id: int | None, payment_intent_id: str = "") -> Order | None:
    query = Order.objects.select_for_update().select_related("product")
    if order_id is not None and (order := query.filter(pk=order_id).first()) is not None:
        return order
    if payment_intent_id:
        return query.filter(stripe_payment_intent_id=payment_intent_id).first()
    return None


def _lock_order_for_session(session: stripe_gateway.CheckoutSession) -> tuple[Order | None, bool]:
    """The order that opened this session (and True), else the order its metadata names (and False)."""
    owner = CheckoutSession.objects.filter(session_id=session.id).values_list("order_id", flat=True).first()
    order = _lock_order(order_id=owner if owner is not None else session.order_id)
    return order, owner is not None and order is not None


def _actor(event: stripe_gateway.Event | None) -> Actor:
    return Actor.for_stripe_event(event.id) if event is not None else Actor.for_checkout()


def _apply_access(order: Order, actor: Actor, *, reason: str = "") -> None:
    if order.status != Order.Status.PAID or order.user is None:
        return
    access = charge_access(
        amount_paid=order.amount_paid or 0,
        amount_refunded=order.amount_refunded,
        dispute_status=order.dispute_status,
        refund_policy=order.product.partial_refund_policy,
    )
    entitlements.apply_status(
        user=order.user,
        product=order.product,
        order=order,
        status=access.status,
        actor=actor,
        reason=reason or access.reason,
    )


def _reject(
    *, order: Order, session: stripe_gateway.CheckoutSession, event: stripe_gateway.Event | None, problem: str
) -> Outcome:
    """A session that cannot pay for this order grants nothing; money it took is marked for a refund.

    The event counts as handled (Stripe stops retrying) and is listed as rejected with the reason.
    """
    logger.warning(
        "Checkout session does not match its order",
        extra={"order_id": order.pk, "session_id": session.id, "problem": problem},
    )
    if event is not None:
        StripeEvent.objects.filter(event_id=event.id).update(status=StripeEvent.Status.REJECTED, last_error=problem)
    money_taken = session.status == "complete" and session.payment_status == "paid" and bool(session.amount_total)
    if money_taken and order.status != Order.Status.PAID:
        order.status = Order.Status.NEEDS_REFUND
        order.payment_problem = f"{problem} (session {session.id})"[:500]
        order.stripe_payment_intent_id = session.payment_intent_id
        order.amount_paid = session.amount_total
        order.amount_refunded = 0
        order.email = order.email or session.customer_email
        order.closed_at = timezone.now()
        order.save()
    return Outcome("rejected", order.pk, order.status)


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
            "receipt_number": order.receipt_display,
            "order_url": reverse("shop:order_detail", kwargs={"order_id": order.pk}),
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
        order, opened = _lock_order_for_session(session)
        if order is None:
            logger.warning("Checkout session for an unknown order", extra={"session_id": session.id})
            _ignore(event)
            return Outcome("unknown")
        problem = session_problem(
            session=session,
            opened=opened,
            order_id=order.pk,
            product_id=order.product_id,
            amount=order.amount,
            currency=order.currency,
            tax_behavior=_tax_behavior(),
        )
        if problem:
            return _reject(order=order, session=session, event=event, problem=problem)
        if order.status == Order.Status.PAID:
            return Outcome("unchanged", order.pk, order.status)
        if session.status != "complete" or session.payment_status not in PAID_STATUSES:
            # Completed with a delayed payment method: remember who pays and wait for async_payment_succeeded.
            if session.payment_intent_id and not order.stripe_payment_intent_id:
                order.stripe_payment_intent_id = session.payment_intent_id
                order.email = order.email or session.customer_email
                order.save(update_fields=["stripe_payment_intent_id", "email"])
            return Outcome("unchanged", order.pk, order.status)
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
        order.amount_tax = session.amount_tax
        order.amount_discount = session.amount_discount
        order.buyer_country = session.customer_country or order.buyer_country
        order.buyer_vat_number = order.buyer_vat_number or session.customer_tax_id
        if order.receipt_number is None:
            order.receipt_series, order.receipt_number = receipts.next_number()
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
        order, opened = _lock_order_for_session(session)
        if order is None:
            _ignore(event)
            return Outcome("unknown")
        if not opened:
            # Someone else's session naming this order closes nothing.
            return Outcome("unchanged", order.pk, order.status)
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
    if _already_applied(event):
        # A redelivery costs no call to Stripe (its rate limit is shared with checkout); the claim below
        # still decides when two deliveries race past this check.
        return Outcome("duplicate")
    try:
        state = stripe_gateway.get_gateway().retrieve_charge_state(charge_id=charge_id)
    except stripe_gateway.NotFoundError:
        # No such charge (demo payments have none): nothing to bring in line, and a retry would not help.
        logger.info("Charge not found at the payment provider", extra={"charge_id": charge_id})
        with transaction.atomic():
            if _claim(event):
                _ignore(event)
        return Outcome("unknown")
    with transaction.atomic():
        if not _claim(event):
            return Outcome("duplicate")
        order = _lock_order(order_id=state.order_id, payment_intent_id=state.payment_intent_id)
        if order is not None and order.stripe_payment_intent_id not in ("", state.payment_intent_id):
            # A charge of another payment that names this order (e.g. a rejected session's) changes nothing here.
            logger.info("Charge of another payment for the order", extra={"order_id": order.pk})
            order = None
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
    refundable = order.status in (Order.Status.PAID, Order.Status.NEEDS_REFUND)
    if not refundable or not order.stripe_payment_intent_id:
        raise RefundError("Only paid orders with a Stripe payment can be refunded.")
    remaining = (order.amount_paid or 0) - order.amount_refunded
    if remaining <= 0:
        raise RefundError("This order has already been refunded in full.")
    if amount is not None and not 0 < amount <= remaining:
        smallest = format_money(1, order.currency)
        raise RefundError(f"The refund must be between {smallest} and {format_money(remaining, order.currency)}.")
    # The same request twice (a double click, a retry after no answer) carries the same key and refunds once.
    # Stripe replays an error it answered for a day, so after one the next try moves to a new attempt.
    asked = amount if amount is not None else "full"
    key = f"refund-order-{order.pk}-{asked}-from-{order.amount_refunded}-attempt-{order.refund_attempt}"
    try:
        refund_id = stripe_gateway.get_gateway().refund(
            payment_intent_id=order.stripe_payment_intent_id, amount=amount, idempotency_key=key
        )
    except stripe_gateway.GatewayUnreachableError:
        raise
    except stripe_gateway.GatewayError:
        Order.objects.filter(pk=order.pk, refund_attempt=order.refund_attempt).update(
            refund_attempt=F("refund_attempt") + 1
        )
        raise
    logger.info(
        "Refund requested", extra={"order_id": order.pk, "refund_id": refund_id, "admin_user_id": admin_user.pk}
    )
    return refund_id


class MoveError(ValueError):
    """The purchase cannot be moved as asked; the message says why."""


def move_order(*, order_id: int, email: str, actor: Actor, reason: str) -> Order:
    """Move an order and its access to the account for `email` (a buyer who mistyped it at Stripe).

    The old account's entitlements from this order are revoked and the new account gets what the payment's
    current state allows; both changes are recorded with the actor and the reason.
    """
    new_user = accounts.user_for_email(email)
    with transaction.atomic():
        order = _lock_order(order_id=order_id)
        if order is None:
            raise MoveError("That order does not exist.")
        old_user = order.user
        if old_user is not None and old_user.pk == new_user.pk:
            raise MoveError("This purchase already belongs to that address.")
        old_address = (old_user.email if old_user else "") or order.email or "no account"
        if old_user is not None:
            entitlements.revoke(
                user=old_user,
                product=order.product,
                order=order,
                actor=actor,
                reason=f"Moved to {new_user.email}: {reason}",
                message=CustomerMessage.MOVED,
            )
        order.user = new_user
        order.email = new_user.email
        order.save(update_fields=["user", "email"])
        _apply_access(order, actor, reason=f"Moved from {old_address}: {reason}")
    logger.info("Order moved to another account", extra={"order_id": order.pk, "user_id": new_user.pk})
    return order
