"""What people do on the site, in a few steps each, shared by the journeys: read the mailbox, sign in by code,
find the article that promotes a guide, pay on the demo checkout, move through a page with the keyboard only."""

import re

from playwright.sync_api import expect

from tests.e2e.browser.journey import Journey

SIGN_IN_CODE = re.compile(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", re.MULTILINE)
LINK = re.compile(r"https?://[^\s\"'<>]+")


def last_mail_to(journey: Journey, email: str):
    found = [mail for mail in journey.site.mail() if email in mail.to]
    assert found, f"no e-mail to {email}; mailbox: {[(m.to, m.subject) for m in journey.site.mail()]}"
    return found[-1]


def link_in_mail(journey: Journey, email: str, path_part: str) -> str:
    mail = last_mail_to(journey, email)
    links = [link for link in LINK.findall(mail.text_body) if path_part in link]
    assert links, f"no link with {path_part} in the e-mail {mail.subject!r}:\n{mail.text_body}"
    return links[0]


def sign_in_by_code(journey: Journey, email: str) -> None:
    """Ask for a one-time code on the sign-in page, read it from the e-mail, type it in."""
    page = journey.page
    journey.goto("/accounts/login/code/")
    page.get_by_label(re.compile("e-?mail", re.I)).first.fill(email)
    journey.step("sign-in-ask-for-code")
    page.get_by_label(re.compile("e-?mail", re.I)).first.press("Enter")
    page.wait_for_load_state()
    code = SIGN_IN_CODE.search(last_mail_to(journey, email).text_body).group(1)
    page.get_by_label(re.compile("code", re.I)).first.fill(code)
    journey.step("sign-in-type-code")
    page.get_by_label(re.compile("code", re.I)).first.press("Enter")
    page.wait_for_load_state()


def article_with_promotion(journey: Journey) -> str:
    """The address of the first listed article that carries a "From the shop" promotion."""
    listing = journey.page.request.get(journey.url("/articles/")).text()
    for path in dict.fromkeys(re.findall(r'href="(/articles/(?!topic/|author/)[^"/]+/)"', listing)):
        if "From the shop" in journey.page.request.get(journey.url(path)).text():
            return path
    raise AssertionError("no article promotes a guide")


def open_menu_link(journey: Journey, name) -> None:
    """Follow a link of the site's header, opening the menu first where a phone folds it away."""
    link = journey.page.get_by_role("banner").get_by_role("link", name=name).first
    if not link.is_visible():
        journey.page.get_by_role("banner").locator("summary").first.click()  # the <details> menu of a phone
    link.click()


FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const label = el.labels && el.labels[0] ? el.labels[0].textContent : "";
  const name = (el.getAttribute("aria-label") || label || el.textContent || el.value || "").trim();
  const drawn = (style) =>
    style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0 || style.boxShadow !== "none";
  // A card's title link is the whole card's target: the ring is drawn around the card (site.css, :focus-within).
  const card = el.closest(".card");
  const ring = drawn(getComputedStyle(el)) || (card !== null && drawn(getComputedStyle(card)));
  return {name: name.replace(/\\s+/g, " "), tag: el.tagName.toLowerCase(), type: el.type || "", ring};
}"""


def tab_to(journey: Journey, name: str | re.Pattern, *, limit: int = 80) -> dict:
    """Press Tab until the focused element's name matches; its focus must be visible."""
    pattern = name if isinstance(name, re.Pattern) else re.compile(re.escape(name), re.I)
    for _ in range(limit):
        journey.page.keyboard.press("Tab")
        focused = journey.page.evaluate(FOCUSED)
        if focused and pattern.search(focused["name"]):
            if not focused["ring"]:
                journey.problems.append((f"{journey.width}px {journey.page.url}", f"no visible focus on {focused}"))
            return focused
    raise AssertionError(f"Tab never reached {pattern.pattern!r} on {journey.page.url}")


def follow(journey: Journey, key: str) -> None:
    """Press a key that follows a link or submits a form, and wait for the next page."""
    with journey.page.expect_navigation():
        journey.page.keyboard.press(key)


def pay_in_demo_checkout(journey: Journey, email: str) -> None:
    """From a product's buy page: agree, continue, then pay on the demo checkout with this address."""
    page = journey.page
    page.get_by_role("main").get_by_role("checkbox", name=re.compile("start my access", re.I)).check()
    page.get_by_role("button", name=re.compile("continue", re.I)).click()
    pay = page.get_by_role("button", name=re.compile("^pay", re.I))
    expect(pay).to_be_visible()
    journey.step("demo-checkout")
    page.get_by_label(re.compile("e-?mail", re.I)).fill(email)
    page.get_by_role("main").get_by_role("checkbox").check()
    pay.click()
    expect(page.get_by_role("main")).to_contain_text(re.compile("thank you", re.I))
