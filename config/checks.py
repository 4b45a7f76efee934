"""Deployment checks for the plumbing: production must not keep its e-mail on the server."""

from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def check_mail_backend(app_configs, **kwargs):
    if settings.MAILERS["default"]["BACKEND"] == settings.LOCAL_MAILBOX_BACKEND:
        return [
            Warning(
                "E-mail is kept in the local mailbox and never delivered.",
                hint="Set EMAIL_BACKEND to a real backend (SMTP or an django-anymail provider).",
                id="config.W001",
            )
        ]
    return []
