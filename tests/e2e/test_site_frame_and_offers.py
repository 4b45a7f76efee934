"""Outside-in, through gunicorn: the header signed in and out, the sign-in pages, the footer, the offers, and the
home page's token-free sign-up form (issue 11: #6, #8, #10 and the home page's offers)."""

import re

import requests
from django.core.management import call_command

from courses.models import CoursePage, Enrolment
from tests.courses.factories import UserFactory
from tests.e2e.conftest import csrf_token
from website.models import ArticleIndexPage, ArticlePage, HomePage

CODE = re.compile(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", re.MULTILINE)


def _header(html: str) -> str:
    return re.search(r'<header class="site-header">.*?</header>', html, re.S).group(0)


def _sign_in(live_site, browser, email: str):
    """As a buyer does: the sign-in page's one field, the e-mailed code, the code page's main button."""
    asked = live_site.submit(browser, "/accounts/login/", {"login": email})
    assert asked.status_code == 302, asked.text[:300]
    confirm_path = asked.headers["Location"]
    confirm_page = live_site.get(confirm_path, browser)
    code = CODE.search(live_site.mail()[-1].text_body).group(1)
    confirmed = live_site.post(
        confirm_path,
        browser,
        data={"csrfmiddlewaretoken": csrf_token(confirm_page.text), "code": code},
        headers={"Referer": live_site.url + confirm_path},
    )
    assert confirmed.status_code == 302, confirmed.text[:300]
    return confirm_page


def test_the_header_signed_out_then_in_then_out_again(live_db, live_site):
    call_command("load_demo", stdout=None)
    UserFactory(email="reader@example.com")  # a past buyer: codes go only to addresses with an account
    browser = live_site.client()

    signed_out = _header(live_site.get("/", browser).text)
    confirm_page = _sign_in(live_site, browser, "reader@example.com")
    article = live_site.get("/articles/", browser).text
    signed_in = _header(article)
    learning = live_site.get("/learn/", browser)
    left = live_site.post(
        "/accounts/logout/",
        browser,
        data={"csrfmiddlewaretoken": csrf_token(article)},
        headers={"Referer": live_site.url + "/articles/"},
    )
    after = _header(live_site.get("/articles/", browser).text)

    assert '<summary class="menu-button">' in signed_out
    assert 'href="/accounts/login/"' in signed_out
    assert "Sign out" not in signed_out
    # The code page: one main button, Cancel a plain link, in the site's frame.
    assert '<button class="button" type="submit">Sign in</button>' in confirm_page.text
    assert re.search(r'class="link-button"[^>]*>Cancel<', confirm_page.text)
    assert '<a href="/learn/">My learning</a>' in signed_in
    assert '<a href="/account/">Account</a>' in signed_in
    assert '<button type="submit" class="link-button">Sign out</button>' in signed_in
    assert "My library" not in signed_in
    assert learning.status_code == 200
    assert left.status_code == 302
    assert 'href="/accounts/login/"' in after
    assert "Sign out" not in after


def test_the_sign_in_pages_speak_in_the_sites_voice(live_db, live_site):
    call_command("load_demo", stdout=None)

    pages = {path: live_site.get(path) for path in ("/accounts/login/", "/accounts/login/code/", "/accounts/signup/")}

    for path, page in pages.items():
        assert page.status_code == 200, path
        assert '<header class="site-header">' in page.text, path
        assert "please sign up" not in page.text, path
        assert "Remember Me:" not in page.text, path
    assert "No password needed" in pages["/accounts/login/"].text
    assert "You don't need one to buy" in pages["/accounts/signup/"].text


def test_the_footer_the_bundle_and_the_shop_card_lead_somewhere(live_db, live_site):
    call_command("load_demo", stdout=None)
    # An article without a hero image, made the home page's "Start here".
    index = ArticleIndexPage.objects.get()
    featured = index.add_child(
        instance=ArticlePage(title="A note without a picture", slug="no-picture", standfirst="Words only.", body=[])
    )
    featured.save_revision().publish()
    home_page = HomePage.objects.get()
    home_page.featured_article = featured
    home_page.save_revision().publish()

    home = live_site.get("/").text
    footer = re.search(r'<footer class="site-footer">.*?</footer>', home, re.S).group(0)
    legal = re.findall(r'<a href="(/[a-z-]+/)">(Terms of sale|Refund policy|Privacy notice)</a>', footer)
    guides = live_site.get("/guides/").text
    guide = live_site.get("/guides/stretching-guide/").text
    article = live_site.get("/articles/hip-flexor-stretches/").text

    assert sorted(title for _, title in legal) == ["Privacy notice", "Refund policy", "Terms of sale"]
    assert all(live_site.get(path).status_code == 200 for path, _ in legal)
    assert re.search(r'<a href="mailto:[^"@]+@[^"]+">Contact</a>', footer)
    for page in (guides, guide):
        offer = re.search(r'<aside class="offer-card offer-bundle".*?</aside>', page, re.S).group(0)
        assert "$45.00" in offer
        assert 'href="/shop/buy/all-three-guides/"' in offer
    assert live_site.get("/shop/buy/all-three-guides/").status_code == 200
    assert '<aside class="promo-card" aria-label="From the shop">' in article
    card = re.search(r'<article class="card card-featured[^"]*">.*?</article>', home, re.S).group(0)
    assert featured.title in card
    assert "card-text-only" in card
    assert "card-media" not in card


def test_the_cached_home_page_signs_up_for_the_free_course_without_a_token(live_db, start_live_site):
    # A day-long window, so the burst below never straddles two counting windows; the limit is the default's 5.
    live_site = start_live_site(API_RATE_SIGN_IN_CODE="5/d")
    call_command("load_demo", stdout=None)
    free = CoursePage.objects.live().get(product__isnull=True)

    home = requests.get(live_site.url + "/", timeout=30)
    action = re.search(r'<form class="signup-form" method="post" action="([^"]+)"[^>]*>', home.text).group(1)
    # A browser with no cookie at all posts the form, as it would from a cached copy of the home page.
    sent = requests.post(live_site.url + action, data={"email": "new.student@example.com"}, timeout=30)
    burst = [
        requests.post(live_site.url + action, data={"email": f"reader{n}@example.com"}, timeout=30).status_code
        for n in range(6)
    ]

    assert home.status_code == 200
    assert "Set-Cookie" not in home.headers
    assert "csrfmiddlewaretoken" not in home.text
    assert action == f"/learn/courses/{free.pk}/enrol/"
    assert sent.status_code == 200
    assert "Check your inbox" in sent.text
    (message,) = [mail for mail in live_site.mail() if "new.student@example.com" in mail.to]
    assert live_site.url + "/learn/confirm/" in message.text_body
    assert not Enrolment.objects.exists()  # double opt-in: nothing changes until the link's Continue
    assert burst[:4] == [200] * 4
    assert burst[4:] == [429, 429]
