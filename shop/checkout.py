"""Starting a purchase: a pending Order priced from our database, then a Stripe Checkout Session for it."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from core import attribution
from core.errors import DomainError
from shop import entitlements, stripe_gateway
from shop.models import CheckoutSession, Order, Product
from shop.pages import legal_urls

logger = logging.getLogger(__name__)

# An open session this close to its expiry is not handed out again: the buyer needs time to pay.
SESSION_REUSE_MARGIN = timedelta(minutes=10)
CONSENT_MESSAGE = (
    "You ask for immediate access to digital content and accept that you lose the 14-day right of "
    "withdrawal once it starts. Terms of sale and refund policy: {terms_url} and {refund_url}"
)
# The consent the buy page asks for, word for word (the checkbox's label; kept with the order's timestamp).
CONSENT_LABEL = (
    "Start my access straight away. I understand that I then lose my 14-day right of withdrawal "
    "(refunds follow the refund policy)."
)


class CheckoutError(DomainError):
    """The request cannot become an order; the message is safe to show."""

    title = "We could not start your order"


class ProductUnavailableError(CheckoutError):
    status = 404
    code = "not_found"
    title = "Not for sale"
    message = "This product does not exist or is no longer for sale."


class AlreadyOwnedError(CheckoutError):
    status = 409
    code = "already_owned"
    message = "You already own this; it is in your library."


class CheckoutFailedError(DomainError):
    """Stripe could not start the checkout; nothing was charged and trying again works."""

    status = 503
    code = "unavailable"
    title = "Nothing was charged"
    message = "We could not reach our payment provider just now, so nothing was charged. Please try again in a minute."


@dataclass(frozen=True)
class CheckoutStart:
    order_id: int
    redirect_url: str


def _tax_code(product: Product) -> str:
    if not settings.STRIPE_TAX:
        return ""
    return settings.STRIPE_TAX_CODE_COURSE if product.kind == Product.Kind.COURSE else settings.STRIPE_TAX_CODE_GUIDE


def _unstarted(order: Order, user) -> bool:
    same_buyer = order.user_id == (user.pk if user.is_authenticated else None)
    return same_buyer and order.status == Order.Status.PENDING and not order.stripe_session_id


def _order_for(
    *,
    token: str,
    product: Product,
    user,
    browser_key: str,
    consent: bool | None,
    source: attribution.Source,
    newsletter: bool = False,
) -> Order:
    with transaction.atomic():
        order, created = Order.objects.select_for_update().get_or_create(
            checkout_token=token,
            defaults={
                "product": product,
                "user": user if user.is_authenticated else None,
                "email": user.email if user.is_authenticated else "",
                "amount": product.price_amount,
                "currency": product.currency,
                "browser_key": browser_key,
                "delivery_consent_at": timezone.now() if consent else None,
                # Set when the order is made, never changed: one page and the UTM values, not a history.
                **source.fields(),
                "wants_newsletter": newsletter,
            },
        )
        if not created and order.browser_key != browser_key and _unstarted(order, user):
            # Stripe failed before this order had a session, and error pages (5xx) save no cookie: the
            # same form sent again continues the order. There is nothing to see or pay on it yet.
            order.browser_key = browser_key
            order.save(update_fields=["browser_key"])
        if not created and (order.product_id != product.pk or order.browser_key != browser_key):
            raise CheckoutError("This checkout form belongs to another purchase. Reload the page and try again.")
        if consent and order.delivery_consent_at is None:
            order.delivery_consent_at = timezone.now()
            order.save(update_fields=["delivery_consent_at"])
        if newsletter and not order.wants_newsletter:
            order.wants_newsletter = True
            order.save(update_fields=["wants_newsletter"])
        if created:
            logger.info("Order created", extra={"order_id": order.pk, "product": product.slug, "consent": consent})
        return order


def start(
    *,
    product_slug: str,
    token: str,
    user,
    browser_key: str,
    claimed_amount: str | None,
    claimed_quantity: str | None,
    absolute_url: Callable[[str], str],
    consent: bool | None = None,
    source: attribution.Source = attribution.NO_SOURCE,
    newsletter: bool = False,
) -> CheckoutStart:
    """Create (or reuse) the order for this checkout form and return where to send the buyer.

    The key sent to Stripe is the order plus an attempt number: a double click reuses the open session,
    and only an error or an expired session moves to a new attempt (Stripe replays a key's first answer).
    `consent` is the buy page's immediate-delivery checkbox: False refuses, True is stored with a timestamp;
    None means the caller has no such checkbox (Stripe's page still states the waiver).
    `source` is the article whose promotion led here and the UTM values: stored on the order, never sent to Stripe.
    `newsletter` is the unticked "send me the newsletter" box; only a tick is stored (the newsletter reads it).
    """
    product = Product.objects.filter(slug=product_slug, active=True).first()
    if product is None:
        raise ProductUnavailableError
    if claimed_quantity not in (None, "", "1"):
        raise CheckoutError("Each purchase is for one copy; nothing was ordered.")
    if claimed_amount not in (None, "") and claimed_amount != str(product.price_amount):
        raise CheckoutError("The price on the page is out of date; nothing was ordered. Reload the page to see it.")
    if not token or len(token) > 64 or not token.replace("-", "").isalnum():
        raise CheckoutError("The checkout form is incomplete. Reload the page and try again.")
    if consent is False:
        raise CheckoutError(
            "Please tick the box to start your access straight away (it ends the 14-day right of withdrawal). "
            "Nothing was ordered."
        )
    if product.pk in entitlements.product_ids_for(user):
        raise AlreadyOwnedError
    gateway = stripe_gateway.get_gateway()
    order = _order_for(
        token=token,
        product=product,
        user=user,
        browser_key=browser_key,
        consent=consent,
        source=attribution.existing(source),
        newsletter=newsletter,
    )

    if order.status == Order.Status.PAID:
        return CheckoutStart(order_id=order.pk, redirect_url=_success_url(order.stripe_session_id or ""))
    if order.status == Order.Status.NEEDS_REFUND:
        raise CheckoutError("This order is closed and its payment is being refunded. Reload the page to start again.")
    now = timezone.now()
    if order.stripe_session_id and order.stripe_session_expires_at and order.stripe_session_url:
        if order.stripe_session_expires_at > now + SESSION_REUSE_MARGIN and order.status == Order.Status.PENDING:
            return CheckoutStart(order_id=order.pk, redirect_url=order.stripe_session_url)
        # The session expired (or is about to): close it at Stripe first, so that one order never has two
        # payable sessions, then a new attempt gets a new key and a new session.
        paid = _close_session(gateway, order=order)
        if paid is not None:
            return paid
        Order.objects.filter(pk=order.pk, checkout_attempt=order.checkout_attempt).update(
            checkout_attempt=F("checkout_attempt") + 1, status=Order.Status.PENDING, closed_at=None
        )
        order.refresh_from_db()

    legal = legal_urls()
    request = stripe_gateway.CheckoutRequest(
        order_id=order.pk,
        product_id=product.pk,
        product_slug=product.slug,
        product_name=product.name,
        description=product.summary,
        amount=order.amount,
        currency=order.currency,
        customer_email=order.email,
        success_url=absolute_url(reverse("shop:checkout_success")) + "?session_id={CHECKOUT_SESSION_ID}",
        cancel_url=absolute_url(product.get_buy_url()) + "?cancelled=1",
        idempotency_key=f"checkout-order-{order.pk}-attempt-{order.checkout_attempt}",
        consent_message=CONSENT_MESSAGE.format(
            terms_url=absolute_url(legal["terms"]), refund_url=absolute_url(legal["refund_policy"])
        ),
        tax_code=_tax_code(product),
    )
    session = _create_session(gateway, order=order, request=request)
    with transaction.atomic():
        # Every session the order opens is kept: fulfilment accepts a payment only through one of these.
        CheckoutSession.objects.get_or_create(
            session_id=session.id, defaults={"order": order, "attempt": order.checkout_attempt}
        )
        Order.objects.filter(pk=order.pk).update(
            stripe_session_id=session.id,
            stripe_session_url=session.url,
            stripe_session_expires_at=session.expires_at,
        )
    logger.info("Checkout session ready", extra={"order_id": order.pk, "session_id": session.id})
    return CheckoutStart(order_id=order.pk, redirect_url=session.url)


def _create_session(
    gateway, *, order: Order, request: stripe_gateway.CheckoutRequest
) -> stripe_gateway.CheckoutSession:
    try:
        return gateway.create_checkout_session(request=request)
    except stripe_gateway.GatewayUnreachableError as error:
        # No answer: Stripe may have made the session without our hearing it. The next try sends the same key,
        # so Stripe hands that session back instead of opening a second payable one for this order.
        logger.warning("Checkout could not start", extra={"order_id": order.pk, "error": str(error)})
        raise CheckoutFailedError from error
    except stripe_gateway.GatewayError as error:
        # Stripe replays this key's error for a day, so the next try must use a new attempt.
        Order.objects.filter(pk=order.pk, checkout_attempt=order.checkout_attempt).update(
            checkout_attempt=F("checkout_attempt") + 1
        )
        logger.warning("Checkout could not start", extra={"order_id": order.pk, "error": str(error)})
        raise CheckoutFailedError from error


def _close_session(gateway, *, order: Order) -> CheckoutStart | None:
    """Expire the order's current session at Stripe; if it turns out to be complete, fulfil it instead.

    Returns where to send the buyer when the session was paid after all, None when it is closed.
    """
    from shop import fulfillment

    session_id = order.stripe_session_id or ""
    try:
        try:
            session = gateway.expire_checkout_session(session_id=session_id)
        except stripe_gateway.GatewayUnavailableError:
            raise
        except stripe_gateway.GatewayError:
            # Stripe expires only open sessions: this one is already expired or complete. Ask which.
            session = gateway.retrieve_checkout_session(session_id=session_id)
    except stripe_gateway.GatewayError as error:
        logger.warning("Previous session could not be closed", extra={"order_id": order.pk, "error": str(error)})
        raise CheckoutFailedError from error
    if session.status == "complete":
        fulfillment.fulfill_checkout(session_id=session_id, session=session)
        return CheckoutStart(order_id=order.pk, redirect_url=_success_url(session_id))
    if session.status != "expired":
        logger.warning("Previous session is still open", extra={"order_id": order.pk, "status": session.status})
        raise CheckoutFailedError
    CheckoutSession.objects.filter(session_id=session_id, expired_at__isnull=True).update(expired_at=timezone.now())
    logger.info("Previous session closed", extra={"order_id": order.pk, "session_id": session_id})
    return None


def _success_url(session_id: str) -> str:
    return reverse("shop:checkout_success") + f"?session_id={session_id}"


class UnknownCheckoutError(DomainError):
    """The session id is made up, or not this browser's or this user's: the same answer for both."""

    status = 404
    code = "not_found"
    title = "Order not found"
    message = "We cannot find that order. If you paid, the receipt e-mail has a link to your library."


@dataclass(frozen=True)
class Confirmation:
    order: Order
    pending_reason: str = ""


def _looks_like_session_id(session_id: str) -> bool:
    return 8 <= len(session_id) <= 255 and session_id.startswith("cs_") and session_id.replace("_", "").isalnum()


def confirm(*, session_id: str, browser_key: str, user) -> Confirmation:
    """The success page: only the browser that started the order, or its signed-in owner, may see it.

    It never signs anyone in. If the webhook has not arrived yet, it fulfils through the same function.
    """
    from shop import fulfillment

    order = None
    if _looks_like_session_id(session_id):
        order = Order.objects.select_related("product", "user").filter(checkout_sessions__session_id=session_id).first()
    if order is None:
        raise UnknownCheckoutError
    same_browser = bool(browser_key) and order.browser_key == browser_key
    owner = getattr(user, "is_authenticated", False) and order.user_id == user.pk
    if not (same_browser or owner):
        raise UnknownCheckoutError
    if order.status == Order.Status.PENDING:
        try:
            fulfillment.fulfill_checkout(session_id=session_id)
        except stripe_gateway.GatewayError:
            logger.warning("Success page could not reach Stripe", extra={"order_id": order.pk})
            return Confirmation(order=order, pending_reason="We are still confirming your payment with Stripe.")
        order.refresh_from_db()
    return Confirmation(order=order)
