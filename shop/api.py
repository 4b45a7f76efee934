"""The shop room of the headless API: catalogue, checkout, order status, library and who-am-I under /api/.

config.api.root adds `router` to the API. The v2 field the page models use lives in shop.api_fields.
"""

import logging
import uuid
from datetime import datetime
from typing import Literal

from django.http import HttpResponse
from django.urls import reverse
from ninja import Field, Path, Router, Schema

from config.api import security
from config.api.errors import ApiError, responses
from config.api.types import WholeNumber
from core import seo
from shop import checkout, downloads, entitlements, library
from shop.api_fields import product_card
from shop.models import Order, Product

logger = logging.getLogger(__name__)


def Id():  # noqa: N802 - reads like a type at the call site
    return Path(..., ge=1, le=2_147_483_647)


# --- Schemas ---------------------------------------------------------------------------------------


class PriceOut(Schema):
    amount: int = Field(description="Minor units (cents): 1900 is 19.00.")
    currency: str = Field(description="Lower-case ISO 4217 code.")
    display: str


class IncludedOut(Schema):
    id: int
    slug: str
    name: str
    kind: str


class ProductOut(Schema):
    id: int
    slug: str
    name: str
    kind: Literal["guide", "course", "bundle"]
    summary: str
    price: PriceOut
    includes: list[IncludedOut]
    owned: bool = Field(description="Whether the caller may use it now (bundles count).")
    buy_url: str
    page_url: str


class CheckoutIn(Schema):
    model_config = {"extra": "forbid"}

    product: str = Field(
        ..., strict=True, min_length=1, max_length=100, pattern=r"^[-a-zA-Z0-9_]+$", description="Product slug."
    )
    token: str | None = Field(
        None,
        strict=True,
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9-]+$",
        description="Idempotency key for this purchase attempt: repeat it to get the same order back.",
    )
    # Not Optional: leaving it out means "not claimed"; an explicit null is refused like any non-number.
    price: WholeNumber = Field(
        None, ge=0, le=100_000_000, description="The price the client showed, in minor units; refused if stale."
    )
    consent: Literal[True] = Field(
        ...,
        description=(
            "The buyer asked for immediate access to the digital content and accepted that this ends the "
            "right to withdraw (the EU waiver): show a checkbox and send true."
        ),
    )
    newsletter: bool = Field(
        False,
        strict=True,
        description='The buyer ticked an (unticked by default) "send me the newsletter" box.',
    )


class CheckoutOut(Schema):
    order_id: int
    checkout_url: str = Field(description="Send the buyer here (Stripe Checkout, or the demo page).")


class OrderProductOut(Schema):
    id: int
    slug: str
    name: str


class OrderOut(Schema):
    id: int
    number: str
    status: Literal["pending", "paid", "failed", "expired", "needs_refund"]
    product: OrderProductOut
    amount: int
    amount_paid: int | None
    amount_refunded: int
    currency: str
    created_at: datetime
    paid_at: datetime | None


class FileOut(Schema):
    title: str
    format: str
    url: str = Field(description="A signed link for this account's browser session; it expires, so ask again.")
    api_url: str = Field(description="The same file for app clients: GET it with the X-Session-Token header.")


class LibraryItemOut(Schema):
    product_id: int
    name: str
    slug: str
    kind: str
    status: Literal["active", "disputed", "refunded", "revoked"]
    reason: str = Field(description="What the shop tells the customer about this access (never a staff note).")
    granted_at: datetime
    page_url: str
    files: list[FileOut]


class LibraryOut(Schema):
    items: list[LibraryItemOut]


class UserOut(Schema):
    id: int
    email: str
    name: str
    staff: bool


class MeOut(Schema):
    authenticated: bool
    user: UserOut | None


# --- Endpoints ------------------------------------------------------------------------------------


router = Router()


def product_out(product, owned_ids: set[int], request) -> dict:
    return {
        **product_card(product, request),
        "summary": product.summary,
        "includes": [
            {"id": item.pk, "slug": item.slug, "name": item.name, "kind": item.kind} for item in product.includes.all()
        ],
        "owned": product.pk in owned_ids,
        "page_url": absolute_or_empty(request, library.page_url_for(product)),
    }


def absolute_or_empty(request, url: str) -> str:
    """Every URL the API answers is absolute; "" stays "" (no page shows the product)."""
    return seo.absolute(request, url) if url else ""


@router.get(
    "/catalogue/products",
    response={200: list[ProductOut], **responses(400, 401)},
    auth=security.ANYONE,
    openapi_extra=security.OPTIONAL,
    tags=["catalogue"],
    summary="Products for sale, with prices, what they include and whether the caller owns them",
)
def list_products(request):
    security.same_for_every_visitor(request)
    owned = entitlements.product_ids_for(security.caller(request))
    products = Product.objects.filter(active=True).prefetch_related("includes").order_by("name", "pk")
    return [product_out(product, owned, request) for product in products]


@router.get(
    "/catalogue/products/{slug}",
    response={200: ProductOut, **responses(400, 401, 404)},
    auth=security.ANYONE,
    openapi_extra=security.OPTIONAL,
    tags=["catalogue"],
    summary="One product",
)
def get_product(request, slug: str = Path(..., max_length=100, pattern=r"^[-a-zA-Z0-9_]+$")):
    security.same_for_every_visitor(request)
    product = Product.objects.filter(active=True, slug=slug).prefetch_related("includes").first()
    if product is None:
        raise ApiError(404, "No such product for sale.")
    return product_out(product, entitlements.product_ids_for(security.caller(request)), request)


@router.post(
    "/checkout",
    response={201: CheckoutOut, **responses(400, 401, 403, 404, 409, 429, 503)},
    auth=security.SIGNED_IN,
    tags=["checkout"],
    summary="Start a checkout for a product: an order priced from our database, and where to pay",
)
def start_checkout(request, payload: CheckoutIn):
    user = request.auth
    started = checkout.start(
        product_slug=payload.product,
        token=payload.token or uuid.uuid4().hex,
        user=user,
        # One purchase attempt belongs to one account: another account reusing the token is refused.
        browser_key=f"api-user-{user.pk}",
        claimed_amount=None if payload.price is None else str(payload.price),
        claimed_quantity=None,
        absolute_url=request.build_absolute_uri,
        consent=payload.consent,
        newsletter=payload.newsletter,
    )
    return 201, {"order_id": started.order_id, "checkout_url": request.build_absolute_uri(started.redirect_url)}


@router.get(
    "/orders/{order_id}",
    response={200: OrderOut, **responses(400, 401, 403, 404)},
    auth=security.SIGNED_IN,
    tags=["checkout"],
    summary="An order's status (its owner only; anyone else's order is 'not found')",
)
def get_order(request, order_id: int = Id()):
    order = Order.objects.select_related("product").filter(pk=order_id, user=request.auth).first()
    if order is None:
        raise ApiError(404, "No such order.")
    return {
        "id": order.pk,
        "number": order.number,
        "status": order.status,
        "product": {"id": order.product.pk, "slug": order.product.slug, "name": order.product.name},
        "amount": order.amount,
        "amount_paid": order.amount_paid,
        "amount_refunded": order.amount_refunded,
        "currency": order.currency,
        "created_at": order.created_at,
        "paid_at": order.paid_at,
    }


@router.get(
    "/library",
    response={200: LibraryOut, **responses(401, 403)},
    auth=security.SIGNED_IN,
    tags=["library"],
    summary="Everything the caller owns or once owned, with fresh signed download links for what is open",
)
def get_library(request):
    items = library.items_for(request.auth)
    return {
        "items": [
            {
                "product_id": item.product_id,
                "name": item.name,
                "slug": item.slug,
                "kind": item.kind,
                "status": item.status,
                "reason": item.message,
                "granted_at": item.granted_at,
                "page_url": absolute_or_empty(request, item.page_url),
                "files": [
                    {
                        "title": f.title,
                        "format": f.format,
                        "url": request.build_absolute_uri(f.url),
                        "api_url": request.build_absolute_uri(reverse("api:download", kwargs={"token": f.token})),
                    }
                    for f in item.files
                ],
            }
            for item in items
        ]
    }


@router.get(
    "/library/downloads/{token}",
    response={200: None, **responses(400, 401, 403, 404, 410, 503)},
    auth=security.SIGNED_IN,
    tags=["library"],
    summary="Download an owned file (stamped with the buyer's e-mail and order) with a library link",
    url_name="download",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, checked against the caller's access on every request.",
                "content": {
                    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                    "application/epub+zip": {"schema": {"type": "string", "format": "binary"}},
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
def download(request, token: str = Path(..., min_length=1, max_length=500, pattern=r"^[A-Za-z0-9:_\-]+$")):
    served = downloads.serve(token=token, viewer=request.auth)
    response = HttpResponse(served.content, content_type=served.content_type)
    response["Content-Disposition"] = f'attachment; filename="{served.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@router.get(
    "/account/me",
    response={200: MeOut, **responses(401, 403)},
    auth=security.ANYONE,
    openapi_extra=security.OPTIONAL,
    tags=["account"],
    summary="Who am I: the signed-in account, or authenticated=false",
)
def me(request):
    user = security.caller(request)
    if not user.is_authenticated:
        return {"authenticated": False, "user": None}
    name = user.get_full_name() or ""
    return {
        "authenticated": True,
        "user": {
            "id": user.pk,
            "email": user.email,
            "name": name,
            "staff": bool(user.is_staff or user.is_superuser),
        },
    }
