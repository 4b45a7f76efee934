"""Keyboard only: buying a guide and completing a lesson with Tab, Space and Enter (addresses typed or opened
from an e-mail, as a person would)."""

import re

from playwright.sync_api import expect

from tests.e2e.browser.people import follow, link_in_mail, tab_to

BUYER = "kim.keys@example.com"
STUDENT = "lee.keys@example.com"  # new to the site: the confirmation link signs them in


def test_keyboard_buy_and_complete_a_lesson(live_site, open_journey):
    journey = open_journey(live_site, "keyboard")
    page = journey.page
    keys = page.keyboard

    journey.goto("/guides/", "guides")
    tab_to(journey, re.compile(r"^stretching blueprint", re.I))  # a guide's title, not the bundle or the menu
    follow(journey, "Enter")
    tab_to(journey, re.compile("^buy", re.I))
    follow(journey, "Enter")
    journey.step("buy")
    tab_to(journey, re.compile("withdrawal|agree", re.I))
    keys.press("Space")
    tab_to(journey, re.compile("continue|pay", re.I))
    follow(journey, "Enter")
    journey.step("demo-checkout")
    tab_to(journey, re.compile("e-?mail", re.I))
    keys.type(BUYER)
    tab_to(journey, re.compile("withdrawal|agree", re.I))
    keys.press("Space")
    tab_to(journey, re.compile("^pay", re.I))
    follow(journey, "Enter")
    expect(page.get_by_role("main")).to_contain_text(re.compile("thank you", re.I))
    journey.step("thank-you")

    journey.goto("/courses/")
    tab_to(journey, re.compile("introduction|free", re.I))
    follow(journey, "Enter")
    tab_to(journey, re.compile("e-?mail", re.I))
    keys.type(STUDENT)
    follow(journey, "Enter")
    page.goto(link_in_mail(journey, STUDENT, "/learn/confirm/"))
    tab_to(journey, re.compile("continue|start", re.I))
    follow(journey, "Enter")
    journey.step("lesson-1")
    tab_to(journey, re.compile("mark complete", re.I))
    follow(journey, "Enter")
    expect(page.get_by_role("main")).to_contain_text(re.compile(r"\b1 of \d+", re.I))
    journey.step("lesson-completed")

    journey.finish()
