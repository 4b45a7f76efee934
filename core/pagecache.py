"""The anonymous page cache: whole public answers kept in the install's shared cache, and `purge()` that empties it.

`PageCacheMiddleware` stands right after SecurityMiddleware (and the security headers) and WhiteNoise in
MIDDLEWARE (config/settings.py). A GET or HEAD that carries no credentials (no session or messages cookie, no
Authorization or X-Session-Token header) is looked up with one shared-cache read and, when found, answered
before sessions, CSRF, authentication and the views run. Answers are stored only when the view declared
them the same for every anonymous reader: Wagtail pages that passed their view restrictions (core/wagtail_hooks.py
marks them with `mark_public`) and views that set `Cache-Control: public` themselves (the v2 API, the catalogue,
feeds, the sitemap). Nothing with a Set-Cookie, a CSRF token, `private`/`no-store`/`no-cache`, or a Vary the key
cannot honour is kept. Each entry is stored as plain, gzip and brotli copies with a weak ETag; clients get 304s.

Every entry records the cache generation it was rendered under; `purge()` replaces the generation once the
editor's transaction commits, so every worker's next lookup misses. Each room's signal wiring calls `purge()`.
Entries are also keyed by the release (core.release: RELEASE, or a hash of the installed code, templates and
packages), so a deploy that changes how pages render never serves what the previous release rendered, while a
purge (one generation for the install) still reaches both releases' workers during a rolling deploy.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import re
import secrets
from time import time
from urllib.parse import parse_qsl, urlencode

import brotli
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified, QueryDict
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

from core import attribution, release

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
TRACKING_PARAMETER = re.compile(r"^(utm_[a-z_]*|gclid|fbclid)$", re.IGNORECASE)
CREDENTIAL_HEADERS = ("HTTP_AUTHORIZATION", "HTTP_X_SESSION_TOKEN")
# django.contrib.messages' cookie storage: a pending message is shown on the next page, so that page is personal.
MESSAGES_COOKIE = "messages"
# What a stored answer may vary on: the key covers the encoding and the origin, and only credential-free requests
# are ever answered from the cache, so Vary on credentials is honoured by never looking such requests up.
HONOURED_VARY = {"accept-encoding", "cookie", "authorization", "x-session-token", "origin"}
NOT_SHAREABLE = {"private", "no-store", "no-cache"}
COMPRESSIBLE_TYPES = (
    "text/html",
    "text/plain",
    "text/xml",
    "application/json",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
)
ENCODINGS = ("br", "gzip", "")
MIN_COMPRESS_BYTES = 512
MAX_STORED_BYTES = 2 * 1024 * 1024
PUBLIC_FLAG = "_pagecache_public"


def mark_public(request) -> None:
    """Declare that this request's answer is the same for every anonymous reader (a page past its restrictions)."""
    setattr(request, PUBLIC_FLAG, True)


def purge(*, reason: str) -> None:
    """Empty the page cache for every worker, once the current transaction (if any) has committed.

    Replacing the generation instead of deleting keys reaches every worker with one write, whatever the backend.
    After the commit, so that no request renders the old content under the new generation.
    """

    def bump():
        shared_cache().set(GENERATION_KEY, secrets.token_hex(8), None)
        logger.info("page cache purged", extra={"reason": reason})

    transaction.on_commit(bump)


def shared_cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def current_generation(found: dict) -> str:
    """The current generation, from a `get_many` that included GENERATION_KEY (core.fragments reads it so too)."""
    generation = found.get(GENERATION_KEY)
    if generation is None:
        # Never set, or evicted: a fresh one makes every older entry stale, which is always safe.
        cache = shared_cache()
        cache.add(GENERATION_KEY, secrets.token_hex(8), None)
        generation = cache.get(GENERATION_KEY)
    return generation


def has_credentials(request) -> bool:
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or MESSAGES_COOKIE in cookies:
        return True
    return any(name in request.META for name in CREDENTIAL_HEADERS)


def strip_tracking(request) -> str:
    """Drop utm_*, gclid and fbclid from the request (no page renders them) and return the sorted query string.

    The dropped utm_* values stay on the request (core.attribution reads them on the uncached buy and enrol
    pages, which keep them in their forms); nothing else sees them.
    """
    query = request.META.get("QUERY_STRING", "")
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    kept = [(name, value) for name, value in pairs if not TRACKING_PARAMETER.match(name)]
    if len(kept) != len(pairs):
        dropped = {name.lower(): value for name, value in pairs if TRACKING_PARAMETER.match(name)}
        setattr(request, attribution.TRACKING_ATTRIBUTE, dropped)
        request.META["QUERY_STRING"] = urlencode(kept)
        request.GET = QueryDict(request.META["QUERY_STRING"])
    return urlencode(sorted(kept))


def preferred_encoding(accept_encoding: str) -> str:
    """br, gzip or "" (identity) from an Accept-Encoding header; q=0 refuses a coding."""
    accepted = set()
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        params = params.replace(" ", "")
        if params.startswith("q=") and params[2:] in ("0", "0.0", "0.00", "0.000"):
            continue
        accepted.add(name.strip())
    for encoding in ("br", "gzip"):
        if encoding in accepted:
            return encoding
    return ""


def storable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    control = {part.split("=", 1)[0].strip().lower() for part in response.get("Cache-Control", "").split(",")}
    if control & NOT_SHAREABLE:
        return False
    if not (getattr(request, PUBLIC_FLAG, False) or "public" in control):
        return False
    vary = {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}
    if not vary <= HONOURED_VARY or response.has_header("Content-Encoding"):
        return False
    return len(response.content) <= MAX_STORED_BYTES


def _headers_to_keep(response) -> list[tuple[str, str]]:
    return [(name, value) for name, value in response.items() if name.lower() not in ("content-length", "date")]


def build_entries(response, generation: str, *, now: float) -> dict[str, tuple]:
    """The stored copies of one answer: {"": plain, "gzip": …, "br": …}, each (generation, status, headers, body)."""
    if not response.has_header("Cache-Control"):
        response["Cache-Control"] = "public"
    patch_cache_control(response, public=True, s_maxage=settings.PAGE_CACHE_SHARED_MAX_AGE)
    if "max-age" not in response["Cache-Control"].replace("s-maxage", ""):
        patch_cache_control(response, max_age=0)
    body = response.content
    response["ETag"] = 'W/"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    if not response.has_header("Last-Modified"):
        response["Last-Modified"] = http_date(now)
    compressible = response.get("Content-Type", "").split(";")[0].strip().lower() in COMPRESSIBLE_TYPES
    if compressible:
        patch_vary_headers(response, ("Accept-Encoding",))
    headers = _headers_to_keep(response)
    entries = {"": (generation, response.status_code, headers, body)}
    if compressible and len(body) >= MIN_COMPRESS_BYTES:
        compressed = {
            "br": brotli.compress(body, quality=settings.PAGE_CACHE_BROTLI_QUALITY, mode=brotli.MODE_TEXT),
            "gzip": gzip.compress(body, compresslevel=6, mtime=0),
        }
        for encoding, data in compressed.items():
            if len(data) < len(body):
                entries[encoding] = (generation, 200, [*headers, ("Content-Encoding", encoding)], data)
    return entries


def not_modified(request, headers: dict) -> bool:
    etag = headers.get("ETag", "")
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag.removeprefix("W/") in tags
    since = request.META.get("HTTP_IF_MODIFIED_SINCE")
    if since:
        since_time = parse_http_date_safe(since)
        modified = parse_http_date_safe(headers.get("Last-Modified", ""))
        return since_time is not None and modified is not None and modified <= since_time
    return False


NOT_MODIFIED_HEADERS = ("Cache-Control", "ETag", "Last-Modified", "Vary", "Expires", "Content-Location")


def answer(request, entry: tuple, *, source: str) -> HttpResponse:
    _generation_unused, status, headers, body = entry
    if not_modified(request, dict(headers)):
        response = HttpResponseNotModified()
        for name, value in headers:
            if name in NOT_MODIFIED_HEADERS:
                response[name] = value
    else:
        response = HttpResponse(b"" if request.method == "HEAD" else body, status=status)
        for name, value in headers:
            response[name] = value
        response["Content-Length"] = str(len(body))
    response["X-Page-Cache"] = source
    return response


def keep_private(response) -> None:
    """A credentialed answer that read the session or cookies is never stored by a shared cache."""
    if "cookie" not in response.get("Vary", "").lower() and not response.cookies:
        return
    control = response.get("Cache-Control", "").lower()
    if "private" in control or "no-store" in control:
        return
    if "public" in control:
        del response["Cache-Control"]
    patch_cache_control(response, private=True, no_cache=True)


class PageCacheMiddleware:
    """Early in MIDDLEWARE (after security and static files): answers credential-free GET/HEAD requests from
    the shared cache, or stores what they got."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.release = release.identity()

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or has_credentials(request):
            response = self.get_response(request)
            keep_private(response)
            return response
        if not settings.PAGE_CACHE_ENABLED:
            return self.get_response(request)
        query = strip_tracking(request)
        try:
            base = f"pagecache:{request.scheme}://{request.get_host()}{request.path}?{query}"
        except DisallowedHost:
            return self.get_response(request)
        origin = request.META.get("HTTP_ORIGIN", "")
        base = hashlib.blake2b(f"{base}|{origin}".encode(), digest_size=16).hexdigest()
        encoding = preferred_encoding(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        cache = shared_cache()
        key = f"pagecache:{self.release}:{base}:{encoding}"
        found = cache.get_many([GENERATION_KEY, key])
        generation = current_generation(found)
        entry = found.get(key)
        if entry is not None and entry[0] == generation:
            return answer(request, entry, source="hit")
        response = self.get_response(request)
        if not storable(request, response):
            return response
        entries = build_entries(response, generation, now=time())
        # A coding that did not pay (a tiny body) stores the plain copy under its key, so the next lookup hits.
        stored = {f"pagecache:{self.release}:{base}:{name}": entries.get(name, entries[""]) for name in ENCODINGS}
        cache.set_many(stored, settings.PAGE_CACHE_TIMEOUT)
        return answer(request, entries.get(encoding, entries[""]), source="miss")
