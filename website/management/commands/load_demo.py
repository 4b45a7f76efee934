"""Loads the demo content and the editor account; safe to run any number of times."""

import os
import secrets
from importlib import import_module
from importlib.util import find_spec

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand
from django.db import transaction

# Each app loads its own demo content from its `demo` module: the shop's products first, then the
# website (home, articles and the guide pages that sell the products), then the courses under its home page.
DEMO_APPS = ["shop", "website", "courses"]


class Command(BaseCommand):
    help = "Load the demo site (author, home page, articles) and create the 'admin' editor account."

    def handle(self, *args, **options):
        with transaction.atomic():
            for app in DEMO_APPS:
                if find_spec(f"{app}.demo"):
                    import_module(f"{app}.demo").load()
            self.create_admin()
        self.stdout.write(self.style.SUCCESS("Demo content is in place."))

    def create_admin(self):
        user_model = get_user_model()
        if user_model.objects.filter(username="admin").exists():
            return
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD") or secrets.token_urlsafe(12)
        user_model.objects.create_superuser("admin", email="admin@localhost", password=password)
        if "DJANGO_SUPERUSER_PASSWORD" in os.environ:
            self.stdout.write("Created the editor account 'admin' with the password from DJANGO_SUPERUSER_PASSWORD.")
        else:
            self.stdout.write(self.style.WARNING(f"Created the editor account 'admin' with password: {password}"))
            self.stdout.write("This is the only time it is shown. Change it in the admin under your account.")
