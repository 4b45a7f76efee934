"""Points the default Wagtail site at the address the app is served on (`make run` calls it)."""

from urllib.parse import urlsplit

from django.core.management import BaseCommand, CommandError
from wagtail.models import Site


class Command(BaseCommand):
    help = "Set the default site's hostname and port from a base URL such as http://127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("base_url")

    def handle(self, *args, base_url, **options):
        address = urlsplit(base_url)
        if address.scheme not in {"http", "https"} or not address.hostname:
            raise CommandError(f"Not an http(s) address: {base_url!r}")
        port = address.port or (443 if address.scheme == "https" else 80)
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            raise CommandError("There is no default site yet; run load_demo or create one in the admin.")
        if (site.hostname, site.port) != (address.hostname, port):
            site.hostname, site.port = address.hostname, port
            site.save(update_fields=["hostname", "port"])
        self.stdout.write(f"The default site answers at {site.root_url}/")
