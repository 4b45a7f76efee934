"""Queues the 'your next lesson is open' e-mails that are due; the scheduler runs it every few minutes."""

from django.core.management import BaseCommand

from courses import drip


class Command(BaseCommand):
    help = "Queue the drip e-mails for lessons that have opened since the last run (each goes once)."

    def handle(self, *args, **options):
        queued = drip.send_due()
        self.stdout.write(f"Queued {queued} lesson e-mail(s).")
