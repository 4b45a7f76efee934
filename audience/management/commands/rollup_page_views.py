"""`manage.py rollup_page_views`: fold the anonymous views into per-page daily totals (the scheduler, daily)."""

from django.core.management.base import BaseCommand

from audience import counting


class Command(BaseCommand):
    help = "Fold recorded page views into per-page, per-day totals."

    def handle(self, *args, **options):
        folded = counting.rollup()
        self.stdout.write(f"Rolled up {folded} page views.")
