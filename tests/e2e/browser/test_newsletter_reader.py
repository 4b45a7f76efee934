"""A reader of the newsletter: asks for it on /newsletter/, confirms from the e-mail, receives an issue (the
e-mail itself opened in the browser and checked like a page, its HTML and text kept in artifacts/), and leaves
with the issue's own unsubscribe link."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from newsletter import sending
from newsletter.models import NewsletterIssue, Send, Subscriber
from tests.e2e.browser.journey import SCREENSHOTS
from tests.e2e.browser.people import link_in_mail

READER = "rita.reader@example.com"
EMAIL_PATH = "/__newsletter-issue-as-received__"


def test_newsletter_reader(start_live_site, open_journey, settings, mailoutbox):
    # The server signs with this process's key, so that the issue sent from here carries links it accepts.
    site = start_live_site(SECRET_KEY=settings.SECRET_KEY)
    settings.WAGTAILADMIN_BASE_URL = site.url
    journey = open_journey(site, "newsletter-reader")
    page = journey.page

    journey.goto("/newsletter/", "newsletter-form")
    email = page.get_by_role("main").get_by_label(re.compile("e-?mail", re.I))
    email.fill(READER)
    email.press("Enter")
    expect(page.get_by_role("main")).to_contain_text(re.compile("check your e-?mail", re.I))
    journey.step("confirmation-sent")

    page.goto(link_in_mail(journey, READER, "/newsletter/confirm/"))
    journey.step("confirm")
    page.get_by_role("main").get_by_role("button", name=re.compile("confirm", re.I)).click()
    expect(page.get_by_role("main")).to_contain_text(re.compile("you are subscribed", re.I))
    journey.step("subscribed")
    assert Subscriber.objects.get(email=READER).subscribed

    issue = NewsletterIssue.objects.create(
        title="April",
        subject="Three stretches for a stiff morning",
        preheader="And a new chapter of the stretching guide",
        body=[
            ("heading", "Mornings first"),
            ("quote", "Slow is smooth, and smooth is fast."),
            ("button", {"text": "Read the guides", "url": site.url + "/guides/"}),
        ],
    )
    sending.start(issue=issue, segment=Send.Segment.EVERYONE, now=timezone.now())
    sending.run(max_seconds=30, rate=100)
    [message] = [m for m in mailoutbox if m.subject == issue.subject]
    html = message.alternatives[0][0]
    (SCREENSHOTS.parent / "newsletter-issue.html").write_text(html)
    (SCREENSHOTS.parent / "newsletter-issue.txt").write_text(message.body)

    page.route(site.url + EMAIL_PATH, lambda route: route.fulfill(status=200, content_type="text/html", body=html))
    journey.goto(EMAIL_PATH, "the-issue-as-received")
    expect(page.get_by_role("heading", name="Mornings first")).to_be_visible()
    page.get_by_role("link", name=re.compile("unsubscribe", re.I)).click()
    journey.step("unsubscribe")
    page.get_by_role("main").get_by_role("button", name=re.compile("unsubscribe", re.I)).click()
    expect(page.get_by_role("main")).to_contain_text(re.compile("you are unsubscribed", re.I))
    journey.step("unsubscribed")

    assert not Subscriber.objects.get(email=READER).subscribed
    journey.finish()
