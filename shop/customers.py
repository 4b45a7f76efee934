"""One buyer as the shop's staff sees them: orders, refunds, disputes, access with its audit trail; staff actions."""

import logging
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count, Q

from core import accounts
from shop import entitlements, fulfillment, money, stripe_gateway
from shop.entitlements import Actor
from shop.models import (
    CustomerMessage,
    Download,
    Entitlement,
    EntitlementChange,
    Order,
    Product,
    RefundRequest,
    format_money,
)

logger = logging.getLogger(__name__)

ACTIONS = ("grant", "revoke", "restore")
# The messages staff may choose for each action (the first is the form's default); each is written for customers.
MESSAGES_FOR_ACTION: dict[str, tuple[str, ...]] = {
    "revoke": (
        CustomerMessage.CLOSED,
        CustomerMessage.CANCELLED,
        CustomerMessage.REFUNDED,
        CustomerMessage.PAYMENT_PROBLEM,
    ),
    "restore": (CustomerMessage.REOPENED, CustomerMessage.AUTOMATIC),
    "grant": (CustomerMessage.AUTOMATIC, CustomerMessage.GIFT),
}


@dataclass(frozen=True)
class MessageChoice:
    value: str
    text: str


def message_choices(action: str) -> list[MessageChoice]:
    """The customer-facing messages the admin form offers for an action, as the customer would read them."""
    return [
        MessageChoice(value=str(value), text=entitlements.customer_message(status="", message=value) or "(nothing)")
        for value in MESSAGES_FOR_ACTION[action]
    ]


AUDIT_TRAIL_LENGTH = 200


class CustomerActionError(Exception):
    """A staff action cannot be done as asked; the message says why and is safe to show."""


@dataclass(frozen=True)
class CustomerRow:
    user_id: int
    email: str
    orders: int
    products: int


@dataclass(frozen=True)
class AccessRow:
    product: Product
    status: str
    status_label: str
    reason: str
    customer_message: str
    granted_at: object
    order: Order | None
    downloads: int


@dataclass(frozen=True)
class CustomerOverview:
    user: object
    orders: list[Order]
    refunds: list[RefundRequest]
    disputed_orders: list[Order]
    access: list[AccessRow]
    audit_trail: list[EntitlementChange]
    downloads: int
    grantable: list[Product] = field(default_factory=list)


def search(*, query: str, limit: int = 100) -> list[CustomerRow]:
    """Buyers (anyone with an order or an entitlement), newest first, filtered by e-mail."""
    users = (
        get_user_model()
        .objects.annotate(
            order_count=Count("orders", distinct=True), product_count=Count("entitlements", distinct=True)
        )
        .filter(Q(order_count__gt=0) | Q(product_count__gt=0))
        .order_by("-pk")
    )
    if query.strip():
        users = users.filter(email__icontains=query.strip())
    return [
        CustomerRow(user_id=u.pk, email=u.email, orders=u.order_count, products=u.product_count) for u in users[:limit]
    ]


def overview_for(*, user_id: int) -> CustomerOverview | None:
    """Everything about one buyer, or None when there is no such buyer."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return None
    orders = list(Order.objects.filter(user=user).select_related("product").order_by("-created_at"))
    rows = list(Entitlement.objects.filter(user=user).select_related("product", "order").order_by("product__name"))
    if not orders and not rows:
        return None
    counts = dict(
        Download.objects.filter(user=user)
        .values_list("product_file__product_id")
        .annotate(n=Count("pk"))
        .values_list("product_file__product_id", "n")
    )
    access = [
        AccessRow(
            product=row.product,
            status=row.status,
            status_label=row.get_status_display(),
            reason=row.reason,
            customer_message=row.customer_message_text,
            granted_at=row.granted_at,
            order=row.order,
            downloads=counts.get(row.product_id, 0),
        )
        for row in rows
    ]
    owned = {row.product_id for row in rows}
    return CustomerOverview(
        user=user,
        orders=orders,
        refunds=list(RefundRequest.objects.filter(order__user=user).select_related("order", "admin_user")),
        disputed_orders=[order for order in orders if order.dispute_status],
        access=access,
        audit_trail=list(
            EntitlementChange.objects.filter(entitlement__user=user).select_related(
                "entitlement__product", "admin_user"
            )[:AUDIT_TRAIL_LENGTH]
        ),
        downloads=sum(counts.values()),
        grantable=list(Product.objects.exclude(pk__in=owned)),
    )


def _reason(text: str) -> str:
    reason = " ".join(text.split())
    if not reason:
        raise CustomerActionError("Please write the reason: it goes into the audit trail.")
    if len(reason) > 300:
        raise CustomerActionError("Please keep the reason under 300 characters.")
    return reason


def change_access(
    *, admin_user, user_id: int, product_id: int, action: str, reason: str, message: str | None = None
) -> bool:
    """Grant, revoke or restore one product for one buyer by hand.

    `reason` is the staff note (required, kept in the history and the person's data export, never shown to
    them); `message` is one of the customer-facing messages offered for the action (None: the default).
    """
    if action not in ACTIONS:
        raise CustomerActionError("Choose grant, revoke or restore.")
    allowed = [str(value) for value in MESSAGES_FOR_ACTION[action]]
    message = allowed[0] if message is None else message
    if message not in allowed:
        raise CustomerActionError("Choose one of the messages offered for the customer.")
    reason = _reason(reason)
    user = get_user_model().objects.filter(pk=user_id).first()
    product = Product.objects.filter(pk=product_id).first()
    if user is None or product is None:
        raise CustomerActionError("That buyer or product does not exist.")
    actor = Actor.for_admin(admin_user)
    if action == "grant":
        changed = entitlements.grant(user=user, product=product, actor=actor, reason=reason, message=message)
    elif action == "revoke":
        changed = entitlements.revoke(user=user, product=product, actor=actor, reason=reason, message=message)
    else:
        changed = entitlements.restore(user=user, product=product, actor=actor, reason=reason, message=message)
    logger.info(
        "Access changed by staff",
        extra={"admin_user_id": admin_user.pk, "user_id": user.pk, "product_id": product.pk, "action": action},
    )
    return changed


def amount_from_text(text: str, currency: str) -> int | None:
    """'5', '5.5' or '5.50' (the currency's own unit, '500' for yen) as minor units; empty means a full refund."""
    text = text.strip()
    if not text:
        return None
    try:
        return money.parse_money(text, currency)
    except money.MoneyInputError as error:
        raise CustomerActionError(f"{error} Or leave the amount empty for a full refund.") from error


def refund(*, admin_user, user_id: int, order_id: int, amount_text: str, reason: str) -> RefundRequest:
    """Refund through Stripe and remember who asked; access changes when Stripe's charge.refunded arrives."""
    reason = " ".join(reason.split())
    if not reason:
        raise CustomerActionError("Please write the reason for the refund: it is kept with the order.")
    order = Order.objects.filter(pk=order_id, user_id=user_id).first()
    if order is None:
        raise CustomerActionError("That order does not exist for this buyer.")
    amount = amount_from_text(amount_text, order.currency)
    return _refund_at_stripe(admin_user=admin_user, order=order, amount=amount, reason=reason)


def move_purchase(*, admin_user, user_id: int, order_id: int, email: str, reason: str) -> Order:
    """Move one of this buyer's orders, and the access it gives, to the account for another address."""
    reason = _reason(reason)
    try:
        email = accounts.normalise_email(email)
    except ValidationError as error:
        raise CustomerActionError("Write the address the purchase should move to, e.g. ann@example.com.") from error
    order = Order.objects.filter(pk=order_id, user_id=user_id).first()
    if order is None:
        raise CustomerActionError("That order does not exist for this buyer.")
    try:
        moved = fulfillment.move_order(order_id=order.pk, email=email, actor=Actor.for_admin(admin_user), reason=reason)
    except fulfillment.MoveError as error:
        raise CustomerActionError(str(error)) from error
    logger.info(
        "Purchase moved by staff",
        extra={"admin_user_id": admin_user.pk, "order_id": order.pk, "from_user_id": user_id, "to": moved.user_id},
    )
    return moved


def order_owner_id(*, order_id: int) -> int | None:
    return Order.objects.filter(pk=order_id).values_list("user_id", flat=True).first()


def refund_mismatched_payment(*, admin_user, order_id: int) -> RefundRequest:
    """Refund in full a payment that did not match its order; the problem found is kept as the reason."""
    order = Order.objects.filter(pk=order_id, status=Order.Status.NEEDS_REFUND).first()
    if order is None:
        raise CustomerActionError("That order has no payment waiting for a refund.")
    return _refund_at_stripe(
        admin_user=admin_user,
        order=order,
        amount=None,
        reason=f"The payment did not match the order: {order.payment_problem}",
    )


def _refund_at_stripe(*, admin_user, order: Order, amount: int | None, reason: str) -> RefundRequest:
    """Ask Stripe to refund (all that is left when `amount` is None) and remember who asked and why."""
    try:
        refund_id = fulfillment.refund_order(order_id=order.pk, amount=amount, admin_user=admin_user)
    except fulfillment.RefundError as error:
        raise CustomerActionError(str(error)) from error
    except stripe_gateway.GatewayUnreachableError as error:
        logger.warning("Refund not confirmed by Stripe", extra={"order_id": order.pk, "error": str(error)})
        raise CustomerActionError(
            f"Stripe did not confirm the refund ({error}), so it may or may not have been made. If it was, the "
            "order shows it within a few minutes. Trying again is safe: the same refund is never made twice."
        ) from error
    except stripe_gateway.GatewayError as error:
        logger.warning("Refund failed at Stripe", extra={"order_id": order.pk, "error": str(error)})
        raise CustomerActionError(f"Stripe did not refund: {error}. Nothing was refunded; try again later.") from error
    refunded = amount if amount is not None else (order.amount_paid or 0) - order.amount_refunded
    request, _created = RefundRequest.objects.get_or_create(
        stripe_refund_id=refund_id,
        defaults={"order": order, "admin_user": admin_user, "amount": refunded, "reason": reason[:300]},
    )
    logger.info(
        "Refund recorded",
        extra={"order_id": order.pk, "refund_id": refund_id, "amount": format_money(refunded, order.currency)},
    )
    return request
