"""Deployment checks for the shop: a production site must never give products away."""

from django.conf import settings
from django.core.checks import Error, register


@register(deploy=True)
def check_payments_configured(app_configs, **kwargs):
    if settings.DEBUG or settings.STRIPE_SECRET_KEY or settings.SHOP_DEMO:
        return []
    return [
        Error(
            "Buying is switched off: neither STRIPE_SECRET_KEY nor SHOP_DEMO is set.",
            hint="Set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET for real payments.",
            id="shop.E001",
        )
    ]


@register(deploy=True)
def check_demo_payments_off(app_configs, **kwargs):
    """Demo payments hand out every product for a click: never on a site that runs with DEBUG off."""
    if settings.DEBUG or not settings.SHOP_DEMO:
        return []
    return [
        Error(
            "SHOP_DEMO=1 with DEBUG off: demo payments give every product away without payment.",
            hint="Remove SHOP_DEMO on a public site and set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET.",
            id="shop.E003",
        )
    ]


@register(deploy=True)
def check_webhook_secret(app_configs, **kwargs):
    if settings.STRIPE_SECRET_KEY and not settings.STRIPE_WEBHOOK_SECRET:
        return [Error("STRIPE_WEBHOOK_SECRET is not set: webhooks would be refused.", id="shop.E002")]
    return []
