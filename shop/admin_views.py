"""The shop's own Wagtail admin pages: customers (access and refunds by hand) and background failures."""

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
            "actions": customers.ACTIONS,
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


def _product_id(request) -> int:
    try:
        return int(request.POST.get("product", ""))
    except ValueError as error:
        raise customers.CustomerActionError("Choose a product.") from error


@require_POST
def change_access(request, user_id):
    _require(request, ACCESS_PERMISSION)
    action = request.POST.get("action", "")
    try:
        changed = customers.change_access(
            admin_user=request.user,
            user_id=user_id,
            product_id=_product_id(request),
            action=action,
            reason=request.POST.get("reason", ""),
        )
    except customers.CustomerActionError as error:
        messages.error(request, str(error))
        return _customer_page(request, user_id=user_id, status=400)
    done = {"grant": "Access granted.", "revoke": "Access revoked.", "restore": "Access restored."}[action]
    messages.success(request, done if changed else "Nothing changed: access was already like that.")
    return redirect("shop_customers:detail", user_id=user_id)


@require_POST
def refund_order(request, user_id, order_id):
    _require(request, REFUND_PERMISSION)
    _require(request, VIEW_PERMISSION)
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


@require_GET
def failure_index(request):
    _require(request, VIEW_PERMISSION)
    return TemplateResponse(
        request,
        "shop/admin/failures.html",
        {
            "failures": failures.current(),
            "header_title": "Failed webhooks and tasks",
            "breadcrumbs_items": _breadcrumbs(("", "Failed webhooks and tasks")),
        },
    )
