"""Who the client is behind our proxies: asked by every rate limit, ours (config.api.ratelimit) and allauth's."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """The caller's address: with TRUSTED_PROXY_COUNT = N, the Nth address from the right of X-Forwarded-For.

    Each trusted proxy appends the address it saw, so the entries a client could forge are all to the left
    of the one our outermost proxy wrote.
    """
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if count > 0 and forwarded:
        # A shorter chain than configured (a proxy skipped): the leftmost entry is the furthest address known.
        address = forwarded[-count] if len(forwarded) >= count else forwarded[0]
    else:
        address = request.META.get("REMOTE_ADDR", "") or "unknown"
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return address[:100]
