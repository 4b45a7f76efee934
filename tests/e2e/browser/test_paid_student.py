"""A student of the paid course: the course page, the demo checkout, the code e-mailed to the address they paid with
typed on the thank-you page, lesson 1, the dripped lesson 3 with its date, then a refund by staff in the admin's
customer page (the demo gateway's signed charge.refunded), after which the lessons close with the message written
for the customer and never the staff's note."""

import re

from playwright.sync_api import expect

from tests.e2e.browser.admin import admin_step, make_editor, sign_in_to_admin
from tests.e2e.browser.people import SIGN_IN_CODE, last_mail_to, pay_in_demo_checkout

STUDENT = "pat.paid@example.com"
STAFF_NOTE = "Testing: customer asked to cancel"
CUSTOMER_SEES = "This purchase was refunded, so it is closed."


def test_paid_student(live_site, open_journey):
    editor = make_editor()
    journey = open_journey(live_site)
    page = journey.page
    main = page.get_by_role("main")

    journey.goto("/courses/relieving-that-pain/", "course-page")
    # Before buying, the outline gives the rule: lesson 3 opens a week after purchase.
    expect(page.get_by_role("navigation", name=re.compile("lessons in", re.I))).to_contain_text(
        re.compile("a week after you buy", re.I)
    )
    main.get_by_role("link", name=re.compile("^buy", re.I)).first.click()
    journey.step("buy")
    pay_in_demo_checkout(journey, STUDENT)
    journey.step("thank-you")

    # The code is already on its way to the address paid with; it is typed right here.
    code_box = main.get_by_label(re.compile("sign-in code", re.I))
    expect(code_box).to_be_visible()
    code = SIGN_IN_CODE.search(last_mail_to(journey, STUDENT).text_body).group(1)
    code_box.fill(code)
    journey.step("thank-you-code-typed")
    main.get_by_role("button", name=re.compile("^sign in", re.I)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How the pelvis holds pain")
    expect(main.get_by_role("button", name=re.compile("mark complete", re.I))).to_be_visible()
    journey.step("lesson-1")
    lesson_1 = page.url.removeprefix(live_site.url)

    outline = page.get_by_role("navigation", name=re.compile("lessons in", re.I))
    dripped = outline.get_by_role("listitem").filter(has_text="Putting it together")
    expect(dripped).to_contain_text(re.compile(r"opens \d{1,2} \w+ \d{4}"))
    dripped.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Putting it together")
    expect(main.get_by_role("button", name=re.compile("mark complete", re.I))).to_have_count(0)
    expect(main.get_by_role("note")).to_be_visible()
    journey.step("lesson-3-dripped")

    # Staff refund the order from the customer's page in the admin, in their own browser.
    staff = open_journey(live_site, "paid-student-staff")
    sign_in_to_admin(staff, editor)
    staff.goto(f"/admin/shop/customers/?q={STUDENT}")
    staff.page.get_by_role("link", name=STUDENT).first.click()
    admin_step(staff, "customer")
    orders = staff.page.get_by_role("table").filter(has_text="Refund through Stripe")
    orders.get_by_label(re.compile("reason", re.I)).fill(STAFF_NOTE)
    orders.get_by_role("button", name=re.compile("refund through stripe", re.I)).click()
    expect(staff.page.get_by_text(re.compile("Stripe is refunding", re.I))).to_be_visible()
    expect(staff.page.get_by_role("table").first).to_contain_text("Refunded")
    admin_step(staff, "refunded")

    # The student's lessons are closed, with the customer's message and without the staff's note.
    page.reload()
    journey.step("lesson-3-after-refund")
    journey.goto("/courses/relieving-that-pain/", "course-page-closed")
    expect(main).to_contain_text(CUSTOMER_SEES)
    expect(main).not_to_contain_text("Testing")
    # The learning home lists the course as closed in its own words (not the entitlement's message).
    journey.goto("/learn/", "learning-home-closed")
    expect(main.get_by_role("listitem").filter(has_text="Relieving That Pain")).to_contain_text(
        re.compile("access ended|closed", re.I)
    )
    expect(main).not_to_contain_text("Testing")
    # Lesson 1 is the course's free preview and stays open to anyone; lesson 2 is for buyers only.
    journey.goto(lesson_1)
    page.get_by_role("navigation", name=re.compile("lessons in", re.I)).get_by_role(
        "link", name="Releasing the hip flexors"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Releasing the hip flexors")
    expect(main.get_by_role("button", name=re.compile("mark complete", re.I))).to_have_count(0)
    expect(main).to_contain_text(CUSTOMER_SEES)
    expect(main).not_to_contain_text("Testing")
    journey.step("lesson-2-closed")
    assert all("Testing" not in mail.text_body + mail.html_body for mail in live_site.mail() if STUDENT in mail.to)

    staff.finish()
    journey.finish()
