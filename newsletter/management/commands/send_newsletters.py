"""Send the newsletters in progress, in paced batches, for at most --max-seconds (the scheduler runs it each minute)."""

from django.core.management.base import BaseCommand

from newsletter import sending


class Command(BaseCommand):
    help = "Send open newsletter sends through the outbox at NEWSLETTER_RATE, resuming any a crash left."

    def add_arguments(self, parser):
        parser.add_argument("--max-seconds", type=float, default=45.0)

    def handle(self, *args, max_seconds: float, **options):
        sent = sending.run(max_seconds=max_seconds)
        self.stdout.write(f"{sent} newsletter e-mails sent")
