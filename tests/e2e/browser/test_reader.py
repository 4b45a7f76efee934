"""A reader: home, an article, the link code copied, a topic, a search, the author's page."""

import re

from playwright.sync_api import expect

from tests.e2e.browser.people import open_menu_link


def test_reader(live_site, open_journey):
    journey = open_journey(live_site)
    page = journey.page

    journey.goto("/", "home")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    first_article = page.get_by_role("main").get_by_role("article").first.get_by_role("link").first
    title = first_article.text_content().strip()
    first_article.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    journey.step("article")
    article_url = page.url

    share = page.get_by_role("region", name=re.compile("share", re.I))
    share.get_by_role("button", name=re.compile("copy", re.I)).click()
    expect(share.get_by_role("status")).to_contain_text(re.compile("copied", re.I))
    assert article_url in page.evaluate("navigator.clipboard.readText()")
    journey.step("link-code-copied")

    topic = page.get_by_role("list", name="Topics").get_by_role("link").first
    topic_name = topic.text_content().strip()
    topic.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(topic_name)
    expect(page.get_by_role("main").get_by_role("link", name=title)).to_be_visible()
    journey.step("topic")

    open_menu_link(journey, "Search")
    search_box = page.get_by_role("main").get_by_role("searchbox")
    search_box.fill(title.split()[0])
    search_box.press("Enter")
    result = page.get_by_role("main").get_by_role("link", name=title).first
    expect(result).to_be_visible()
    journey.step("search-results")

    result.click()
    page.get_by_role("main").get_by_role("link", name=re.compile("O'Dwyer")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stephen O'Dwyer")
    expect(page.get_by_role("main").get_by_role("link", name=title)).to_be_visible()
    journey.step("author")

    journey.finish()
