"""How django-allauth treats this site's accounts: staff never sign in by code, e-mailed links name our address.

Configured by ACCOUNT_ADAPTER; allauth calls it for every sign-in, sign-up, code and e-mail, HTML and headless.
"""

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import clear_authentication_records
from allauth.account.internal.stagekit import clear_login
from allauth.account.utils import filter_users_by_email
from allauth.core.internal.httpkit import is_headless_request
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse

from core import accounts
from core.client_address import client_ip

logger = logging.getLogger(__name__)

LOGIN_CODE_MAIL = "account/email/login_code"
STAFF_LOGIN_CODE_MAIL = "account/email/staff_login_code"


@dataclass(frozen=True)
class SiteAddress:
    """Stands in for allauth's `current_site` in e-mails, which would otherwise be the request's Host."""

    name: str
    domain: str


def base_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def absolute(path: str) -> str:
    """An address on this site for an e-mail: always the configured base, never the request's Host."""
    return base_url() + path


def rebase(url: str, *, request) -> str:
    """A link allauth built from the request (Host or X-Forwarded-Host), moved onto the configured base.

    Links to somewhere else (HEADLESS_FRONTEND_URLS, set by the operator) are left as they are.
    """
    if request is None or not isinstance(url, str):
        return url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc.lower() != request.get_host().lower():
        return url
    base = urlsplit(base_url())
    return urlunsplit((base.scheme, base.netloc, base.path.rstrip("/") + parts.path, parts.query, parts.fragment))


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        """The same client our own limits count (TRUSTED_PROXY_COUNT), and never a 500 for a short chain."""
        return client_ip(request)

    def pre_login(self, request, user, **kwargs):
        if accounts.is_staff(user) and not self._signed_in_with_password(request, user):
            # An e-mailed code (or any link) proves only the mailbox; editors need their password.
            logger.warning("Refused a staff sign-in without a password", extra={"user_id": user.pk})
            clear_login(request)
            clear_authentication_records(request)
            if not is_headless_request(request):  # the headless API answers 401 for any unfinished login
                messages.error(request, "Editor accounts sign in with their password, not with a code.")
            return HttpResponseRedirect(reverse("account_login"))
        if (email := self._code_sent_to(request, user)) is not None:
            # The code went to this address: it is proved even for an account that had no address row yet.
            accounts.mark_verified(user=user, email=email)
        return super().pre_login(request, user, **kwargs)

    @staticmethod
    def _signed_in_with_password(request, user) -> bool:
        records = get_authentication_records(request, user)
        return bool(records) and records[-1].get("method") == "password"

    @staticmethod
    def _code_sent_to(request, user) -> str | None:
        records = get_authentication_records(request, user)
        if not records or records[-1].get("method") != "code":
            return None
        email = records[-1].get("email") or ""
        return email if email.lower() == (user.email or "").lower() else None

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = self.request
        if template_prefix == LOGIN_CODE_MAIL and any(accounts.is_staff(user) for user in filter_users_by_email(email)):
            # The code itself is never sent to an editor's address: no code, no way in by mailbox alone.
            template_prefix = STAFF_LOGIN_CODE_MAIL
            context = {key: value for key, value in context.items() if key != "code"}
            context["admin_login_url"] = absolute(reverse("wagtailadmin_login"))
        context = {
            key: rebase(value, request=request) if key.endswith("_url") else value for key, value in context.items()
        }
        context["current_site"] = SiteAddress(name=settings.WAGTAIL_SITE_NAME, domain=urlsplit(base_url()).netloc)
        context.setdefault("base_url", base_url())
        super().send_mail(template_prefix, email, context)

    def get_reset_password_from_key_url(self, key: str) -> str:
        return rebase(super().get_reset_password_from_key_url(key), request=self.request)

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return rebase(super().get_email_confirmation_url(request, emailconfirmation), request=request)
