"""The site frame (templates/base.html): one header for phones and desktops, signed in or out, and the footer."""

import re

from wagtail.models import Page

from tests.courses.factories import UserFactory
from tests.html_checks import assert_accessible_html, inline_code_problems
from website.models import LegalPage


def _header(html: str) -> str:
    return re.search(r'<header class="site-header">.*?</header>', html, re.S).group(0)


def _footer(html: str) -> str:
    return re.search(r'<footer class="site-footer">.*?</footer>', html, re.S).group(0)


def _legal(home, slug, title, *, live=True):
    page = home.add_child(instance=LegalPage(title=title, slug=slug, body="<p>Words.</p>", live=live))
    if live:
        page.save_revision().publish()
    return page


def test_signed_out_header_is_a_menu_disclosure_with_sign_in_and_no_token(client, site_tree):
    response = client.get("/")

    header = _header(response.content.decode())
    assert '<details class="site-menu">' in header
    assert '<summary class="menu-button">' in header
    assert 'href="/accounts/login/"' in header
    assert "Sign out" not in header
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert not response.cookies  # nothing per person: the page can be cached for everyone


def test_signed_in_header_links_my_learning_and_account_and_signs_out_with_a_styled_button(client, site_tree):
    client.force_login(UserFactory(email="reader@example.com"))

    html = client.get("/").content.decode()

    header = _header(html)
    assert '<a href="/learn/">My learning</a>' in header
    assert '<a href="/account/">Account</a>' in header
    assert re.search(r'<form class="sign-out" method="post" action="/accounts/logout/">', header)
    assert '<button type="submit" class="link-button">Sign out</button>' in header
    assert "My library" not in header
    assert_accessible_html(html)
    assert inline_code_problems(html) == []


def test_the_menu_script_is_an_external_file(client, site_tree):
    html = client.get("/").content.decode()

    assert re.search(r'<script src="/static/js/menu\.[0-9a-f]*\.?js" defer></script>', html) or (
        '<script src="/static/js/menu.js" defer></script>' in html
    )


def test_footer_links_the_live_legal_pages_and_a_contact_address(client, site_tree, settings):
    settings.DEFAULT_FROM_EMAIL = "Stephen O'Dwyer <hello@backcare.example>"
    _legal(site_tree.home, "terms", "Terms of sale")
    _legal(site_tree.home, "refund-policy", "Refund policy")
    _legal(site_tree.home, "privacy", "Privacy notice")
    _legal(site_tree.home, "draft-notice", "Draft notice", live=False)

    footer = _footer(client.get("/articles/").content.decode())

    assert '<a href="/terms/">Terms of sale</a>' in footer
    assert '<a href="/refund-policy/">Refund policy</a>' in footer
    assert '<a href="/privacy/">Privacy notice</a>' in footer
    assert "Draft notice" not in footer
    assert '<a href="mailto:hello@backcare.example">Contact</a>' in footer


def test_the_contact_address_in_site_settings_wins(client, site_tree):
    site_tree.settings.contact_email = "clinic@backcare.example"
    site_tree.settings.save()

    footer = _footer(client.get("/").content.decode())

    assert 'href="mailto:clinic@backcare.example"' in footer


def test_legal_pages_stay_out_of_the_header_menu(client, site_tree):
    _legal(site_tree.home, "terms", "Terms of sale")

    header = _header(client.get("/").content.decode())

    assert "Terms of sale" not in header
    assert '<a href="/articles/"' in header


def test_footer_legal_links_cost_no_query_beyond_the_menus(client, site_tree):
    _legal(site_tree.home, "terms", "Terms of sale")
    client.get("/articles/")
    with_legal = _count(client, "/articles/")
    LegalPage.objects.all().delete()
    Page.objects.filter(slug="terms").delete()
    without_legal = _count(client, "/articles/")

    assert with_legal == without_legal


def _count(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)
