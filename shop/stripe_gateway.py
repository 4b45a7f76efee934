"""The only module that talks to Stripe: plain values in, frozen dataclasses out, project exceptions for errors."""

import hmac
import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any

import stripe
from django.conf import settings

from core.errors import DomainError

logger = logging.getLogger(__name__)

CHECKOUT_SESSION_COMPLETED = "checkout.session.completed"
CHECKOUT_SESSION_ASYNC_PAYMENT_SUCCEEDED = "checkout.session.async_payment_succeeded"
CHECKOUT_SESSION_ASYNC_PAYMENT_FAILED = "checkout.session.async_payment_failed"
CHECKOUT_SESSION_EXPIRED = "checkout.session.expired"
CHARGE_REFUNDED = "charge.refunded"
CHARGE_REFUND_UPDATED = "charge.refund.updated"
CHARGE_DISPUTE_CREATED = "charge.dispute.created"
CHARGE_DISPUTE_UPDATED = "charge.dispute.updated"
CHARGE_DISPUTE_CLOSED = "charge.dispute.closed"
HANDLED_EVENT_TYPES = (
    CHECKOUT_SESSION_COMPLETED,
    CHECKOUT_SESSION_ASYNC_PAYMENT_SUCCEEDED,
    CHECKOUT_SESSION_ASYNC_PAYMENT_FAILED,
    CHECKOUT_SESSION_EXPIRED,
    CHARGE_REFUNDED,
    CHARGE_REFUND_UPDATED,
    CHARGE_DISPUTE_CREATED,
    CHARGE_DISPUTE_UPDATED,
    CHARGE_DISPUTE_CLOSED,
)


class GatewayError(Exception):
    """Stripe answered with an error, or could not be reached."""


class GatewayUnavailableError(GatewayError):
    """Stripe could not be reached or failed on its side; trying again later may work."""


class GatewayUnreachableError(GatewayUnavailableError):
    """No answer (refused, dropped, timed out) or turned away before running (429 rate limit).

    Stripe either never ran the request or may have run it without our hearing the answer; either way it kept
    no error against the idempotency key, so the next try sends the same key: a request that did run is then
    replayed, not repeated (a second session, a second refund).
    """


class NotFoundError(GatewayError):
    """Stripe has no such object."""


class InvalidWebhookError(Exception):
    """The webhook's signature is missing, malformed, wrong, stale or from the future."""


class PaymentsDisabledError(DomainError):
    """Neither a Stripe key nor demo payments are configured: buying is switched off."""

    status = 503
    code = "payments_off"
    title = "Buying is switched off"
    message = "The shop is not taking payments at the moment. Nothing was ordered or charged."


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str
    status: str  # open, complete, expired
    payment_status: str  # paid, unpaid, no_payment_required
    client_reference_id: str
    metadata: dict[str, str]
    payment_intent_id: str
    amount_total: int | None
    currency: str
    customer_email: str
    expires_at: datetime | None
    terms_accepted: bool = False
    # From the session itself (the event's own fields), so fulfilment can check them without another call.
    amount_subtotal: int | None = None
    amount_discount: int = 0
    amount_tax: int = 0
    amount_shipping: int = 0
    customer_country: str = ""  # customer_details.address.country, upper-case ISO 3166-1 alpha-2
    customer_tax_id: str = ""  # the first tax id the buyer gave Stripe (customer_details.tax_ids), if any

    @property
    def order_id(self) -> int | None:
        raw = self.metadata.get("order_id") or self.client_reference_id
        try:
            return int(raw)
        except (TypeError, ValueError):
            return None


@dataclass(frozen=True)
class ChargeState:
    """A charge as Stripe sees it now: what was refunded and how its latest dispute stands."""

    id: str
    payment_intent_id: str
    amount: int
    amount_refunded: int
    refunded: bool
    currency: str
    dispute_status: str
    order_id: int | None


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    created: datetime
    object: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckoutRequest:
    order_id: int
    product_id: int
    product_slug: str
    product_name: str
    description: str
    amount: int
    currency: str
    customer_email: str
    success_url: str
    cancel_url: str
    idempotency_key: str
    consent_message: str
    tax_code: str = ""


def _as_dict(value: Any) -> dict:
    if value is None:
        return {}
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return dict(value)


def _timestamp(value: int | None) -> datetime | None:
    return datetime.fromtimestamp(value, tz=UTC) if value else None


def session_from_dict(data: dict[str, Any]) -> CheckoutSession:
    """A CheckoutSession from Stripe's JSON (a webhook payload or an API answer)."""
    details = data.get("customer_details") or {}
    consent = data.get("consent") or {}
    payment_intent = data.get("payment_intent") or ""
    if isinstance(payment_intent, dict):
        payment_intent = payment_intent.get("id", "")
    totals = data.get("total_details") or {}
    return CheckoutSession(
        id=data["id"],
        url=data.get("url") or "",
        status=data.get("status") or "",
        payment_status=data.get("payment_status") or "",
        client_reference_id=data.get("client_reference_id") or "",
        metadata={str(k): str(v) for k, v in (data.get("metadata") or {}).items()},
        payment_intent_id=payment_intent,
        amount_total=data.get("amount_total"),
        currency=(data.get("currency") or "").lower(),
        customer_email=details.get("email") or data.get("customer_email") or "",
        expires_at=_timestamp(data.get("expires_at")),
        terms_accepted=consent.get("terms_of_service") == "accepted",
        amount_subtotal=_minor_units(data.get("amount_subtotal")),
        amount_discount=_minor_units(totals.get("amount_discount")) or 0,
        amount_tax=_minor_units(totals.get("amount_tax")) or 0,
        amount_shipping=_minor_units(totals.get("amount_shipping")) or 0,
        customer_country=str((details.get("address") or {}).get("country") or "").upper()[:2],
        customer_tax_id=str(next(iter(details.get("tax_ids") or []), {}).get("value") or "")[:40],
    )


def _minor_units(value: Any) -> int | None:
    """An amount from Stripe's JSON; anything that is not a whole number counts as missing."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


class StripeGateway:
    """The real gateway: one StripeClient whose base address comes from STRIPE_API_BASE."""

    demo = False

    def __init__(
        self,
        *,
        secret_key: str,
        webhook_secret: str,
        api_base: str,
        max_network_retries: int = 2,
        timeout: float = 8,
    ):
        self.webhook_secret = webhook_secret
        # The SDK waits 80 s by default; a web worker is killed after 30 s (gunicorn), which leaves the buyer
        # a dropped connection instead of our "nothing was charged" page. `timeout` bounds each try.
        self.client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": api_base, "files": api_base, "connect": api_base},
            max_network_retries=max_network_retries,
            http_client=stripe.RequestsClient(timeout=timeout),
        )

    def _call(self, what: str, function, *args, **kwargs):
        try:
            return function(*args, **kwargs)
        except stripe.InvalidRequestError as error:
            if getattr(error, "http_status", None) == 404 or getattr(error, "code", "") == "resource_missing":
                raise NotFoundError(f"{what}: not found") from error
            raise GatewayError(f"{what}: {error.user_message or error}") from error
        except stripe.APIConnectionError as error:
            raise GatewayUnreachableError(f"{what}: Stripe did not answer") from error
        except stripe.RateLimitError as error:
            raise GatewayUnreachableError(f"{what}: Stripe is rate limiting us") from error
        except stripe.StripeError as error:
            status = getattr(error, "http_status", None) or 0
            if status >= 500 or isinstance(error, stripe.APIError):
                raise GatewayUnavailableError(f"{what}: Stripe failed ({status})") from error
            raise GatewayError(f"{what}: {error.user_message or error}") from error

    def create_checkout_session(self, *, request: CheckoutRequest) -> CheckoutSession:
        metadata = {
            "order_id": str(request.order_id),
            "product_id": str(request.product_id),
            "product_slug": request.product_slug,
        }
        product_data: dict[str, Any] = {"name": request.product_name, "metadata": metadata}
        if request.description:
            product_data["description"] = request.description
        if request.tax_code:
            product_data["tax_code"] = request.tax_code
        params: dict[str, Any] = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": request.currency,
                        "unit_amount": request.amount,
                        "product_data": product_data,
                    },
                }
            ],
            "client_reference_id": str(request.order_id),
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
            "allow_promotion_codes": True,
            "custom_text": {"submit": {"message": request.consent_message}},
        }
        if settings.STRIPE_TERMS_CONSENT:
            params["consent_collection"] = {"terms_of_service": "required"}
        if settings.STRIPE_TAX:
            params["automatic_tax"] = {"enabled": True}
            params["line_items"][0]["price_data"]["tax_behavior"] = settings.STRIPE_TAX_BEHAVIOR
        if request.customer_email:
            params["customer_email"] = request.customer_email
        session = self._call(
            "create checkout session",
            self.client.v1.checkout.sessions.create,
            params=params,
            options={"idempotency_key": request.idempotency_key},
        )
        return session_from_dict(_as_dict(session))

    def expire_checkout_session(self, *, session_id: str) -> CheckoutSession:
        """Close an open session so it can no longer be paid (Stripe refuses for one not open)."""
        session = self._call("expire checkout session", self.client.v1.checkout.sessions.expire, session_id)
        return session_from_dict(_as_dict(session))

    def retrieve_checkout_session(self, *, session_id: str) -> CheckoutSession:
        session = self._call("retrieve checkout session", self.client.v1.checkout.sessions.retrieve, session_id)
        return session_from_dict(_as_dict(session))

    def retrieve_charge_state(self, *, charge_id: str) -> ChargeState:
        charge = _as_dict(self._call("retrieve charge", self.client.v1.charges.retrieve, charge_id))
        payment_intent_id = charge.get("payment_intent") or ""
        if isinstance(payment_intent_id, dict):
            payment_intent_id = payment_intent_id.get("id", "")
        metadata = dict(charge.get("metadata") or {})
        if "order_id" not in metadata and payment_intent_id:
            intent = _as_dict(
                self._call("retrieve payment intent", self.client.v1.payment_intents.retrieve, payment_intent_id)
            )
            metadata = dict(intent.get("metadata") or {})
        disputes = _as_dict(
            self._call("list disputes", self.client.v1.disputes.list, params={"charge": charge_id, "limit": 10})
        )
        latest = max(disputes.get("data") or [], key=lambda d: d.get("created") or 0, default=None)
        try:
            order_id = int(metadata.get("order_id", ""))
        except ValueError:
            order_id = None
        return ChargeState(
            id=charge["id"],
            payment_intent_id=payment_intent_id,
            amount=int(charge.get("amount") or 0),
            amount_refunded=int(charge.get("amount_refunded") or 0),
            refunded=bool(charge.get("refunded")),
            currency=(charge.get("currency") or "").lower(),
            dispute_status=(latest or {}).get("status") or "",
            order_id=order_id,
        )

    def refund(self, *, payment_intent_id: str, amount: int | None, idempotency_key: str) -> str:
        params: dict[str, Any] = {"payment_intent": payment_intent_id, "reason": "requested_by_customer"}
        if amount is not None:
            params["amount"] = amount
        refund = self._call(
            "create refund", self.client.v1.refunds.create, params=params, options={"idempotency_key": idempotency_key}
        )
        return _as_dict(refund)["id"]

    def list_events(self, *, since: datetime) -> Iterator[Event]:
        page = self._call(
            "list events",
            self.client.v1.events.list,
            params={"created": {"gte": int(since.timestamp())}, "types": list(HANDLED_EVENT_TYPES), "limit": 100},
        )
        for item in page.auto_paging_iter():
            data = _as_dict(item)
            yield Event(
                id=data["id"],
                type=data["type"],
                created=_timestamp(data["created"]),
                object=data["data"]["object"],
            )

    def parse_webhook(self, *, payload: bytes, signature: str) -> Event:
        return parse_webhook(payload=payload, signature=signature, secret=self.webhook_secret)


def parse_webhook(*, payload: bytes, signature: str, secret: str) -> Event:
    """Verify the signature on the raw body (the SDK) and refuse timestamps from the future (our check)."""
    if not secret:
        raise InvalidWebhookError("No webhook secret is configured.")
    if not signature:
        raise InvalidWebhookError("Missing Stripe-Signature header.")
    tolerance = settings.STRIPE_WEBHOOK_TOLERANCE
    try:
        stripe.WebhookSignature.verify_header(payload.decode("utf-8"), signature, secret, tolerance)
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as error:
        raise InvalidWebhookError(str(error) or "Bad signature.") from error
    timestamps = [part[2:] for part in signature.split(",") if part.startswith("t=")]
    try:
        signed_at = int(timestamps[0])
    except (IndexError, ValueError) as error:
        raise InvalidWebhookError("Malformed signature timestamp.") from error
    if signed_at > time.time() + tolerance:
        raise InvalidWebhookError("Signature timestamp is in the future.")
    try:
        data = json.loads(payload)
        return Event(
            id=str(data["id"]),
            type=str(data["type"]),
            created=_timestamp(int(data.get("created") or 0)) or datetime.now(tz=UTC),
            object=dict(data["data"]["object"]),
        )
    except (ValueError, KeyError, TypeError) as error:
        raise InvalidWebhookError("The payload is not a Stripe event.") from error


def sign_payload(*, payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """A Stripe-Signature header for the payload (the demo checkout signs its events this way)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, "sha256").hexdigest()
    return f"t={timestamp},v1={digest}"


def payments_mode() -> str:
    """'stripe' with a secret key, 'demo' with SHOP_DEMO=1, else 'off'."""
    if settings.STRIPE_SECRET_KEY:
        return "stripe"
    if settings.SHOP_DEMO:
        return "demo"
    return "off"


@cache
def _stripe_gateway(secret_key: str, webhook_secret: str, api_base: str, retries: int, timeout: float) -> StripeGateway:
    return StripeGateway(
        secret_key=secret_key,
        webhook_secret=webhook_secret,
        api_base=api_base,
        max_network_retries=retries,
        timeout=timeout,
    )


def get_gateway():
    """The gateway for this configuration: Stripe, the demo, or PaymentsDisabledError."""
    mode = payments_mode()
    if mode == "stripe":
        return _stripe_gateway(
            settings.STRIPE_SECRET_KEY,
            settings.STRIPE_WEBHOOK_SECRET,
            settings.STRIPE_API_BASE,
            settings.STRIPE_MAX_NETWORK_RETRIES,
            settings.STRIPE_TIMEOUT,
        )
    if mode == "demo":
        from shop.demo_gateway import DemoGateway

        return DemoGateway(webhook_secret=settings.STRIPE_WEBHOOK_SECRET)
    raise PaymentsDisabledError
