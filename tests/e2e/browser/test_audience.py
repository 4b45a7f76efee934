"""A reader arrives at an article from a newsletter link (utm_* in the address), follows its promotion to the buy
page and pays in the demo checkout; the page view is counted once, anonymously; then the author opens the
Reports and sees the article behind the sale, with the charts drawn beside their tables.

The browser runs static/js/audience.js for real here: it carries the utm_* values onto the promotion's link and
sends the view beacon, which the HTTP-level tests (tests/e2e/test_attribution.py) can only imitate.
"""

import re

from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.browser.admin import admin_step, make_editor, sign_in_to_admin
from tests.e2e.browser.people import pay_in_demo_checkout

ARTICLE = "/articles/hip-flexor-stretches/"
ARRIVAL = "?utm_source=newsletter&utm_campaign=autumn"


def test_audience(live_site, open_journey):
    from audience.models import PageView, PageViewDay
    from shop.models import Order
    from website.models import ArticlePage

    article = ArticlePage.objects.get(slug="hip-flexor-stretches")
    journey = open_journey(live_site)
    page = journey.page

    journey.goto(ARTICLE + ARRIVAL, "article-from-newsletter")
    buy = page.locator("aside.promo-card a.button")
    expect(buy).to_have_attribute("href", re.compile(r"utm_source=newsletter"))
    href = buy.get_attribute("href")
    expect(page.locator("script[data-view-url]")).to_have_attribute("data-page", str(article.pk))
    page.wait_for_function("() => document.readyState === 'complete'")
    buy.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    journey.step("buy-page")
    form = page.locator("form.shop-buy")
    expect(form.locator("input[name='from']")).to_have_value(str(article.pk))
    expect(form.locator("input[name='utm_source']")).to_have_value("newsletter")
    pay_in_demo_checkout(journey, "reader.from.newsletter@example.com")

    order = Order.objects.get(email="reader.from.newsletter@example.com")
    assert href.startswith(f"/shop/buy/iliopsoas-guide/?from={article.pk}&"), href
    assert order.status == Order.Status.PAID
    assert (order.source_page_id, order.utm_source, order.utm_campaign) == (article.pk, "newsletter", "autumn")
    # Two loads of the article: the reader's, and the copy the accessibility check opens (journey.step). The buy,
    # checkout and thank-you pages are no Wagtail pages and are not counted.
    assert list(PageView.objects.values_list("page_id", flat=True)) == [article.pk, article.pk]

    call_command("rollup_page_views", stdout=None)
    assert PageViewDay.objects.get(page_id=article.pk).views == 2
    editor = make_editor()
    sign_in_to_admin(journey, editor)
    expect(page.get_by_role("heading", name=re.compile("the last 30 days", re.I))).to_be_visible()
    journey.goto("/admin/reports/audience/articles/")
    table = page.locator("table.listing")
    expect(table.get_by_role("row", name=re.compile(re.escape(article.title)))).to_contain_text("2")
    expect(page.locator("svg[role='img'] title").first).to_have_text("Views of the most read pages")
    admin_step(journey, "articles-report")
    journey.goto("/admin/reports/audience/revenue/")
    expect(page.locator("svg[role='img']").first).to_be_visible()
    admin_step(journey, "revenue-report")
    journey.goto("/admin/reports/audience/funnel/")
    admin_step(journey, "funnel-report")
    journey.finish()
