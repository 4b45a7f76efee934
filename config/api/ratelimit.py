"""Rate limits for sign-in, code requests, checkout starts and the HTML forms that guess or send: 429 with Retry-After.

Counters live in the database (config.models.RateLimitCounter), incremented atomically, so every worker of
an install shares one exact count whatever the cache is. The caller is the address `client_ip` finds, the
same one django-allauth's own limits use (both follow TRUSTED_PROXY_COUNT).
"""

import hashlib
import json
import logging
import math
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.shortcuts import render

from config.api import errors
from config.models import RateLimitCounter
from core.client_address import client_ip

logger = logging.getLogger(__name__)

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MESSAGE = "Too many attempts. Wait a little and try again."


@dataclass(frozen=True)
class Rate:
    amount: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> "Rate":
        amount, _, unit = text.partition("/")
        return cls(amount=int(amount), seconds=UNITS[unit.strip()[:1] or "m"])


def rate_for(scope: str) -> Rate | None:
    text = settings.API_RATE_LIMITS.get(scope, "")
    return Rate.parse(text) if text else None


def _count(*, key: str, expires_at: datetime, now: datetime) -> int:
    """Add one to the counter named `key` and return its new value, exactly, under any number of workers."""
    counters = RateLimitCounter.objects.filter(key=key)
    with transaction.atomic():
        # The UPDATE holds the row until commit, so the read below sees this request's own increment.
        if not counters.update(count=F("count") + 1):
            RateLimitCounter.objects.filter(expires_at__lt=now).delete()
            try:
                with transaction.atomic():
                    RateLimitCounter.objects.create(key=key, count=1, expires_at=expires_at)
            except IntegrityError:
                # Another worker opened this window first: count on its row.
                counters.update(count=F("count") + 1)
        return counters.values_list("count", flat=True).get()


def consume(*, scope: str, ident: str, rate: Rate, now: float | None = None) -> int | None:
    """Count one attempt; the seconds to wait when over the limit, else None.

    Fixed windows keyed by scope, a hash of the identity and the window's number.
    """
    now = time.time() if now is None else now
    window = int(now // rate.seconds)
    window_end = (window + 1) * rate.seconds
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
    count = _count(
        key=f"{scope}:{digest}:{rate.seconds}:{window}",
        expires_at=datetime.fromtimestamp(window_end, tz=UTC),
        now=datetime.fromtimestamp(now, tz=UTC),
    )
    if count <= rate.amount:
        return None
    return max(1, math.ceil(window_end - now))


def _email_in(request) -> str:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return ""
    email = data.get("email") if isinstance(data, dict) else None
    return email.strip().lower()[:254] if isinstance(email, str) else ""


def _email_in_form(request) -> str:
    email = request.POST.get("email", "")
    return email.strip().lower()[:254]


def _wait(request, *, scope: str, email: str = "") -> int | None:
    """Count this request against `scope` per client address (and per e-mail address when one is given)."""
    rate = rate_for(scope)
    if rate is None:
        return None
    idents = [f"ip:{client_ip(request)}"]
    if email:
        idents.append(f"email:{email}")
    waits = [consume(scope=scope, ident=ident, rate=rate) for ident in idents]
    wait = max((w for w in waits if w is not None), default=None)
    if wait is not None:
        logger.warning("Rate limit reached", extra={"scope": scope, "path": request.path_info})
    return wait


# API POSTs that are limited, as (scope, path pattern); the first match wins.
LIMITED = [
    ("sign_in_code", re.compile(r"^/_allauth/(browser|app)/v1/auth/code/request$")),
    ("sign_in_code", re.compile(r"^/api/learning/courses/[^/]+/enrol$")),
    ("login", re.compile(r"^/_allauth/(browser|app)/v1/auth/(login|code/confirm)$")),
    ("checkout", re.compile(r"^/api/checkout$")),
]

# HTML forms that are limited, by the view that receives their POST (wherever it is mounted): the e-mail
# enrolment form sends mail like a code request, the others take a password.
LIMITED_FORM_VIEWS = {
    "courses.views.enrol": "sign_in_code",
    "newsletter.views.subscribe": "sign_in_code",
    "wagtail.admin.views.account.LoginView": "login",
    "django.contrib.auth.views.LoginView": "login",  # Wagtail's sign-in for login-restricted pages
    "wagtail.views.authenticate_with_password": "login",
    "wagtail.documents.views.serve.authenticate_with_password": "login",
}


def check(request) -> int | None:
    """The seconds the caller must wait before this API request is allowed, or None."""
    if request.method != "POST":
        return None
    for scope, pattern in LIMITED:
        if pattern.match(request.path_info):
            return _wait(request, scope=scope, email=_email_in(request) if scope == "sign_in_code" else "")
    return None


def view_name(view_func) -> str:
    view = getattr(view_func, "view_class", view_func)
    return f"{view.__module__}.{view.__qualname__}"


class RateLimitMiddleware:
    """Answers 429 with Retry-After before a limited request reaches its view: the API's error shape for the
    API, a page for the HTML forms."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        wait = check(request)
        if wait is not None:
            headers = {"Retry-After": str(wait)}
            if request.path_info.startswith(errors.ALLAUTH_PREFIX):
                return errors.allauth_respond(429, MESSAGE, code="too_many_requests", headers=headers)
            return errors.respond(429, MESSAGE, headers=headers)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST":
            return None
        scope = LIMITED_FORM_VIEWS.get(view_name(view_func))
        if scope is None:
            return None
        wait = _wait(request, scope=scope, email=_email_in_form(request) if scope == "sign_in_code" else "")
        if wait is None:
            return None
        response = render(request, "429.html", {"retry_after": wait}, status=429)
        response["Retry-After"] = str(wait)
        response["Cache-Control"] = "no-store"
        return response
