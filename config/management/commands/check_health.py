"""Scheduled every minute: e-mail the admins once when something keeps failing and once when it recovers."""

from django.core.management import BaseCommand

from config import health


class Command(BaseCommand):
    help = "Check the site's health and tell the admins when a lasting problem starts or ends."

    def handle(self, *args, **options):
        self.stdout.write(f"Health: {health.alert()}.")
