from django.apps import AppConfig


class AudienceConfig(AppConfig):
    """The top room: anonymous view counts, and the reports on revenue, sign-ups and the articles behind them."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "audience"
    verbose_name = "Audience"
