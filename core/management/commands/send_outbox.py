"""Sends outbox e-mails that were not sent after their transaction committed (a crash, a lost task)."""

from django.core.management import BaseCommand

from core import outbox


class Command(BaseCommand):
    help = "Send every unsent e-mail in the shop's outbox."

    def handle(self, *args, **options):
        sent = outbox.send_pending()
        self.stdout.write(f"Sent {sent} e-mail(s).")
