"""A buyer: an article's "From the shop" promotion, the guide's page, the demo checkout, the thank-you page,
the stamped PDF (opened and read), then a sign-in by e-mailed code and the library."""

import re

from playwright.sync_api import expect

from tests.e2e.browser.people import article_with_promotion, sign_in_by_code

BUYER = "rose.buyer@example.com"


def test_buyer(live_site, open_journey):
    journey = open_journey(live_site)
    page = journey.page

    journey.goto(article_with_promotion(journey), "article-with-promotion")
    promotion = page.get_by_role("complementary", name="From the shop")
    expect(promotion).to_be_visible()
    promotion.get_by_role("link", name=re.compile("read more|about|see", re.I)).first.click()
    journey.step("guide-page")
    guide = page.get_by_role("heading", level=1).text_content().strip()

    page.get_by_role("main").get_by_role("link", name=re.compile("^buy", re.I)).first.click()
    journey.step("buy")
    page.get_by_role("checkbox", name=re.compile("start my access", re.I)).check()
    newsletter = page.get_by_role("checkbox", name=re.compile("newsletter", re.I))
    expect(newsletter).not_to_be_checked()
    newsletter.check()
    page.get_by_role("button", name=re.compile("continue|pay|checkout", re.I)).click()
    expect(page.get_by_role("button", name=re.compile("pay", re.I))).to_be_visible()
    journey.step("demo-checkout")

    page.get_by_label(re.compile("e-?mail", re.I)).fill(BUYER)
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name=re.compile("pay", re.I)).click()
    expect(page.get_by_role("main")).to_contain_text(re.compile("thank you", re.I))
    journey.step("thank-you")

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("download", re.I)).first.click()
    text = journey.read_pdf("guide", download.value.path().read_bytes())
    assert BUYER in text, text[:500]

    sign_in_by_code(journey, BUYER)
    journey.goto("/shop/library/", "library")
    expect(page.get_by_role("main")).to_contain_text(guide)

    journey.finish()
