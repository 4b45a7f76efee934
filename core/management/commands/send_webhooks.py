"""Delivers publish webhooks that are due: not sent after their transaction committed, or waiting for a retry."""

from django.core.management import BaseCommand

from core import publish_webhooks


class Command(BaseCommand):
    help = "Post every due publish webhook delivery; failures are retried later with backoff."

    def handle(self, *args, **options):
        delivered = publish_webhooks.deliver_due()
        self.stdout.write(f"Delivered {delivered} webhook(s).")
