"""The bottom room: what every other room shares (the author profile, the outbox, buyer accounts, SEO helpers).

It imports no other room of the house; website, courses and shop build on it.
"""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        from allauth.account.signals import email_changed

        from core import accounts, checks, fragments, models, publish_webhooks, purges  # noqa: F401 - checks registers itself

        email_changed.connect(accounts.on_email_changed, dispatch_uid="core.accounts.on_email_changed")
        purges.connect()
        # Where authors' pages live (the website's article index): the same for every page of a site.
        fragments.register("author_index", lambda request, site: models._find_author_index())
        publish_webhooks.connect()
