"""Rate limits for sign-in, code requests and checkout starts: counters in Django's cache, 429 with Retry-After."""

import hashlib
import json
import logging
import math
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from config.api import errors

logger = logging.getLogger(__name__)

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


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


def consume(*, scope: str, ident: str, rate: Rate, now: float | None = None) -> int | None:
    """Count one attempt; the seconds to wait when over the limit, else None.

    Fixed windows keyed by scope and a hash of the identity; with CACHE_URL pointing at Redis every worker
    shares the counters.
    """
    now = time.time() if now is None else now
    window = int(now // rate.seconds)
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
    key = f"api-ratelimit:{scope}:{digest}:{window}"
    cache.add(key, 0, timeout=rate.seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:
        # The window expired between add and incr: this is the first attempt of the next one.
        cache.add(key, 1, timeout=rate.seconds + 1)
        count = 1
    if count <= rate.amount:
        return None
    return max(1, math.ceil((window + 1) * rate.seconds - now))


def client_ip(request) -> str:
    """The caller's address; behind our own proxy (BEHIND_PROXY=1) the one the proxy saw, not the proxy's."""
    if settings.BEHIND_PROXY:
        # The proxy appends the address it saw last, so the last entry is the one a client cannot forge.
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _email_in(request) -> str:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return ""
    email = data.get("email") if isinstance(data, dict) else None
    return email.strip().lower()[:254] if isinstance(email, str) else ""


# (scope, path pattern) for the POSTs that are limited; the first match wins.
LIMITED = [
    ("sign_in_code", re.compile(r"^/_allauth/(browser|app)/v1/auth/code/request$")),
    ("sign_in_code", re.compile(r"^/api/learning/courses/[^/]+/enrol$")),
    ("login", re.compile(r"^/_allauth/(browser|app)/v1/auth/(login|code/confirm)$")),
    ("checkout", re.compile(r"^/api/checkout$")),
]


def check(request) -> int | None:
    """The seconds the caller must wait before this request is allowed, or None."""
    if request.method != "POST":
        return None
    for scope, pattern in LIMITED:
        if not pattern.match(request.path_info):
            continue
        rate = rate_for(scope)
        if rate is None:
            return None
        idents = [f"ip:{client_ip(request)}"]
        if scope == "sign_in_code" and (email := _email_in(request)):
            idents.append(f"email:{email}")
        waits = [consume(scope=scope, ident=ident, rate=rate) for ident in idents]
        wait = max((w for w in waits if w is not None), default=None)
        if wait is not None:
            logger.warning("Rate limit reached", extra={"scope": scope, "path": request.path_info})
        return wait
    return None


class RateLimitMiddleware:
    """Answers 429 (the API's error shape, with Retry-After) before a limited request reaches its view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        wait = check(request)
        if wait is not None:
            return errors.respond(
                429, "Too many attempts. Wait a little and try again.", headers={"Retry-After": str(wait)}
            )
        return self.get_response(request)
