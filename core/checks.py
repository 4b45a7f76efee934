"""System checks of the bottom room: publish webhooks are never sent unsigned."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def check_publish_webhook_secret(app_configs, **kwargs):
    if settings.PUBLISH_WEBHOOK_URLS and not settings.PUBLISH_WEBHOOK_SECRET:
        return [
            Error(
                "PUBLISH_WEBHOOK_URLS is set but PUBLISH_WEBHOOK_SECRET is not: receivers could not tell our notices "
                "from anyone's.",
                hint="Set PUBLISH_WEBHOOK_SECRET to a long random value and give it to the receivers.",
                id="core.E001",
            )
        ]
    return []
