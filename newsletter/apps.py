from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = "Newsletter"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core import personal_records
        from newsletter import personal_records as records
        from newsletter import tracking

        tracking.connect()
        personal_records.register("newsletter", export=records.export, erase=records.erase)
