"""Content-Security-Policy and Permissions-Policy on every page type (config/headers.py, SECURE_CSP)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.views.defaults import server_error

from config.headers import permissions_policy_header, policy_for_path
from tests.html_checks import assert_no_inline_code, inline_code_problems

# One address per public page type of the demo site (anonymous visitor).
PUBLIC_PAGES = [
    "/",
    "/articles/",
    "/articles/hip-flexor-stretches/",
    "/articles/topic/stretching/",
    "/articles/author/stephen-odwyer/",
    "/guides/",
    "/guides/pelvic-torsion-guide/",
    "/terms/",
    "/courses/",
    "/courses/relieving-that-pain/",
    "/courses/relieving-that-pain/how-the-pelvis-holds-pain/",
    "/courses/relieving-that-pain/releasing-the-hip-flexors/",
    "/search/",
    "/search/?q=psoas",
    "/shop/buy/pelvic-torsion-guide/",
    "/accounts/login/",
    "/accounts/login/code/",
    "/accounts/signup/",
    "/no-such-page/",
]
SIGNED_IN_PAGES = ["/learn/"]


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_strict_site_policy(response, url):
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"], url
    assert policy["style-src"] == ["'self'"], url
    assert policy["object-src"] == ["'none'"], url
    assert policy["base-uri"] == ["'self'"], url
    assert policy["frame-ancestors"] == ["'self'"], url
    assert policy["default-src"] == ["'self'"], url
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"], url
    assert "camera=()" in response.headers["Permissions-Policy"], url


def test_every_public_page_has_the_strict_policy_and_no_inline_code(demo_site, client):
    failures = []
    for url in PUBLIC_PAGES:
        response = client.get(url)
        assert response.status_code in {200, 404}, (url, response.status_code)
        assert_strict_site_policy(response, url)
        if url.startswith("/articles/hip"):  # JSON-LD is data: it stays, and no policy blocks it
            assert '<script type="application/ld+json">' in response.content.decode()
        failures += [f"{url}: {problem}" for problem in inline_code_problems(response.content.decode())]

    buyer = get_user_model().objects.create_user(username="reader", email="reader@example.com")
    client.force_login(buyer)
    for url in SIGNED_IN_PAGES:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert_strict_site_policy(response, url)
        failures += [f"{url}: {problem}" for problem in inline_code_problems(response.content.decode())]

    assert not failures, "\n".join(failures)


def test_site_policy_allows_the_video_providers_and_stripe_checkout(client, db):
    policy = directives(client.get("/search/").headers["Content-Security-Policy"])

    assert set(policy["frame-src"]) == {
        "https://www.youtube.com",
        "https://www.youtube-nocookie.com",
        "https://player.vimeo.com",
    }
    assert policy["img-src"] == ["'self'", "data:"]
    # Chrome checks form-action against the redirect after the buy form's POST as well.
    assert policy["form-action"] == ["'self'", "https://checkout.stripe.com"]


def test_wagtail_admin_gets_its_own_policy_that_lets_the_editor_run(admin_client):
    response = admin_client.get("/admin/")

    policy = directives(response.headers["Content-Security-Policy"])
    assert response.status_code == 200
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"]
    assert "Permissions-Policy" in response.headers


def test_admin_login_page_has_the_admin_policy(client, db):
    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert "'unsafe-inline'" in directives(response.headers["Content-Security-Policy"])["script-src"]


def test_area_policy_matches_on_the_path_prefix_only():
    assert policy_for_path("/admin/pages/") is not None
    assert policy_for_path("/articles/admin/") is None
    assert policy_for_path("/") is None


@pytest.mark.parametrize("url", ["/api/docs", "/_allauth/openapi.html"])
def test_api_docs_serve_swagger_from_our_static_files_under_the_site_policy(client, db, url):
    response = client.get(url)

    html = response.content.decode()
    policy = directives(response.headers["Content-Security-Policy"])
    assert response.status_code == 200
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/static/ninja/swagger-ui-init.js" in html
    assert "cdn." not in html
    assert_no_inline_code(html)


def test_server_error_page_has_no_inline_style():
    response = server_error(RequestFactory().get("/"))

    assert "<style" not in response.content.decode()
    assert "/static/css/error.css" in response.content.decode()
    assert_no_inline_code(response.content.decode())


def test_permissions_policy_switches_off_unused_features_and_keeps_fullscreen_for_players(client, db):
    header = client.get("/search/").headers["Permissions-Policy"]

    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in header
    assert 'fullscreen=(self "https://www.youtube.com"' in header


def test_permissions_policy_header_format():
    header = permissions_policy_header({"camera": [], "fullscreen": ["self", "https://player.vimeo.com"]})

    assert header == 'camera=(), fullscreen=(self "https://player.vimeo.com")'


def test_api_answers_carry_the_headers_too(client, db):
    response = client.get("/api/v2/pages/")

    assert "Content-Security-Policy" in response.headers
    assert "Permissions-Policy" in response.headers


def test_inline_code_checker_catches_what_the_policy_refuses():
    bad = (
        "<!doctype html><html lang='en'><head><title>t</title><style>p{}</style>"
        "<script>alert(1)</script><script type='module'>x</script></head><body>"
        "<p style='color:red' onclick='x()'>a</p><a href='javascript:void(0)'>b</a></body></html>"
    )
    good = (
        "<!doctype html><html lang='en'><head><title>t</title><script src='/static/a.js'></script>"
        "<script type='application/ld+json'>{}</script><script type='application/json' id='s'>{}</script>"
        "</head><body><p class='x'>a</p></body></html>"
    )

    problems = "\n".join(inline_code_problems(bad))

    assert "inline <script>: 'alert(1)'" in problems
    assert "inline <script>: 'x'" in problems
    assert "<style> element" in problems
    assert "style attribute on <p>" in problems
    assert "event handler onclick on <p>" in problems
    assert "javascript: address in <a href>" in problems
    assert inline_code_problems(good) == []
