"""The newsletter's public pages: the double opt-in form and its confirmation, one-click unsubscribe, preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from core.errors import shows_domain_errors
from newsletter import consent


# Exempt from CSRF like the free course's form: the form may sit on cached pages, and without a token this view
# only e-mails a confirmation link to the typed address (the same answer whether or not it is known). The rate
# limit (config.api.ratelimit, "sign_in_code" per client and per address) counts every POST.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def subscribe(request):
    if request.method == "GET":
        return render(request, "newsletter/subscribe.html", {})
    email = request.POST.get("email", "")
    try:
        consent.request_subscription(email=email)
    except ValidationError:
        context = {"email": email[:254], "error": "Please enter a valid e-mail address."}
        return render(request, "newsletter/subscribe.html", context, status=400)
    return render(request, "newsletter/subscribe_sent.html", {})


@never_cache
@require_http_methods(["GET", "POST"])
@shows_domain_errors
def confirm(request, token: str):
    try:
        email, _ = consent.read_confirm(token=token)
    except consent.InvalidLinkError as error:
        return render(request, "newsletter/link_invalid.html", status=error.status)
    if request.method == "GET":
        # Mail scanners open links: only the button (a POST) subscribes.
        return render(request, "newsletter/confirm.html", {"email": email, "token": token})
    consent.confirm(token=token)
    return render(request, "newsletter/confirmed.html", {"email": email})


@never_cache
@csrf_exempt  # the signed token is the secret; mail apps POST here without a form (one-click, RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    try:
        subscriber, _ = consent.read_unsubscribe(token=token)
    except consent.InvalidLinkError as error:
        return render(request, "newsletter/link_invalid.html", status=error.status)
    if request.method == "POST":
        subscriber = consent.unsubscribe(token=token)
        return render(request, "newsletter/unsubscribed.html", {"email": subscriber.email})
    return render(request, "newsletter/unsubscribe.html", {"email": subscriber.email, "token": token})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    if request.method == "POST":
        wants = request.POST.get("newsletter") == "on"
        consent.set_preference(user=request.user, wants=wants)
        messages.success(request, "Saved. You will get the newsletter." if wants else "Saved. No more newsletter.")
        return HttpResponseRedirect(reverse("newsletter:preferences"))
    context = {"wants": consent.wants_newsletter(user=request.user), "email": request.user.email}
    return render(request, "newsletter/preferences.html", context)
