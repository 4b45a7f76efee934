"""What readers see and editors publish: pages, the author, site settings."""

from django.apps import AppConfig


class WebsiteConfig(AppConfig):
    name = "website"
    verbose_name = "Website"
