"""Receivers typed into the admin: only https addresses on the public internet, checked on save and again on every
delivery, and the delivery goes to the very address that passed (no DNS rebinding), certificate checked for the
name."""

import json
import socket
import ssl

import pytest
import urllib3
from django.core.exceptions import ValidationError

from core import public_addresses, publish_webhooks
from core.models import WebhookDelivery, WebhookReceiver
from tests.webhook_receiver import Receiver, certificate_for

PUBLIC_IP = "93.184.215.14"

REFUSED = [
    "http://example.com/hooks",  # not https
    "ftp://example.com/hooks",
    "https:///hooks",  # no host
    "https://user:password@93.184.215.14/hooks",  # credentials in the address
    "https://127.0.0.1/hooks",
    "https://127.1.2.3:8443/hooks",
    "https://localhost/hooks",
    "https://LOCALHOST./hooks",
    "https://0.0.0.0/hooks",
    "https://10.0.0.5/hooks",
    "https://172.16.4.4/hooks",
    "https://192.168.1.1/hooks",
    "https://100.64.0.1/hooks",  # carrier-grade NAT
    "https://169.254.169.254/latest/meta-data/",  # the cloud's metadata service
    "https://224.0.0.1/hooks",  # multicast
    "https://[::1]/hooks",
    "https://[fe80::1]/hooks",
    "https://[fd00::1]/hooks",
    "https://[::ffff:127.0.0.1]/hooks",  # IPv4 loopback written as IPv6
    "https://2130706433/hooks",  # 127.0.0.1 as one decimal number
    "https://0x7f.1/hooks",  # and in hex
    "https://017700000001/hooks",  # and in octal
    "https://93.184.215.14:99999/hooks",  # no such port
]


@pytest.mark.parametrize("url", REFUSED)
def test_anything_but_a_public_https_address_is_refused(url):
    with pytest.raises(public_addresses.NotPublicError):
        public_addresses.check(url)


def test_a_public_https_address_passes_with_its_path_and_query():
    target = public_addresses.check(f"https://{PUBLIC_IP}:8443/api/revalidate?site=back")

    assert target == public_addresses.Target(
        host=PUBLIC_IP, port=8443, path="/api/revalidate?site=back", addresses=(PUBLIC_IP,)
    )


def resolving(monkeypatch, *addresses):
    """Make every name resolve to `addresses` (the test has no DNS)."""

    def getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)) for address in addresses]

    monkeypatch.setattr(public_addresses.socket, "getaddrinfo", getaddrinfo)


def test_a_name_is_refused_if_any_of_its_addresses_is_private(monkeypatch):
    resolving(monkeypatch, PUBLIC_IP, "10.1.2.3")

    with pytest.raises(public_addresses.NotPublicError, match=r"10\.1\.2\.3"):
        public_addresses.check("https://frontend.example/hooks")


def test_a_name_that_cannot_be_resolved_is_refused_with_a_reason(monkeypatch):
    def fail(*args, **kwargs):
        raise socket.gaierror("no such name")

    monkeypatch.setattr(public_addresses.socket, "getaddrinfo", fail)

    with pytest.raises(public_addresses.NotPublicError, match="could not be found"):
        public_addresses.check("https://frontend.example/hooks")


@pytest.mark.django_db
def test_saving_a_receiver_checks_the_address_and_makes_a_secret():
    refused = WebhookReceiver(url="https://169.254.169.254/latest/")
    with pytest.raises(ValidationError) as error:
        refused.full_clean()
    assert "not a public internet address" in str(error.value.message_dict["url"])

    accepted = WebhookReceiver(url=f"https://{PUBLIC_IP}/hooks")
    accepted.full_clean()
    accepted.save()
    assert accepted.secret.startswith("whsec_")
    assert len(accepted.secret) > 40
    assert WebhookReceiver(url=f"https://{PUBLIC_IP}/other").secret != accepted.secret


# --- The pinned connection ---------------------------------------------------------------------------------------


@pytest.fixture
def tls_receiver(tmp_path):
    context, ca_file = certificate_for("hooks.example.test", tmp_path)
    receiver = Receiver(tls=context).start()
    yield receiver, ca_file
    receiver.stop()


def test_the_post_goes_to_the_checked_address_with_the_names_certificate_and_host(tls_receiver):
    receiver, ca_file = tls_receiver
    target = public_addresses.Target(
        host="hooks.example.test", port=receiver.port, path="/hooks?site=back", addresses=("127.0.0.1",)
    )

    answer = public_addresses.post(target, body=b"{}", headers={"X-Test": "1"}, timeout=5, ca_certs=ca_file)

    assert answer.status == 204
    [got] = receiver.received
    assert got.body == b"{}"
    assert got.headers["Host"] == f"hooks.example.test:{receiver.port}"
    assert got.headers["X-Test"] == "1"


def test_a_certificate_for_another_name_is_refused(tls_receiver):
    receiver, ca_file = tls_receiver
    target = public_addresses.Target(host="other.example.test", port=receiver.port, path="/", addresses=("127.0.0.1",))

    with pytest.raises((urllib3.exceptions.SSLError, ssl.SSLError)):
        public_addresses.post(target, body=b"{}", headers={}, timeout=5, ca_certs=ca_file)
    assert receiver.received == []


def test_a_redirect_is_not_followed(tmp_path):
    context, ca_file = certificate_for("hooks.example.test", tmp_path)
    receiver = Receiver(tls=context, status=302).start()
    try:
        target = public_addresses.Target(
            host="hooks.example.test", port=receiver.port, path="/", addresses=("127.0.0.1",)
        )
        answer = public_addresses.post(target, body=b"{}", headers={}, timeout=5, ca_certs=ca_file)
    finally:
        receiver.stop()

    assert answer.status == 302
    assert len(receiver.received) == 1


# --- Deliveries to receivers added in the admin -------------------------------------------------------------------


@pytest.mark.django_db
def test_an_admin_receiver_gets_the_notice_signed_with_its_own_secret(monkeypatch, settings):
    settings.PUBLISH_WEBHOOK_URLS = []
    receiver = WebhookReceiver.objects.create(url=f"https://{PUBLIC_IP}/hooks")
    WebhookReceiver.objects.create(url=f"https://{PUBLIC_IP}/off", active=False)
    sent = []

    def post(target, *, body, headers, timeout):
        sent.append((target, body, headers))
        return urllib3.HTTPResponse(status=204)

    monkeypatch.setattr(public_addresses, "post", post)

    assert publish_webhooks.notify(event="page.published", page_id=7, page_type="website.ArticlePage", url_path="/a/")
    [row] = WebhookDelivery.objects.all()
    assert row.receiver == receiver  # the switched-off receiver gets nothing
    assert publish_webhooks.deliver(pk=row.pk)

    [(target, body, headers)] = sent
    assert target.addresses == (PUBLIC_IP,)
    assert json.loads(body)["page_id"] == 7
    assert publish_webhooks.verify(secret=receiver.secret, header=headers["Backcare-Signature"], body=body)
    assert not publish_webhooks.verify(
        secret=settings.PUBLISH_WEBHOOK_SECRET, header=headers["Backcare-Signature"], body=body
    )


@pytest.mark.django_db
def test_a_name_that_turned_private_since_it_was_saved_is_not_called(monkeypatch, settings):
    """DNS rebinding: the name was public when the editor saved it; at delivery it leads to a loopback server."""
    settings.PUBLISH_WEBHOOK_URLS = []
    inside = Receiver().start()
    try:
        resolving(monkeypatch, PUBLIC_IP)
        receiver = WebhookReceiver(url=f"https://frontend.example:{inside.port}/hooks")
        receiver.full_clean()
        receiver.save()
        publish_webhooks.notify(event="page.published", page_id=1, page_type="website.ArticlePage", url_path="/")
        resolving(monkeypatch, "127.0.0.1")

        assert not publish_webhooks.deliver(pk=WebhookDelivery.objects.get().pk)
    finally:
        inside.stop()

    row = WebhookDelivery.objects.get()
    assert row.state == "retrying"
    assert "not a public internet address" in row.last_error
    assert inside.received == []
