"""The site's frame (settings, menu) kept in the shared cache (core.fragments) follows an editor's change on the very
next request, and costs one cache read however it is built."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import demo_content
from website.models import LegalPage


def frame_reads(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return sum('FROM "django_cache"' in query["sql"] for query in captured.captured_queries)


def test_a_settings_change_shows_on_the_next_request(client, settings, site_tree, django_capture_on_commit_callbacks):
    demo_content.use_production_caches(settings)
    url = site_tree.hip.url
    assert "Lower Back Pain Relief" in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        site_tree.settings.site_name = "Back Care Weekly"
        site_tree.settings.save()

    assert "Back Care Weekly" in client.get(url).content.decode()


def test_a_new_legal_page_shows_in_the_footer_on_the_next_request(
    client, settings, site_tree, django_capture_on_commit_callbacks
):
    demo_content.use_production_caches(settings)
    url = site_tree.hip.url
    client.get(url)

    with django_capture_on_commit_callbacks(execute=True):
        legal = LegalPage(title="Refund policy", slug="refund-policy", body="<p>Within 30 days.</p>")
        page = site_tree.home.add_child(instance=legal)
        page.save_revision().publish()

    assert 'href="/refund-policy/"' in client.get(url).content.decode()


def test_the_frame_costs_one_cache_read_once_built(client, settings, site_tree):
    demo_content.use_production_caches(settings)
    client.get(site_tree.hip.url)

    assert frame_reads(client, site_tree.hip.url) == 1
    assert frame_reads(client, "/") == 1
