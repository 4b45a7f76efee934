"""Anonymise orders of deleted accounts once ORDER_RETENTION_YEARS have passed (the scheduler runs it daily)."""

from django.core.management import BaseCommand

from shop import retention


class Command(BaseCommand):
    help = "Remove the e-mail and Stripe links from orders of deleted accounts older than ORDER_RETENTION_YEARS."

    def add_arguments(self, parser):
        parser.add_argument("--years", type=int, default=None, help="Override ORDER_RETENTION_YEARS.")

    def handle(self, *args, years=None, **options):
        count = retention.anonymise_expired(years=years)
        self.stdout.write(f"Anonymised {count} order(s).")
