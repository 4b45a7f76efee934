"""Who is calling: an app's session token (django-allauth headless), else the browser session with CSRF.

Apps send the token as `X-Session-Token: <token>` or, equally, `Authorization: Bearer <token>`. Other
Authorization schemes are not ours (a staging site behind HTTP Basic sends `Authorization: Basic` on every
call) and are ignored: such a caller is anonymous unless it also presents a token or a session.
"""

import logging

from allauth.headless.internal.sessionkit import authenticate_by_x_session_token
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

logger = logging.getLogger(__name__)

TOKEN_HEADER = "X-Session-Token"  # noqa: S105 - a header name, not a secret
MAX_TOKEN_LENGTH = 200
INVALID_TOKEN = "The session token is not valid or has expired. Sign in again."  # noqa: S105 - a message
SHAREABLE_FLAG = "_api_same_for_every_visitor"


def bearer_token(headers) -> str | None:
    """The credentials of an `Authorization: Bearer …` header ("" when empty); None for no header or another scheme."""
    scheme, _, credentials = headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return credentials.strip()


def presented_token(headers) -> str | None:
    """The session token the caller presents: X-Session-Token first, then a Bearer token; None for neither."""
    return headers.get(TOKEN_HEADER) or bearer_token(headers)


def user_for_token(token: str):
    """The active user a session token belongs to, or None for a stale, made-up or oversized one."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    found = authenticate_by_x_session_token(token)
    if found is None or not found[0].is_active:
        return None
    return found[0]


def _signed_in_by_token(request: HttpRequest, token: str):
    user = user_for_token(token)
    if user is None:
        raise AuthenticationError(401, INVALID_TOKEN)
    request.user = user
    return user


class AppToken(APIKeyHeader):
    """Apps send the session token allauth's headless API gave them; a stale or made-up one is a 401."""

    param_name = TOKEN_HEADER

    def authenticate(self, request: HttpRequest, key: str | None):
        if not key:
            return None
        return _signed_in_by_token(request, key)


class BearerToken(HttpBearer):
    """The same session token as `Authorization: Bearer <token>`; an invalid or empty one is a 401."""

    def __call__(self, request: HttpRequest):
        token = bearer_token(request.headers)
        if token is None:
            return None
        return self.authenticate(request, token)

    def authenticate(self, request: HttpRequest, token: str):
        return _signed_in_by_token(request, token)


class BrowserSession(SessionAuth):
    """The Django session cookie; unsafe methods need the CSRF token (X-CSRFToken header) too."""

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without the cookie there is no ambient authority to forge, so no CSRF check is needed.
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None):
        if key is None:
            return None
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


class Anonymous:
    """The last resort for endpoints that also answer visitors: the caller is anonymous."""

    def __call__(self, request: HttpRequest):
        if presented_token(request.headers) is not None:
            return None
        request.user = AnonymousUser()
        return request.user


app_token = AppToken()
bearer = BearerToken()
browser_session = BrowserSession()
anonymous = Anonymous()

SIGNED_IN = [app_token, bearer, browser_session]
ANYONE = [app_token, bearer, browser_session, anonymous]
# Operations that answer visitors too: added to their security list, {} says credentials are optional.
OPTIONAL = {"security": [{}]}


def caller(request: HttpRequest):
    """The authenticated user (or AnonymousUser) the auth chain settled on."""
    return getattr(request, "auth", None) or request.user


def same_for_every_visitor(request: HttpRequest) -> None:
    """Declare that this endpoint answers every visitor alike (the catalogue): a visitor's answer may then be kept
    by shared caches and the page cache (config.api.root). Callers with credentials still get a private one."""
    setattr(request, SHAREABLE_FLAG, True)


def presents_credentials(request: HttpRequest) -> bool:
    """A session cookie, an Authorization header or an app token: whatever might make the answer this caller's."""
    return (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or "Authorization" in request.headers
        or TOKEN_HEADER in request.headers
    )


def shareable(request: HttpRequest) -> bool:
    """Whether this answer may be cached publicly: the endpoint said so and the caller is a visitor."""
    if not getattr(request, SHAREABLE_FLAG, False) or presents_credentials(request):
        return False
    return not getattr(caller(request), "is_authenticated", False)
