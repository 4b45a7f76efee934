"""Publish webhooks from outside: an editor publishes and unpublishes in the admin served by gunicorn, and a receiver
on a loopback port gets one signed notice per change; a receiver that was down gets it on the retry."""

import html
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from core import publish_webhooks
from core.models import WebhookDelivery, WebhookReceiver
from tests.e2e.conftest import csrf_token
from tests.shop.factories import UserFactory
from tests.webhook_receiver import Receiver, free_port
from tests.website import conftest as website_fixtures
from tests.website.conftest import add_article

SECRET = "whsec-e2e-secret"
PASSWORD = "a-long-editor-password"
site_tree = website_fixtures.site_tree


@pytest.fixture
def receiver():
    receiver = Receiver(port=free_port())
    yield receiver
    receiver.stop()


def editor_in_admin(site):
    editor = UserFactory(email="editor@example.com", is_staff=True, is_superuser=True)
    editor.set_password(PASSWORD)
    editor.save()
    browser = site.client()
    site.submit(browser, "/admin/login/", {"username": editor.username, "password": PASSWORD})
    assert site.get("/admin/", browser).status_code == 200
    return browser


def admin_post(site, browser, path):
    """Open the admin's confirmation page, then confirm it as the editor's browser would."""
    page = site.get(path, browser)
    assert page.status_code == 200, page.status_code
    return site.post(
        path, browser, data={"csrfmiddlewaretoken": csrf_token(page.text)}, headers={"Referer": site.url + path}
    )


def test_publishing_in_the_admin_sends_exactly_one_signed_notice(request, start_live_site, receiver):
    tree = request.getfixturevalue("site_tree")
    draft = add_article(tree.index, slug="new-advice", publish=False)
    receiver.start()
    site = start_live_site(PUBLISH_WEBHOOK_URLS=receiver.url, PUBLISH_WEBHOOK_SECRET=SECRET)
    browser = editor_in_admin(site)

    answer = admin_post(site, browser, f"/admin/bulk/wagtailcore/page/publish/?id={draft.pk}")

    assert answer.status_code == 302
    assert site.get("/articles/new-advice/").status_code == 200
    [notice] = receiver.received
    assert json.loads(notice.body) == {
        "event": "page.published",
        "page_id": draft.pk,
        "type": "website.ArticlePage",
        "url_path": "/articles/new-advice/",
    }
    assert notice.headers["Backcare-Event"] == "page.published"
    assert publish_webhooks.verify(secret=SECRET, header=notice.headers["Backcare-Signature"], body=notice.body)
    assert not publish_webhooks.verify(secret="guessed", header=notice.headers["Backcare-Signature"], body=notice.body)
    assert WebhookDelivery.objects.get().state == "delivered"


def test_deleting_an_article_in_the_admin_removes_it_and_notifies(request, start_live_site, receiver):
    """Articles fetch their author and pictures with joins; Wagtail's delete narrows the columns it loads, which
    Django refused to combine with those joins (500 on the delete confirmation). Wagtail unpublishes a live page
    before deleting it, so a receiver hears both, in that order."""
    tree = request.getfixturevalue("site_tree")
    receiver.start()
    site = start_live_site(PUBLISH_WEBHOOK_URLS=receiver.url, PUBLISH_WEBHOOK_SECRET=SECRET)
    browser = editor_in_admin(site)
    article_id = tree.hip.pk

    answer = admin_post(site, browser, f"/admin/pages/{article_id}/delete/")

    assert answer.status_code == 302
    assert site.get("/articles/hip-flexor-stretches/").status_code == 404
    events = [json.loads(notice.body) for notice in receiver.received]
    assert [(event["event"], event["page_id"]) for event in events] == [
        ("page.unpublished", article_id),
        ("page.deleted", article_id),
    ], events


def test_a_receiver_that_was_down_gets_the_notice_on_the_retry(request, start_live_site, receiver, settings):
    tree = request.getfixturevalue("site_tree")
    site = start_live_site(PUBLISH_WEBHOOK_URLS=receiver.url, PUBLISH_WEBHOOK_SECRET=SECRET)
    browser = editor_in_admin(site)

    answer = admin_post(site, browser, f"/admin/pages/{tree.hip.pk}/unpublish/")

    assert answer.status_code == 302
    row = WebhookDelivery.objects.get()
    assert (row.state, row.attempts) == ("retrying", 1)
    assert row.next_attempt_at > timezone.now() + timedelta(seconds=20)
    assert receiver.received == []

    receiver.start()
    settings.PUBLISH_WEBHOOK_SECRET = SECRET
    call_command("send_webhooks", stdout=None)  # not yet due: nothing is sent before the backoff has passed
    assert receiver.received == []
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())  # the backoff has passed
    call_command("send_webhooks", stdout=None)

    [notice] = receiver.received
    assert json.loads(notice.body)["event"] == "page.unpublished"
    assert json.loads(notice.body)["url_path"] == "/articles/hip-flexor-stretches/"
    assert publish_webhooks.verify(secret=SECRET, header=notice.headers["Backcare-Signature"], body=notice.body)
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("delivered", 2)


def test_the_admin_lists_failing_deliveries_read_only(request, start_live_site):
    request.getfixturevalue("site_tree")
    failing = WebhookDelivery.objects.create(
        url="https://frontend.example/hooks", event="page.published", payload={}, attempts=10, failed_at=timezone.now()
    )
    site = start_live_site()
    browser = editor_in_admin(site)

    listing = site.get("/admin/webhook_deliveries/?failed_at=", browser)
    assert listing.status_code == 200
    assert "https://frontend.example/hooks" in listing.text
    assert site.get(f"/admin/webhook_deliveries/inspect/{failing.pk}/", browser).status_code == 200
    assert site.get(f"/admin/webhook_deliveries/edit/{failing.pk}/", browser).status_code in (302, 403)
    assert site.get("/admin/webhook_deliveries/new/", browser).status_code in (302, 403)


def test_an_editor_adds_a_receiver_only_at_a_public_https_address(request, start_live_site):
    """Settings > Webhook receivers on gunicorn: private, loopback, metadata and plain-http addresses are refused with
    the reason beside the field and nothing saved; a public https address is saved and its signing secret shown."""
    request.getfixturevalue("site_tree")
    site = start_live_site()
    browser = editor_in_admin(site)

    for refused in [
        "http://93.184.215.14/hooks",
        "https://localhost/hooks",
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.7/revalidate",
        "https://[::1]/hooks",
        "https://2130706433/hooks",
    ]:
        answer = site.submit(
            browser, "/admin/webhook_receivers/new/", {"url": refused, "description": "", "active": "on"}
        )
        assert answer.status_code == 200, (refused, answer.status_code)
        assert f'value="{html.escape(refused)}"' in answer.text  # the form comes back with what was typed
        assert ("not a public internet address" in answer.text) or ("Only https addresses" in answer.text), refused
    assert not WebhookReceiver.objects.exists()

    answer = site.submit(
        browser,
        "/admin/webhook_receivers/new/",
        {"url": "https://93.184.215.14/api/revalidate", "description": "Static frontend", "active": "on"},
    )

    assert answer.status_code == 302
    receiver = WebhookReceiver.objects.get()
    assert receiver.url == "https://93.184.215.14/api/revalidate"
    inspect = site.get(f"/admin/webhook_receivers/inspect/{receiver.pk}/", browser)
    assert inspect.status_code == 200
    assert receiver.secret in inspect.text
    assert site.get("/admin/webhook_receivers/", browser).text.count("Static frontend") >= 1
    assert site.get(f"/admin/webhook_receivers/inspect/{receiver.pk}/").status_code in (302, 403)  # signed out
