"""The plumbing app: health check, local mailbox, scheduler."""

from django.apps import AppConfig


class ConfigConfig(AppConfig):
    name = "config"
    verbose_name = "Site plumbing"

    def ready(self):
        from allauth.mfa.signals import authenticator_added

        from config import checks  # noqa: F401 - registers the deployment checks
        from config.staff_2fa import record_enrolment

        authenticator_added.connect(record_enrolment, dispatch_uid="config.staff_2fa.record_enrolment")
