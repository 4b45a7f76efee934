"""The shop's own Wagtail admin pages: customers (access and refunds by hand) and background failures.

Every view asks for each permission it needs before it reads or changes anything, and the customer page
asks again itself, so no path (an error re-render included) shows a customer to someone who may not see one.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from shop import customers, failures

VIEW_PERMISSION = "shop.view_order"
ACCESS_PERMISSION = "shop.change_entitlement"
REFUND_PERMISSION = "shop.change_order"


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _breadcrumbs(*items: tuple[str, str]) -> list[dict]:
    return [{"url": reverse("wagtailadmin_home"), "label": "Home"}] + [{"url": u, "label": label} for u, label in items]


def _customer_page(request, *, user_id: int, status: int = 200):
    _require(request, VIEW_PERMISSION)
    overview = customers.overview_for(user_id=user_id)
    if overview is None:
        raise Http404("No such customer.")
    index = reverse("shop_customers:index")
    return TemplateResponse(
        request,
        "shop/admin/customer.html",
        {
            "overview": overview,
            "header_title": overview.user.email or overview.user.get_username(),
            "breadcrumbs_items": _breadcrumbs((index, "Customers"), ("", overview.user.email)),
            "can_change_access": request.user.has_perm(ACCESS_PERMISSION),
            "can_refund": request.user.has_perm(REFUND_PERMISSION),
            "can_move": request.user.has_perm(ACCESS_PERMISSION) and request.user.has_perm(REFUND_PERMISSION),
            "actions": customers.ACTIONS,
            "revoke_messages": customers.message_choices("revoke"),
            "restore_messages": customers.message_choices("restore"),
            "grant_messages": customers.message_choices("grant"),
        },
        status=status,
    )


@require_GET
def customer_index(request):
    _require(request, VIEW_PERMISSION)
    query = request.GET.get("q", "")
    return TemplateResponse(
        request,
        "shop/admin/customers.html",
        {
            "rows": customers.search(query=query),
            "query": query,
            "header_title": "Customers",
            "breadcrumbs_items": _breadcrumbs(("", "Customers")),
        },
    )


@require_GET
def customer_detail(request, user_id):
    _require(request, VIEW_PERMISSION)
    return _customer_page(request, user_id=user_id)


def _posted_id(request, name: str, message: str) -> int:
    try:
        value = int(request.POST.get(name, ""))
    except ValueError as error:
        raise customers.CustomerActionError(message) from error
    if not 0 < value < 2**63:
        raise customers.CustomerActionError(message)
    return value


def _product_id(request) -> int:
    return _posted_id(request, "product", "Choose a product.")


@require_POST
def change_access(request, user_id):
    _require(request, VIEW_PERMISSION)
    _require(request, ACCESS_PERMISSION)
    action = request.POST.get("action", "")
    try:
        changed = customers.change_access(
            admin_user=request.user,
            user_id=user_id,
            product_id=_product_id(request),
            action=action,
            reason=request.POST.get("reason", ""),
            message=request.POST.get("message"),
        )
    except customers.CustomerActionError as error:
        messages.error(request, str(error))
        return _customer_page(request, user_id=user_id, status=400)
    done = {"grant": "Access granted.", "revoke": "Access revoked.", "restore": "Access restored."}[action]
    messages.success(request, done if changed else "Nothing changed: access was already like that.")
    return redirect("shop_customers:detail", user_id=user_id)


@require_POST
def refund_order(request, user_id, order_id):
    _require(request, VIEW_PERMISSION)
    _require(request, REFUND_PERMISSION)
    try:
        refund = customers.refund(
            admin_user=request.user,
            user_id=user_id,
            order_id=order_id,
            amount_text=request.POST.get("amount", ""),
            reason=request.POST.get("reason", ""),
        )
    except customers.CustomerActionError as error:
        messages.error(request, str(error))
        return _customer_page(request, user_id=user_id, status=400)
    messages.success(
        request,
        f"Stripe is refunding {refund.order.number}. Access follows when Stripe confirms it (usually within a minute).",
    )
    return redirect("shop_customers:detail", user_id=user_id)


@require_POST
def move_order(request, user_id):
    """Move a purchase to the account for another address (the buyer mistyped theirs at Stripe)."""
    _require(request, VIEW_PERMISSION)
    _require(request, ACCESS_PERMISSION)
    _require(request, REFUND_PERMISSION)
    try:
        order = customers.move_purchase(
            admin_user=request.user,
            user_id=user_id,
            order_id=_posted_id(request, "order", "Choose an order."),
            email=request.POST.get("email", ""),
            reason=request.POST.get("reason", ""),
        )
    except customers.CustomerActionError as error:
        messages.error(request, str(error))
        return _customer_page(request, user_id=user_id, status=400)
    messages.success(request, f"{order.number} and its access now belong to {order.email}.")
    return redirect("shop_customers:detail", user_id=order.user_id)


@require_POST
def refund_payment(request, order_id):
    """One button: refund in full a payment that did not match its order (status "needs refund")."""
    _require(request, VIEW_PERMISSION)
    _require(request, REFUND_PERMISSION)
    try:
        refund = customers.refund_mismatched_payment(admin_user=request.user, order_id=order_id)
    except customers.CustomerActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Stripe is refunding the payment for {refund.order.number}.")
    user_id = customers.order_owner_id(order_id=order_id)
    if user_id is not None and request.POST.get("back") == "customer":
        return redirect("shop_customers:detail", user_id=user_id)
    return redirect("shop_failures:index")


@require_GET
def failure_index(request):
    _require(request, VIEW_PERMISSION)
    return TemplateResponse(
        request,
        "shop/admin/failures.html",
        {
            "failures": failures.current(),
            "can_refund": request.user.has_perm(REFUND_PERMISSION),
            "header_title": "Failed webhooks and tasks",
            "breadcrumbs_items": _breadcrumbs(("", "Failed webhooks and tasks")),
        },
    )
