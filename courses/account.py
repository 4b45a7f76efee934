"""The account page a person runs themselves (/account/): certificate name, address, sessions, data, deletion.

Thin views over core.accounts (sessions), courses.personal_data (the export) and courses.erasure (deletion).
The certificate name is the courses' own form (courses:certificate_name); the address change is allauth's.
"""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import accounts
from core.errors import shows_domain_errors
from courses import certificates, erasure, personal_data
from courses.forms import CertificateNameForm
from shop.models import Order


def _receipt_url(order: Order) -> str:
    """The receipt PDF's address, once the shop serves receipts (until then, none: the order page stays)."""
    try:
        return reverse("shop:receipt", args=[order.pk])
    except NoReverseMatch:
        return ""


def _orders(user) -> list[dict]:
    rows = Order.objects.filter(user=user, paid_at__isnull=False).select_related("product").order_by("-paid_at")
    return [
        {
            "order": order,
            "detail_url": reverse("shop:order_detail", args=[order.pk]),
            "receipt_url": _receipt_url(order),
        }
        for order in rows
    ]


@never_cache
@login_required
@require_GET
def home(request):
    user = request.user
    context = {
        "email": user.email,
        "name_form": CertificateNameForm(initial={"name": certificates.chosen_name(user=user)}),
        "orders": _orders(user),
        "other_sessions": max(personal_data.session_count(user) - 1, 0),
        "is_staff": accounts.is_staff(user),
        "retention_years": settings.ORDER_RETENTION_YEARS,
    }
    return render(request, "account/manage/home.html", context)


@never_cache
@login_required
@require_POST
def sign_out_others(request):
    request.session.cycle_key()  # this browser keeps going under a new key, so a copied cookie stops working too
    ended = accounts.end_sessions(request.user, keep=request.session.session_key)
    if ended:
        messages.success(request, f"Signed out everywhere else ({ended}).", extra_tags="account-sessions")
    else:
        messages.success(request, "You were signed in only here.", extra_tags="account-sessions")
    return HttpResponseRedirect(reverse("account:home") + "#sessions")


@never_cache
@login_required
@require_GET
def export(request):
    data = personal_data.gather(user=request.user)
    body = json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="my-data-{timezone.localdate():%Y-%m-%d}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@login_required
@require_POST
@shows_domain_errors
def delete(request):
    sent = erasure.ask(user=request.user)
    return render(request, "account/manage/delete_sent.html", {"email": request.user.email, "sent": sent})


@never_cache
@require_http_methods(["GET", "POST"])
@shows_domain_errors
def delete_confirm(request, token: str):
    user = erasure.read_token(token=token)
    if request.method == "GET":
        # Mail apps open links to preview them: only the button deletes.
        return render(request, "account/manage/delete_confirm.html", {"email": user.email})
    was_them = request.user.is_authenticated and request.user.pk == user.pk
    erased = erasure.erase(user=user)
    if was_them:
        logout(request)  # a fresh, empty session: the old one must not be saved back under a deleted user
    return render(request, "account/manage/deleted.html", {"orders_kept": erased.orders_kept})


@require_GET
def code_help(request):
    return render(request, "account/manage/code_help.html")
