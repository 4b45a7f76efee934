"""The headless API's roots: the Django Ninja API at /api/ (OpenAPI 3.1) and the Wagtail v2 router at /api/v2/."""

import logging

from django.conf import settings
from ninja import NinjaAPI

from config.api import errors, security
from core.errors import DomainError
from courses import api as courses_api
from shop import api as shop_api
from website import api as website_api

logger = logging.getLogger(__name__)

DESCRIPTION = """
Commerce, accounts and learning for the Backcare headless frontend. Content (articles, guides, courses,
lessons, authors, images, documents) is served by the Wagtail API v2 at `/api/v2/`.

**Signing in** uses django-allauth's headless API at `/_allauth/{browser|app}/v1/` (its own OpenAPI document
is at `/_allauth/openapi.json`): `POST .../auth/code/request {"email"}` e-mails a one-time code,
`POST .../auth/code/confirm {"code"}` signs in. Browser clients then use the session cookie and send the
CSRF token (`X-CSRFToken`) on unsafe methods; app clients keep the `session_token` from the answer and send
it as `X-Session-Token` or as `Authorization: Bearer <token>`. Sign out with `DELETE .../auth/session`.

**Errors** always have one shape: `{"error": {"code": "...", "message": "...", "fields": [{"field", "message"}]}}`.
Rate-limited requests (sign-in codes, logins, checkout starts, e-mail enrolments) answer 429 with `Retry-After`.
"""


class BackcareAPI(NinjaAPI):
    """/api/ answers depend on the caller (ownership, access, progress), so they are private, except a visitor's
    answer from an endpoint that answers every visitor alike (`security.same_for_every_visitor`: the catalogue).
    That one is public for shared caches (the page cache keeps and compresses it, purged like the pages) with
    `max-age=0`, so browsers revalidate (a 304) rather than show an old price."""

    def create_response(self, request, data, *args, **kwargs):
        response = super().create_response(request, data, *args, **kwargs)
        if response.status_code == 200 and security.shareable(request):
            response["Cache-Control"] = f"public, max-age=0, s-maxage={settings.PAGE_CACHE_SHARED_MAX_AGE}"
        else:
            response["Cache-Control"] = "private, no-cache"
        response["Vary"] = "Cookie, Authorization, X-Session-Token"
        return response


def build_api() -> NinjaAPI:
    api = BackcareAPI(
        title="Backcare API",
        version="1.0.0",
        description=DESCRIPTION.strip(),
        urls_namespace="api",
        openapi_url="/openapi.json",
        docs_url="/docs",
    )
    errors.install(api, domain_errors=DomainError)
    api.add_router("/", shop_api.router)
    api.add_router("/learning", courses_api.router)
    api.add_router("/", website_api.router)
    return api


api = build_api()


def v2_urls():
    return website_api.v2_router.urls
