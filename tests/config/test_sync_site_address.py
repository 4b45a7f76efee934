"""`make run` points the default site at the address it serves on, so canonical and API URLs are right."""

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Site


def test_default_site_takes_host_and_port_of_the_served_address(db):
    call_command("sync_site_address", "http://127.0.0.1:8123")

    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port, site.root_url) == ("127.0.0.1", 8123, "http://127.0.0.1:8123")


def test_a_malformed_address_is_refused_and_nothing_changes(db):
    before = Site.objects.values_list("hostname", "port").get(is_default_site=True)

    with pytest.raises(CommandError, match="Not an http"):
        call_command("sync_site_address", "ftp:/nowhere")

    assert Site.objects.values_list("hostname", "port").get(is_default_site=True) == before
