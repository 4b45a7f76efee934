"""Who is calling: an app's X-Session-Token (django-allauth headless), else the browser session with CSRF."""

import logging

from allauth.headless.internal.sessionkit import authenticate_by_x_session_token
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import APIKeyHeader, SessionAuth

logger = logging.getLogger(__name__)

TOKEN_HEADER = "X-Session-Token"  # noqa: S105 - a header name, not a secret


class AppToken(APIKeyHeader):
    """Apps send the session token allauth's headless API gave them; a stale or made-up one is a 401."""

    param_name = TOKEN_HEADER

    def authenticate(self, request: HttpRequest, key: str | None):
        if not key:
            return None
        found = authenticate_by_x_session_token(key[:200]) if len(key) <= 200 else None
        if found is None:
            raise AuthenticationError(401, "The session token is not valid or has expired. Sign in again.")
        user = found[0]
        if not user.is_active:
            raise AuthenticationError(401, "This account is not active.")
        request.user = user
        return user


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
        if request.headers.get(TOKEN_HEADER):
            return None
        request.user = AnonymousUser()
        return request.user


app_token = AppToken()
browser_session = BrowserSession()
anonymous = Anonymous()

SIGNED_IN = [app_token, browser_session]
ANYONE = [app_token, browser_session, anonymous]
# Operations that answer visitors too: added to their security list, {} says credentials are optional.
OPTIONAL = {"security": [{}]}


def caller(request: HttpRequest):
    """The authenticated user (or AnonymousUser) the auth chain settled on."""
    return getattr(request, "auth", None) or request.user
