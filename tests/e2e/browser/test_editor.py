"""An editor: signs in to /admin/ with a password, writes an article under the articles index (a heading, a
paragraph, an image and exercise steps, filed under a topic), previews it, publishes it, and finds it on the home
page, its topic's page, the RSS feed and in search; types a guide's price as "21.00" in the product editor and sees
21.00 on the guide's page; then refunds a buyer's demo order from the customer's page, after which the buyer's
access is closed.

Admin pages get `admin_step` (a screenshot and the console/CSP/request checks; Wagtail's own interface is not held
to the site's target-size and axe checks), public pages get `journey.step` with every check.
"""

import re

from playwright.sync_api import expect

from tests.e2e.browser.admin import admin_step, make_editor, sign_in_to_admin
from tests.e2e.browser.people import open_menu_link, pay_in_demo_checkout, sign_in_by_code

TITLE = "Kneeling lunges for a stiff morning back"
STANDFIRST = "A two-minute routine that loosens the hip flexors before the day starts."
HEADING = "Before you begin"
PARAGRAPH = "Kneel on a folded towel so the knee on the floor stays comfortable."
EXERCISE = "Kneeling hip flexor lunge"
STEP = "Tuck the tailbone under and shift your weight forward until the front of the hip stretches."
TOPIC = "Hip flexors"
GUIDE = "Stretching Blueprint for Pain Relief & Better Flexibility"
BUYER = "bo.buyer@example.com"
STAFF_NOTE = "Testing: the buyer changed their mind"


def add_block(page, kind: str):
    """Open the last "+" of the body's stream and pick a block by its label; the new block is the last one."""
    body = page.locator("[data-contentpath='body']")
    body.get_by_role("button", name=re.compile("insert a block", re.I)).last.click()
    page.get_by_role("option", name=kind, exact=True).click()
    return body.locator("[data-contentpath]").filter(has=page.locator("[data-streamfield-child]")).last


def write_article(page) -> None:
    page.get_by_role("textbox", name=re.compile("^title", re.I)).fill(TITLE)
    page.get_by_role("textbox", name=re.compile("^standfirst", re.I)).fill(STANDFIRST)
    body = page.locator("[data-contentpath='body']")

    body.get_by_role("button", name=re.compile("insert a block", re.I)).last.click()
    page.get_by_role("option", name="Heading", exact=True).click()
    body.get_by_role("textbox").last.fill(HEADING)

    body.get_by_role("button", name=re.compile("insert a block", re.I)).last.click()
    page.get_by_role("option", name="Paragraph", exact=True).click()
    editor = body.locator(".public-DraftEditor-content").last
    editor.click()
    page.keyboard.type(PARAGRAPH)

    body.get_by_role("button", name=re.compile("insert a block", re.I)).last.click()
    page.get_by_role("option", name="Image", exact=True).click()
    body.get_by_role("button", name=re.compile("choose an image", re.I)).last.click()
    chooser = page.get_by_role("dialog")
    chooser.locator("a[data-chooser-modal-choice]").first.click()
    expect(chooser).to_be_hidden()
    alt = body.get_by_role("textbox", name=re.compile("alt text", re.I)).last
    alt.fill("A person kneeling in a lunge, the back knee on a towel")

    body.get_by_role("button", name=re.compile("insert a block", re.I)).last.click()
    page.get_by_role("option", name="Stretch / exercise steps", exact=True).click()
    body.get_by_role("textbox", name=re.compile("^name", re.I)).last.fill(EXERCISE)
    # A list's items carry no label of their own in Wagtail's editor: the step is the box under "Steps".
    body.locator("[data-contentpath='steps']").last.get_by_role("textbox").last.fill(STEP)
    body.get_by_role("textbox", name=re.compile("^repetitions", re.I)).last.fill("5 times on each side")

    topics = page.locator("[data-contentpath='topics']").get_by_role("textbox").first
    topics.click()
    page.keyboard.type(TOPIC)
    page.keyboard.press("Enter")


def test_editor(live_site, open_journey):
    from website.models import ArticleIndexPage, GuidePage

    editor = make_editor()
    articles = ArticleIndexPage.objects.live().get()
    guide_path = GuidePage.objects.live().get(product__name=GUIDE).url
    journey = open_journey(live_site)
    page = journey.page

    sign_in_to_admin(journey, editor)
    journey.goto(f"/admin/pages/{articles.pk}/")
    admin_step(journey, "articles-index")
    page.get_by_role("link", name=re.compile("add child page", re.I)).first.click()
    expect(page.get_by_role("textbox", name=re.compile("^title", re.I))).to_be_visible()
    write_article(page)
    admin_step(journey, "article-written")

    preview_toggle = page.get_by_role("button", name=re.compile("toggle preview|preview", re.I)).first
    preview_toggle.click()
    preview = page.frame_locator("#w-preview-iframe")  # Wagtail swaps in a fresh iframe on each update
    expect(preview.get_by_role("heading", level=1)).to_have_text(TITLE, timeout=15_000)
    expect(preview.get_by_role("heading", name=EXERCISE)).to_be_visible()
    admin_step(journey, "preview")
    preview_toggle.click()  # on a phone the open panel covers the editor's footer with the publish action
    expect(page.locator("#w-preview-iframe")).to_be_hidden()

    page.get_by_role("button", name=re.compile("more actions", re.I)).last.click()
    page.get_by_role("button", name=re.compile("^publish", re.I)).click()
    expect(page.get_by_text(re.compile(f"{TITLE}.*published", re.I)).first).to_be_visible()
    admin_step(journey, "published")

    # The article is on the site: home, the topic's page, the RSS feed and search.
    journey.goto("/", "home")
    link = page.get_by_role("main").get_by_role("link", name=TITLE).first
    expect(link).to_be_visible()
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name=HEADING)).to_be_visible()
    expect(main).to_contain_text(PARAGRAPH)
    expect(main).to_contain_text(STEP)
    expect(main.get_by_role("img", name=re.compile("kneeling in a lunge"))).to_be_visible()
    journey.step("article")
    page.get_by_role("list", name="Topics").get_by_role("link", name=TOPIC).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TOPIC)
    expect(page.get_by_role("main").get_by_role("link", name=TITLE)).to_be_visible()
    journey.step("topic")
    feed = page.request.get(journey.url("/feeds/rss/"))
    assert feed.status == 200
    assert "xml" in feed.headers["content-type"]
    assert f"<title>{TITLE}</title>" in feed.text(), feed.text()[:800]
    open_menu_link(journey, "Search")
    search_box = page.get_by_role("main").get_by_role("searchbox")
    search_box.fill("kneeling lunges")
    search_box.press("Enter")
    expect(page.get_by_role("main").get_by_role("link", name=TITLE).first).to_be_visible()
    journey.step("search")

    # A price typed as money is saved as money.
    journey.goto("/admin/snippets/shop/product/")
    admin_step(journey, "products")
    page.get_by_role("link", name=GUIDE).first.click()
    price = page.get_by_role("textbox", name=re.compile("^price", re.I))
    price.fill("21.00")
    admin_step(journey, "price-typed")
    page.get_by_role("button", name=re.compile("^save", re.I)).first.click()
    expect(page.get_by_text(re.compile("updated|saved", re.I)).first).to_be_visible()
    admin_step(journey, "price-saved")
    journey.goto(guide_path, "guide-page")
    expect(page.get_by_role("main")).to_contain_text("21.00")

    # A buyer pays 21.00 for that guide; the editor refunds it from the buyer's customer page.
    buyer = open_journey(live_site, "editor-buyer")
    buyer.goto(guide_path)
    buyer.page.get_by_role("main").get_by_role("link", name=re.compile("^buy", re.I)).first.click()
    pay_in_demo_checkout(buyer, BUYER)
    expect(buyer.page.get_by_role("main")).to_contain_text("21.00")
    buyer.step("thank-you")

    journey.goto("/admin/shop/customers/")
    page.get_by_label("Find a buyer by e-mail").fill(BUYER)
    page.get_by_label("Find a buyer by e-mail").press("Enter")
    page.get_by_role("link", name=BUYER).first.click()
    admin_step(journey, "customer")
    orders = page.get_by_role("table").filter(has_text="Refund through Stripe")
    expect(orders).to_contain_text("21.00")
    orders.get_by_label(re.compile("reason", re.I)).fill(STAFF_NOTE)
    orders.get_by_role("button", name=re.compile("refund through stripe", re.I)).click()
    expect(page.get_by_text(re.compile("Stripe is refunding", re.I))).to_be_visible()
    expect(page.get_by_role("table").first).to_contain_text("Refunded")
    admin_step(journey, "refunded")

    # The buyer's access is closed, in words written for them.
    sign_in_by_code(buyer, BUYER)
    open_menu_link(buyer, "My learning")
    learning = buyer.page.get_by_role("main")
    closed = learning.get_by_role("listitem").filter(has_text=GUIDE).last
    expect(closed).to_contain_text(re.compile("no longer available", re.I))
    expect(closed).to_contain_text("This purchase was refunded, so it is closed.")
    expect(learning).not_to_contain_text("Testing")
    expect(learning.get_by_role("link", name=re.compile("download", re.I))).to_have_count(0)
    buyer.step("access-closed")

    buyer.finish()
    journey.finish()
