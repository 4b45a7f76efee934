"""The Wagtail admin's second factor: staff who enrolled TOTP must pass it, and STAFF_REQUIRE_2FA makes it mandatory.

Wagtail's own password login knows nothing of allauth's MFA, so the admin asks for the second factor itself:
every /admin/ page (but signing in and out) sends a staff member without a TOTP passed in this session to
allauth's MFA pages (enrol, or re-authenticate with the code), then back.
"""

import logging

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.core import context
from allauth.mfa.models import Authenticator
from allauth.mfa.totp import forms as totp_forms
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from core import accounts

logger = logging.getLogger(__name__)

# Pages of the admin a staff member must reach before the second factor: signing in and out, resetting a password.
OPEN_ADMIN_PAGES = ("login/", "logout/", "password_reset/")


def passed_second_factor(request, user) -> bool:
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, user))


class ActivateTOTPForm(totp_forms.ActivateTOTPForm):
    """Enrolling TOTP checks a code from the new authenticator: that counts as passing it in this session."""

    def clean_code(self) -> str:
        code = super().clean_code()
        record_authentication(context.request, self.user, "mfa", type=Authenticator.Type.TOTP, enrolled=True)
        return code


class StaffSecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (redirect := self._second_factor_redirect(request)) is not None:
            return redirect
        return self.get_response(request)

    def _second_factor_redirect(self, request):
        admin = reverse("wagtailadmin_home")
        if not request.path.startswith(admin) or request.path[len(admin) :].startswith(OPEN_ADMIN_PAGES):
            return None
        user = request.user
        if not user.is_authenticated or not accounts.is_staff(user):
            return None
        if is_mfa_enabled(user, [Authenticator.Type.TOTP]):
            if passed_second_factor(request, user):
                return None
            target = reverse("mfa_reauthenticate")
        elif settings.STAFF_REQUIRE_2FA:
            target = reverse("mfa_activate_totp")
        else:
            return None
        logger.info("Admin asked for a second factor", extra={"user_id": user.pk, "path": request.path})
        return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
