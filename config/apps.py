"""The plumbing app: health check, local mailbox, scheduler."""

from django.apps import AppConfig


class ConfigConfig(AppConfig):
    name = "config"
    verbose_name = "Site plumbing"

    def ready(self):
        from config import (
            checks,  # noqa: F401 - registers the deployment checks
            mailbox_records,
        )
        from core import personal_records

        personal_records.register("local_mailbox", export=mailbox_records.export, erase=mailbox_records.erase)
