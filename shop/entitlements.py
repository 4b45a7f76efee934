"""Who may use which product: the only writer of Entitlement rows, recording every change in the audit trail."""

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from django.db import transaction
from django.utils import timezone

from shop.models import CustomerMessage, Entitlement, EntitlementChange, Order, Product

logger = logging.getLogger(__name__)

Status = Literal["active", "disputed", "refunded", "revoked"]

# What a customer reads when no message was chosen: said from the status alone, never from the staff note.
DEFAULT_CUSTOMER_MESSAGES: dict[str, str] = {
    "active": "",
    "disputed": "Paused while your bank looks into a dispute about the payment. "
    "If it is settled in your favour, everything opens again.",
    "refunded": CustomerMessage.REFUNDED.label,
    "revoked": CustomerMessage.CLOSED.label,
}
BUNDLE_MESSAGE = "Included in a bundle you own."


def customer_message(*, status: str, message: str = "") -> str:
    """The sentence a customer reads about their access: the chosen message, else one for the status.

    The staff note (`reason`) never goes in: it is written for the shop's records, not for the buyer.
    """
    if message and message in CustomerMessage.values:
        return str(CustomerMessage(message).label)
    return DEFAULT_CUSTOMER_MESSAGES.get(status, "")


@dataclass(frozen=True)
class EntitlementState:
    status: Status
    granted_at: datetime
    reason: str  # the staff note: for the admin and the person's data export, never for pages or e-mails
    message: str = ""  # what the customer reads (customer_message)

    @property
    def is_active(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True)
class Actor:
    """Who or what changes an entitlement: a Stripe event, checkout, an admin user, a command or the system."""

    kind: Literal["stripe_event", "checkout", "admin", "command", "system"]
    stripe_event_id: str = ""
    admin_user_id: int | None = None
    command: str = ""

    @classmethod
    def for_stripe_event(cls, event_id: str) -> "Actor":
        return cls(kind="stripe_event", stripe_event_id=event_id)

    @classmethod
    def for_checkout(cls) -> "Actor":
        return cls(kind="checkout")

    @classmethod
    def for_admin(cls, user) -> "Actor":
        return cls(kind="admin", admin_user_id=user.pk)

    @classmethod
    def for_command(cls, name: str) -> "Actor":
        return cls(kind="command", command=name)

    @classmethod
    def for_system(cls) -> "Actor":
        return cls(kind="system")


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def expand(product: Product) -> list[Product]:
    """The product followed by everything it includes, bundles inside bundles too, each once."""
    seen: dict[int, Product] = {}
    pending = [product]
    while pending:
        current = pending.pop(0)
        if current.pk in seen:
            continue
        seen[current.pk] = current
        pending.extend(current.includes.all())
    return list(seen.values())


def product_ids_for(user) -> set[int]:
    """The products this user may use right now (bundles expanded); empty for anonymous visitors."""
    if not _authenticated(user):
        return set()
    direct = set(
        Entitlement.objects.filter(user=user, status=Entitlement.Status.ACTIVE).values_list("product_id", flat=True)
    )
    owned = set(direct)
    frontier = set(direct)
    while frontier:
        included = set(
            Product.includes.through.objects.filter(from_product_id__in=frontier).values_list(
                "to_product_id", flat=True
            )
        )
        frontier = included - owned
        owned |= included
    return owned


def ever_granted(user) -> bool:
    """Whether anything was ever granted to this account (paid, imported or given by staff, active or not)."""
    return _authenticated(user) and Entitlement.objects.filter(user=user).exists()


def state_for(*, user, product: Product) -> EntitlementState | None:
    """The user's standing for one product (None when they never had it); ownership through a bundle counts."""
    if not _authenticated(user):
        return None
    row = Entitlement.objects.filter(user=user, product=product).first()
    if row is not None and row.status == Entitlement.Status.ACTIVE:
        return _state(row)
    if product.pk in product_ids_for(user):
        via = (
            Entitlement.objects.filter(user=user, status=Entitlement.Status.ACTIVE, product__includes=product)
            .order_by("granted_at")
            .first()
        )
        granted_at = via.granted_at if via else (row.granted_at if row else timezone.now())
        return EntitlementState(status="active", granted_at=granted_at, reason=BUNDLE_MESSAGE, message=BUNDLE_MESSAGE)
    if row is None:
        return None
    return _state(row)


def _state(row: Entitlement) -> EntitlementState:
    return EntitlementState(
        status=row.status,
        granted_at=row.granted_at,
        reason=row.reason,
        message=customer_message(status=row.status, message=row.customer_message),
    )


def message_for(*, user, product: Product) -> str:
    """What the customer reads about their access to the product now ("" when there is nothing to say)."""
    state = state_for(user=user, product=product)
    return state.message if state is not None else ""


def _record(
    *, entitlement: Entitlement, action: str, from_status: str, actor: Actor, reason: str, message: str = ""
) -> None:
    EntitlementChange.objects.create(
        customer_message=message,
        entitlement=entitlement,
        action=action,
        from_status=from_status,
        to_status=entitlement.status,
        actor_kind=actor.kind,
        stripe_event_id=actor.stripe_event_id,
        admin_user_id=actor.admin_user_id,
        command=actor.command,
        reason=reason[:300],
    )
    logger.info(
        "Entitlement changed",
        extra={
            "user_id": entitlement.user_id,
            "product_id": entitlement.product_id,
            "action": action,
            "from_status": from_status,
            "to_status": entitlement.status,
            "actor": actor.kind,
        },
    )


def grant(
    *,
    user,
    product: Product,
    actor: Actor,
    reason: str,
    order: Order | None = None,
    granted_at: datetime | None = None,
    message: str = "",
) -> bool:
    """Give the user the product (and what it includes). Returns True if anything changed.

    An active entitlement from another order is left alone; a closed one (refunded, revoked) is taken over
    by the new order. The earliest grant time is always kept; `granted_at` backdates a new row (past buyers).
    `reason` is the staff note; `message` (a CustomerMessage value) is what the customer reads.
    """
    changed = False
    with transaction.atomic():
        for item in expand(product):
            entitlement, created = Entitlement.objects.select_for_update().get_or_create(
                user=user,
                product=item,
                defaults={
                    "status": Entitlement.Status.ACTIVE,
                    "granted_at": granted_at or timezone.now(),
                    "order": order,
                    "reason": reason[:300],
                    "customer_message": message,
                },
            )
            if created:
                _record(
                    entitlement=entitlement, action="grant", from_status="", actor=actor, reason=reason, message=message
                )
                changed = True
                continue
            if entitlement.status == Entitlement.Status.ACTIVE:
                continue
            previous = entitlement.status
            entitlement.status = Entitlement.Status.ACTIVE
            entitlement.order = order or entitlement.order
            entitlement.reason = reason[:300]
            entitlement.customer_message = message
            entitlement.save(update_fields=["status", "order", "reason", "customer_message", "updated_at"])
            _record(
                entitlement=entitlement,
                action="grant",
                from_status=previous,
                actor=actor,
                reason=reason,
                message=message,
            )
            changed = True
    return changed


def _change(
    *,
    user,
    product: Product,
    actor: Actor,
    reason: str,
    order: Order | None,
    action: str,
    to_status: str,
    from_statuses: set[str],
    message: str = "",
) -> bool:
    changed = False
    with transaction.atomic():
        top = Entitlement.objects.select_for_update().filter(user=user, product=product).first()
        if top is None:
            return False
        if order is not None and top.order_id != order.pk:
            return False
        # Included products change with the bundle only when they came with it (same order).
        scope_order_id = top.order_id
        for item in expand(product):
            entitlement = Entitlement.objects.select_for_update().filter(user=user, product=item).first()
            if entitlement is None or entitlement.status not in from_statuses:
                continue
            if item.pk != product.pk and entitlement.order_id != scope_order_id:
                continue
            previous = entitlement.status
            entitlement.status = to_status
            entitlement.reason = reason[:300]
            entitlement.customer_message = message
            entitlement.save(update_fields=["status", "reason", "customer_message", "updated_at"])
            _record(
                entitlement=entitlement,
                action=action,
                from_status=previous,
                actor=actor,
                reason=reason,
                message=message,
            )
            changed = True
    return changed


def revoke(
    *,
    user,
    product: Product,
    actor: Actor,
    reason: str,
    order: Order | None = None,
    refunded: bool = False,
    message: str = "",
) -> bool:
    """Close access (status refunded when money went back, else revoked). With order, only that order's rows."""
    target = Entitlement.Status.REFUNDED if refunded else Entitlement.Status.REVOKED
    sources = {s for s in Entitlement.Status.values if s != target}
    return _change(
        user=user,
        product=product,
        actor=actor,
        reason=reason,
        order=order,
        action="revoke",
        to_status=target,
        from_statuses=sources,
        message=message,
    )


def suspend(*, user, product: Product, actor: Actor, reason: str, order: Order | None = None) -> bool:
    """Pause access while a dispute is open."""
    return _change(
        user=user,
        product=product,
        actor=actor,
        reason=reason,
        order=order,
        action="suspend",
        to_status=Entitlement.Status.DISPUTED,
        from_statuses={Entitlement.Status.ACTIVE},
    )


def restore(
    *, user, product: Product, actor: Actor, reason: str, order: Order | None = None, message: str = ""
) -> bool:
    """Open access again (a dispute won, or an admin's decision); the first grant time is kept."""
    return _change(
        user=user,
        product=product,
        actor=actor,
        reason=reason,
        order=order,
        action="restore",
        to_status=Entitlement.Status.ACTIVE,
        from_statuses={Entitlement.Status.DISPUTED, Entitlement.Status.REFUNDED, Entitlement.Status.REVOKED},
        message=message,
    )


ACTION_FOR_STATUS = {"active": "restore", "disputed": "suspend", "refunded": "revoke", "revoked": "revoke"}


def apply_status(
    *, user, product: Product, order: Order, status: Status, actor: Actor, reason: str, message: str = ""
) -> bool:
    """Bring this order's entitlements to `status` from wherever they are (fulfilment's single entry point)."""
    current = Entitlement.objects.filter(user=user, product=product).first()
    if status == "active" and (current is None or (current.order_id != order.pk and current.status != "active")):
        return grant(user=user, product=product, order=order, actor=actor, reason=reason, message=message)
    if current is None:
        # The money moved back before the order was fulfilled: record the purchase, then its outcome,
        # so every order of events leaves the same rows behind.
        grant(user=user, product=product, order=order, actor=actor, reason="Paid.")
    changed = _change(
        user=user,
        product=product,
        actor=actor,
        reason=reason,
        order=order,
        action=ACTION_FOR_STATUS[status],
        to_status=status,
        from_statuses={s for s in Entitlement.Status.values if s != status},
        message=message,
    )
    # The reason describes the current state, so it is refreshed even when the status stays the same.
    Entitlement.objects.filter(user=user, order=order, status=status).exclude(
        reason=reason[:300], customer_message=message
    ).update(reason=reason[:300], customer_message=message)
    return changed


def holder_ids(*, product: Product) -> set[int]:
    """The users whose access to the product is active now, directly or through any bundle that includes it."""
    bundles = {product.pk}
    frontier = {product.pk}
    while frontier:
        including = set(
            Product.includes.through.objects.filter(to_product_id__in=frontier).values_list(
                "from_product_id", flat=True
            )
        )
        frontier = including - bundles
        bundles |= including
    return set(
        Entitlement.objects.filter(product_id__in=bundles, status=Entitlement.Status.ACTIVE).values_list(
            "user_id", flat=True
        )
    )
