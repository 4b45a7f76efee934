"""The shop's views: each parses the request, calls one domain function and renders."""

import logging
import secrets
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import accounts, attribution, login_codes
from core.errors import domain_error_page, shows_domain_errors
from shop import checkout, demo_checkout, downloads, library, pages, receipts, stripe_gateway, webhooks
from shop.models import Order, Product

logger = logging.getLogger(__name__)

BROWSER_KEY = "shop_browser_key"
MESSAGE_TEMPLATE = "shop/message.html"


def _browser_key(request) -> str:
    """This browser's key, made up if it has none yet; stored only once an order exists (see `_remember`)."""
    return request.session.get(BROWSER_KEY) or secrets.token_urlsafe(24)


def _remember(request, key: str) -> None:
    if request.session.get(BROWSER_KEY) != key:
        request.session[BROWSER_KEY] = key


@never_cache
@require_http_methods(["GET", "POST"])
@shows_domain_errors(template=MESSAGE_TEMPLATE)
def buy(request, slug):
    """GET: the uncached buy page (a form); POST: start Stripe Checkout and 303 there."""
    product = Product.objects.filter(slug=slug, active=True).first()
    if request.method == "GET":
        if product is None:
            raise checkout.ProductUnavailableError
        return render(request, "shop/buy.html", _buy_context(request, product))
    browser_key = _browser_key(request)
    try:
        started = checkout.start(
            product_slug=slug,
            token=request.POST.get("token", ""),
            user=request.user,
            browser_key=browser_key,
            claimed_amount=request.POST.get("price"),
            claimed_quantity=request.POST.get("quantity"),
            absolute_url=request.build_absolute_uri,
            consent=request.POST.get("consent") == "on",
            source=attribution.from_request(request),
            newsletter=request.POST.get("newsletter") == "on",
        )
    except checkout.CheckoutFailedError as error:
        # Trying again works: this page offers the button.
        return domain_error_page(request, error, template="shop/checkout_failed.html", product=product)
    _remember(request, browser_key)
    return _see_other(started.redirect_url)


def _see_other(url: str) -> HttpResponse:
    response = HttpResponse(status=303)
    response["Location"] = url
    return response


def _buy_context(request, product):
    from shop import entitlements

    return {
        "product": product,
        "owned": product.pk in entitlements.product_ids_for(request.user),
        "token": uuid.uuid4().hex,
        "payments_mode": stripe_gateway.payments_mode(),
        "cancelled": request.GET.get("cancelled") == "1",
        "includes": list(product.includes.all()),
        "legal": checkout.legal_urls(),
        "consent_label": checkout.CONSENT_LABEL,
        # The promotion's article and the UTM values this page was opened with, kept as hidden fields.
        "source": attribution.from_request(request).parameters(),
    }


@never_cache
@require_GET
@shows_domain_errors(template=MESSAGE_TEMPLATE)
def checkout_success(request):
    confirmation = checkout.confirm(
        session_id=request.GET.get("session_id", ""),
        browser_key=request.session.get(BROWSER_KEY, ""),
        user=request.user,
    )
    order = confirmation.order
    items = [item for item in library.items_for(order.user) if item.product_id in _order_product_ids(order)]
    context = {"order": order, "items": items, "pending_reason": confirmation.pending_reason}
    if order.status == Order.Status.PAID:
        context.update(_way_in(request, order, items))
    return render(request, "shop/checkout_success.html", context)


CODE_SENT_KEY = "shop_sign_in_code_orders"


def _way_in(request, order: Order, items: list) -> dict:
    """Where the buyer goes next and, for a course bought while signed out, the sign-in code form.

    A code is e-mailed to the address paid with, once per order in this browser; only that code signs in.
    """
    courses = [item for item in items if item.kind == "course" and item.is_active]
    start_url = pages.start_url_for(courses[0].product_id) if courses else ""
    context = {"start_url": start_url, "home_url": resolve_url(settings.LOGIN_REDIRECT_URL)}
    if request.user.is_authenticated:
        context["signed_in_as_buyer"] = request.user.pk == order.user_id
        return context
    if not courses or order.user is None or accounts.is_staff(order.user):
        return context
    sent = request.session.get(CODE_SENT_KEY, [])
    if order.pk not in sent and login_codes.send(request=request, user=order.user, email=order.email):
        request.session[CODE_SENT_KEY] = [*sent, order.pk][-20:]
    context["code_sign_in"] = {
        "pending_email": login_codes.pending_email(request),
        "email": order.email,
        "next": start_url or context["home_url"],
        "goal": "open lesson 1" if start_url else "open your course",
    }
    return context


def _order_product_ids(order: Order) -> set[int]:
    from shop import entitlements

    return {product.pk for product in entitlements.expand(order.product)}


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@csrf_exempt
@require_POST
def stripe_webhook(request):
    # Refused on the declared length before a byte of the body is read (Django would otherwise buffer up to
    # DATA_UPLOAD_MAX_MEMORY_SIZE); receive() checks the bytes actually read again.
    if _declared_length(request) > webhooks.MAX_BODY_BYTES:
        logger.warning("Refused an oversized webhook", extra={"content_length": _declared_length(request)})
        return JsonResponse({"error": "body too large"}, status=413)
    try:
        result = webhooks.receive(payload=request.body, signature=request.headers.get("Stripe-Signature", ""))
    except webhooks.BodyTooLargeError:
        return JsonResponse({"error": "body too large"}, status=413)
    except stripe_gateway.InvalidWebhookError as error:
        logger.warning("Refused a webhook", extra={"reason": str(error)})
        return JsonResponse({"error": "invalid signature"}, status=400)
    except stripe_gateway.PaymentsDisabledError:
        return JsonResponse({"error": "payments are not configured"}, status=503)
    except Exception:
        # Already logged and recorded by webhooks.handle; Stripe retries on any 5xx.
        return JsonResponse({"error": "processing failed"}, status=500)
    return JsonResponse({"result": result})


@never_cache
@require_http_methods(["GET", "POST"])
@shows_domain_errors(template=MESSAGE_TEMPLATE)
def demo_checkout_page(request, session_id):
    order = demo_checkout.open_order(session_id=session_id)
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            demo_checkout.cancel(session_id=session_id)
            return _see_other(f"{order.product.get_buy_url()}?cancelled=1")
        order = demo_checkout.pay(
            session_id=session_id,
            email=request.POST.get("email", ""),
            consent=request.POST.get("consent") == "on",
        )
        return _see_other(f"/shop/checkout/success/?session_id={session_id}")
    return render(request, "shop/demo_checkout.html", {"order": order, "session_id": session_id})


@require_GET
def library_page(request):
    """The old library address: one signed-in home holds guides, courses and certificates (LOGIN_REDIRECT_URL)."""
    return HttpResponseRedirect(resolve_url(settings.LOGIN_REDIRECT_URL))


def _order_not_found(request):
    context = {"title": "Order not found", "message": "We cannot find that order."}
    return render(request, MESSAGE_TEMPLATE, context, status=404)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def order_detail(request, order_id):
    """The owner's order: amounts, tax, the receipt PDF, and (POST) the VAT number printed on the receipt."""
    order = receipts.order_for_owner(user=request.user, order_id=order_id)
    if order is None:
        return _order_not_found(request)
    vat_error = ""
    if request.method == "POST":
        try:
            receipts.set_vat_number(user=request.user, order_id=order.pk, vat_number=request.POST.get("vat_number", ""))
        except receipts.ReceiptError as error:
            vat_error = str(error)
        else:
            messages.success(request, "Saved: your receipt now shows that VAT number.")
            return redirect("shop:order_detail", order_id=order.pk)
    context = {
        "order": order,
        "lines": receipts.lines_for(order),
        "has_receipt": receipts.has_receipt(order),
        "vat_error": vat_error,
        "vat_value": request.POST.get("vat_number", order.buyer_vat_number) if vat_error else order.buyer_vat_number,
    }
    return render(request, "shop/order_detail.html", context, status=400 if vat_error else 200)


@login_required
@require_GET
def receipt(request, order_id):
    """The order's numbered receipt as a PDF, for its owner only (anyone else gets 404)."""
    order = receipts.order_for_owner(user=request.user, order_id=order_id)
    if order is None or not receipts.has_receipt(order):
        return _order_not_found(request)
    response = HttpResponse(receipts.render_pdf(order), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{order.receipt_display}.pdf"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@shows_domain_errors(template=MESSAGE_TEMPLATE)
def download(request, token):
    served = downloads.serve(token=token, viewer=request.user, browser_key=request.session.get(BROWSER_KEY, ""))
    response = HttpResponse(served.content, content_type=served.content_type)
    response["Content-Disposition"] = f'attachment; filename="{served.filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
