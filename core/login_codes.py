"""Sign-in codes started by the site on a person's behalf (the thank-you page) and the code pending in a browser.

Called by the shop's thank-you page and the course pages. The code is allauth's own login-by-code flow: the
pending sign-in lives in this browser's session and only the code e-mailed to the address signs anyone in.
"""

import logging

from allauth.account.internal.flows.login_by_code import LoginCodeVerificationProcess
from allauth.account.internal.stagekit import get_pending_stage
from allauth.account.stages import LoginByCodeStage
from allauth.core import ratelimit

from core import accounts

logger = logging.getLogger(__name__)


def send(*, request, user, email: str) -> bool:
    """E-mail a sign-in code for `user` to `email` and keep the pending sign-in in this browser's session.

    Refused (False, nothing sent) for a browser already signed in, an inactive or staff account (staff sign in
    with their password), an address that is not the account's, and beyond allauth's own limit on codes asked
    for one address.
    """
    if request.user.is_authenticated or user is None or not user.is_active or accounts.is_staff(user):
        return False
    if (user.email or "").lower() != email.lower():
        return False
    if not ratelimit.consume(request, action="request_login_code", key=email.lower()):
        logger.warning("Refused to send another sign-in code", extra={"user_id": user.pk})
        return False
    LoginCodeVerificationProcess.initiate(request=request, user=user, email=email)
    logger.info("Sent a sign-in code after a purchase", extra={"user_id": user.pk})
    return True


def pending_email(request) -> str:
    """The address a still-valid sign-in code was sent to from this browser, or "" when none is pending."""
    stage = get_pending_stage(request)
    if stage is None or stage.key != LoginByCodeStage.key:
        return ""
    process = LoginCodeVerificationProcess.resume(stage)
    if process is None:
        return ""
    return process.state.get("email") or ""
