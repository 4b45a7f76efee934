"""Rate limits (config/api/ratelimit.py): exact shared counters, the client behind proxies, the HTML forms."""

import pytest
from allauth.account.adapter import get_adapter
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from wagtail.models import PageViewRestriction

from config.api import ratelimit
from config.models import RateLimitCounter
from tests.courses.factories import UserFactory
from tests.courses.world import build_world

MINUTE = ratelimit.Rate(amount=2, seconds=60)
NOW = 1_800_000_010.0


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.mark.django_db
def test_attempts_over_the_limit_wait_until_the_window_ends():
    waits = [ratelimit.consume(scope="login", ident="ip:203.0.113.7", rate=MINUTE, now=NOW) for _ in range(3)]

    assert waits == [None, None, 50]
    assert RateLimitCounter.objects.get().count == 3


@pytest.mark.django_db
def test_counts_live_in_the_database_not_in_a_worker_s_memory():
    ratelimit.consume(scope="login", ident="ip:203.0.113.7", rate=MINUTE, now=NOW)
    ratelimit.consume(scope="login", ident="ip:203.0.113.7", rate=MINUTE, now=NOW)
    cache.clear()  # what another worker's per-process cache would know

    assert ratelimit.consume(scope="login", ident="ip:203.0.113.7", rate=MINUTE, now=NOW) == 50


@pytest.mark.django_db
def test_a_new_window_starts_from_zero_and_sweeps_expired_counters():
    for _ in range(3):
        ratelimit.consume(scope="login", ident="ip:203.0.113.7", rate=MINUTE, now=NOW)

    wait = ratelimit.consume(scope="login", ident="ip:203.0.113.7", rate=MINUTE, now=NOW + 60)

    assert wait is None
    assert list(RateLimitCounter.objects.values_list("count", flat=True)) == [1]


def _request(forwarded_for=None, remote="10.0.0.2"):
    headers = {"REMOTE_ADDR": remote}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().post("/", **headers)


@pytest.mark.parametrize(
    ("count", "forwarded_for", "client"),
    [
        (0, "198.51.100.1, 203.0.113.7", "10.0.0.2"),
        (1, "198.51.100.1, 203.0.113.7", "203.0.113.7"),
        (2, "198.51.100.1, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        (2, "forged, 198.51.100.1, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        (1, None, "10.0.0.2"),
    ],
)
def test_the_client_is_the_nth_forwarded_address_from_the_right(settings, count, forwarded_for, client):
    settings.TRUSTED_PROXY_COUNT = count
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = count
    request = _request(forwarded_for)

    assert ratelimit.client_ip(request) == client
    assert get_adapter().get_client_ip(request) == client


def test_a_chain_shorter_than_configured_keys_on_its_leftmost_address(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    assert ratelimit.client_ip(_request("203.0.113.7")) == "203.0.113.7"


@pytest.fixture
def world(db):
    return build_world()


def test_the_email_enrolment_form_is_throttled_with_a_clear_page(client, world, settings):
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, "sign_in_code": "2/m"}
    url = reverse("courses:enrol", args=[world.free.pk])

    answers = [client.post(url, {"email": f"reader{n}@example.com"}) for n in range(3)]

    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert 1 <= int(answers[-1]["Retry-After"]) <= 60
    assert "Too many attempts" in answers[-1].content.decode()


def test_the_enrolment_form_is_throttled_per_email_address_too(client, world, settings):
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, "sign_in_code": "2/m"}
    url = reverse("courses:enrol", args=[world.free.pk])

    statuses = [
        client.post(url, {"email": "victim@example.com"}, REMOTE_ADDR=f"198.51.100.{n}").status_code for n in range(3)
    ]

    assert statuses == [200, 200, 429]


def test_the_wagtail_admin_login_is_throttled(client, db, settings):
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, "login": "3/m"}
    editor = UserFactory(email="editor@example.com", is_staff=True, is_superuser=True)
    editor.set_password("right-password-1")
    editor.save()

    guesses = [client.post("/admin/login/", {"username": editor.username, "password": f"guess-{n}"}) for n in range(3)]
    right = client.post("/admin/login/", {"username": editor.username, "password": "right-password-1"})

    assert [guess.status_code for guess in guesses] == [200, 200, 200]
    assert right.status_code == 429
    assert right.has_header("Retry-After")
    assert "_auth_user_id" not in client.session


def test_the_page_password_form_is_throttled(client, world, settings):
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, "login": "2/m"}
    restriction = PageViewRestriction.objects.create(
        page=world.free, restriction_type=PageViewRestriction.PASSWORD, password="open-sesame"
    )
    url = reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, world.free.pk])

    guesses = [client.post(url, {"password": f"guess-{n}", "return_url": world.free.url}) for n in range(2)]
    right = client.post(url, {"password": "open-sesame", "return_url": world.free.url})

    assert [guess.status_code for guess in guesses] == [200, 200]
    assert right.status_code == 429
    assert 'name="password"' in client.get(world.free.url).content.decode()
