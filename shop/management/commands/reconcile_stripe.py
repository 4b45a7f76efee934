"""Replays Stripe events of a recent window that were never processed here (missed or failed webhooks)."""

import re
from datetime import timedelta

from django.core.management import BaseCommand, CommandError
from django.utils import timezone

from shop import stripe_gateway, webhooks
from shop.models import StripeEvent

UNITS = {"d": "days", "h": "hours", "m": "minutes"}


class Command(BaseCommand):
    help = "Fetch Stripe's events for the window (e.g. --since 3d) and apply those not yet processed."

    def add_arguments(self, parser):
        parser.add_argument("--since", default="3d", help="How far back: 3d, 12h or 30m.")

    def handle(self, *args, since, **options):
        match = re.fullmatch(r"(\d+)([dhm])", since)
        if not match:
            raise CommandError("--since takes a number and a unit, e.g. 3d, 12h or 30m.")
        start = timezone.now() - timedelta(**{UNITS[match.group(2)]: int(match.group(1))})
        try:
            gateway = stripe_gateway.get_gateway()
        except stripe_gateway.PaymentsDisabledError:
            self.stdout.write("Payments are not configured; nothing to reconcile.")
            return
        done = set(StripeEvent.objects.filter(status__in=["processed", "ignored"]).values_list("event_id", flat=True))
        events = sorted(gateway.list_events(since=start), key=lambda event: event.created)
        replayed = failed = 0
        for event in events:
            if event.id in done:
                continue
            try:
                webhooks.handle(event)
                replayed += 1
            except Exception:  # recorded by webhooks.handle; the next run tries again
                failed += 1
        self.stdout.write(f"Replayed {replayed} event(s), {failed} failed, of {len(events)} in the window.")
