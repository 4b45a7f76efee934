"""A student who finished the free course runs their own account: buys a guide, signs in by code, sets the name
for certificates on /account/, downloads the certificate (the PDF is read and carries that name), downloads their
data (the JSON holds the order and the progress), then deletes the account with the e-mailed link and is signed out
with the account gone."""

import json
import re
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.browser.journey import Journey
from tests.e2e.browser.people import link_in_mail, open_menu_link, pay_in_demo_checkout, sign_in_by_code

STUDENT = "ada.account@example.com"
NAME = "Ada Quinlan-Byrne"
GUIDE = "Stretching Blueprint for Pain Relief & Better Flexibility"
FREE_COURSE = "introduction-to-active-isolated-stretching"


def finished_free_course(email: str):
    """Someone who enrolled in the free course a month ago (so every dripped lesson is open) and finished it."""
    from allauth.account.models import EmailAddress

    from courses import enrolment, progress
    from courses.models import CoursePage

    user = get_user_model().objects.create(username=email, email=email)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    course = CoursePage.objects.live().get(slug=FREE_COURSE)
    enrolment.enrol(user=user, course=course, wants_email=False, now=timezone.now() - timedelta(days=30))
    for lesson in course.lessons():
        progress.complete(user=user, lesson=lesson)
    return course


def open_account_page(journey: Journey) -> None:
    """The account page from a link a person can see: the header, or the learning home the header leads to."""
    page = journey.page
    open_menu_link(journey, "My learning")
    expect(page.get_by_role("heading", level=1)).to_contain_text("My learning")
    journey.step("learning-home")
    open_menu_link(journey, re.compile(r"^account$", re.I))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")


def test_account(live_site, open_journey):
    course = finished_free_course(STUDENT)
    journey = open_journey(live_site)
    page = journey.page
    main = page.get_by_role("main")

    # An order, so the export and the deletion have one to keep: a guide bought through the demo checkout.
    journey.goto("/shop/buy/stretching-guide/", "buy-a-guide")
    pay_in_demo_checkout(journey, STUDENT)
    journey.step("thank-you")

    sign_in_by_code(journey, STUDENT)
    open_account_page(journey)
    journey.step("account")
    # The receipt opens in the browser's PDF viewer (inline), which headless Chromium does not draw: fetch it
    # with this browser's cookies instead.
    receipt_link = main.get_by_role("link", name="Receipt (PDF)").get_attribute("href")
    answer = page.request.get(receipt_link)
    assert answer.status == 200, answer.status
    assert answer.headers["content-type"] == "application/pdf"
    receipt = journey.read_pdf("receipt", answer.body())
    assert GUIDE in receipt, receipt[:500]
    assert STUDENT in receipt, receipt[:500]

    name_box = main.get_by_label("Name on your certificates")
    name_box.fill(NAME)
    main.get_by_role("button", name="Save name").click()
    expect(main).to_contain_text(NAME)
    journey.step("certificate-name-saved")

    open_menu_link(journey, "My learning")
    main.get_by_role("listitem").filter(has_text=course.title).get_by_role("link", name="Get your certificate").click()
    expect(main).to_contain_text(f"Your certificate currently reads: {NAME}")
    journey.step("certificate")
    with page.expect_download() as download:
        main.get_by_role("link", name=re.compile("download your certificate", re.I)).click()
    text = journey.read_pdf("certificate", download.value.path().read_bytes())
    assert NAME in text, text[:500]
    assert STUDENT not in text
    journey.step("certificate-downloaded")

    journey.goto("/account/")
    with page.expect_download() as download:
        main.get_by_role("link", name=re.compile("download my data", re.I)).click()
    assert download.value.suggested_filename.endswith(".json")
    data = json.loads(download.value.path().read_text())
    assert data["account"]["email"] == STUDENT
    assert [order["product"] for order in data["orders"]] == [GUIDE]
    assert {row["lesson"] for row in data["lesson_progress"]} == {lesson.title for lesson in course.lessons()}
    assert data["name_on_certificates"] == NAME
    journey.step("data-downloaded")

    main.get_by_role("button", name=re.compile("e-mail me a link to delete", re.I)).click()
    expect(main).to_contain_text(re.compile("sent|check your (e-?mail|inbox)", re.I))
    journey.step("deletion-link-sent")
    page.goto(link_in_mail(journey, STUDENT, "/account/delete/confirm/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(STUDENT)
    journey.step("confirm-deletion")
    main.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account is deleted")
    journey.step("deleted")

    # Signed out: the header offers to sign in, the account page asks for a sign-in, and the account is gone.
    sign_in = page.get_by_role("banner").get_by_role("link", name=re.compile("sign in", re.I), include_hidden=True)
    expect(sign_in.first).to_be_attached()  # on a phone it sits in the folded menu
    journey.goto("/account/")
    assert "/accounts/login" in page.url, page.url
    journey.step("account-after-deletion")
    assert not get_user_model().objects.filter(email=STUDENT).exists()

    journey.finish()
