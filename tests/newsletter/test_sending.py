"""Sending: the recipients listed once, batches through the outbox at the configured rate, one-click unsubscribe."""

import re

import pytest
from django.utils import timezone

from core.models import OutboxEmail
from newsletter import consent, sending
from newsletter.models import Delivery, Send
from tests.newsletter.conftest import subscriber


class FakeTime:
    def __init__(self):
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _to(mailoutbox) -> list[str]:
    return sorted(message.to[0] for message in mailoutbox)


def test_a_send_reaches_each_consenting_person_once_with_its_own_unsubscribe_link(issue, mailoutbox):
    for n in range(3):
        subscriber(f"reader{n}@example.com")
    subscriber("gone@example.com", unsubscribed_at=timezone.now())
    send = sending.start(issue=issue, segment=Send.Segment.EVERYONE)

    sent = sending.run(max_seconds=60, rate=1000, batch_size=2)

    assert sent == 3
    assert _to(mailoutbox) == ["reader0@example.com", "reader1@example.com", "reader2@example.com"]
    for message in mailoutbox:
        html = message.alternatives[0][0]
        link = message.extra_headers["List-Unsubscribe"].strip("<>")
        assert message.subject == "Three stretches for a stiff morning"
        assert link in message.body, "a visible link as well as the header"
        assert link in html
        assert consent.read_unsubscribe(token=link.rstrip("/").rsplit("/", 1)[-1])[0].email == message.to[0]
    send.refresh_from_db()
    assert send.finished_at is not None
    assert sending.figures(send=send).handed == 3


def test_every_message_carries_rfc_8058_one_click_headers(issue, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://backcare.example"
    subscriber("reader@example.com")
    send = sending.start(issue=issue, segment=Send.Segment.EVERYONE)
    sending.queue_batch(send=send, size=10)

    row = OutboxEmail.objects.get(key__startswith=f"newsletter-{send.pk}-")

    assert row.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = row.headers["List-Unsubscribe"].strip("<>")
    assert url.startswith("https://backcare.example/newsletter/unsubscribe/")
    assert re.fullmatch(r"<[0-9a-f]{32}\.newsletter@[^>]+>", row.headers["Message-ID"])


def test_batches_keep_to_the_rate(issue, mailoutbox):
    for n in range(10):
        subscriber(f"reader{n}@example.com")
    sending.start(issue=issue, segment=Send.Segment.EVERYONE)
    fake = FakeTime()

    sending.run(max_seconds=600, rate=2, batch_size=4, clock=fake.clock, sleep=fake.sleep)

    assert len(mailoutbox) == 10
    # 10 messages at 2 a second take at least 5 seconds: batches of 4, 4 and 2 wait 2, 2 and 1.
    assert fake.slept == [2.0, 2.0, 1.0]


def test_a_run_stops_at_its_time_budget_and_the_next_carries_on(issue, mailoutbox):
    for n in range(6):
        subscriber(f"reader{n}@example.com")
    send = sending.start(issue=issue, segment=Send.Segment.EVERYONE)
    fake = FakeTime()

    first = sending.run(max_seconds=1.5, rate=2, batch_size=2, clock=fake.clock, sleep=fake.sleep)
    second = sending.run(max_seconds=600, rate=1000, batch_size=2)

    # Batches of 2 at 2 a second start at 0 s and 1 s; at 2 s the budget of 1.5 s is spent.
    assert (first, second) == (4, 2)
    assert _to(mailoutbox) == [f"reader{n}@example.com" for n in range(6)]
    send.refresh_from_db()
    assert send.finished_at is not None


def test_someone_who_unsubscribes_before_their_turn_is_skipped(issue, mailoutbox):
    early, late = subscriber("early@example.com"), subscriber("late@example.com")
    send = sending.start(issue=issue, segment=Send.Segment.EVERYONE)
    consent.unsubscribe(token=consent.unsubscribe_token(subscriber=late))

    sending.run(max_seconds=60, rate=1000)

    assert _to(mailoutbox) == [early.email]
    figures = sending.figures(send=send)
    assert (figures.recipients, figures.handed, figures.skipped) == (2, 1, 1)


def test_a_row_left_unsent_by_a_dead_run_is_sent_by_the_next(issue, mailoutbox):
    subscriber("a@example.com")
    subscriber("b@example.com")
    send = sending.start(issue=issue, segment=Send.Segment.EVERYONE)
    sending.queue_batch(send=send, size=10)  # the dead run wrote its batch and sent nothing

    sending.run(max_seconds=60, rate=1000)

    assert _to(mailoutbox) == ["a@example.com", "b@example.com"]


@pytest.mark.parametrize("method", ["post_one_click", "get_then_press"])
def test_unsubscribe_link(issue, client, method):
    person = subscriber("reader@example.com")
    send = sending.start(issue=issue, segment=Send.Segment.EVERYONE)
    delivery = Delivery.objects.get(send=send)
    path = consent.unsubscribe_url(subscriber=person, delivery=delivery).split("127.0.0.1:8000", 1)[-1]
    client.enforce_csrf_checks = True  # mail apps send no CSRF token

    if method == "post_one_click":
        response = client.post(path, {"List-Unsubscribe": "One-Click"})
    else:
        assert client.get(path).status_code == 200
        person.refresh_from_db()
        assert person.subscribed, "opening the link (a mail scanner) changes nothing"
        response = client.post(path)

    assert response.status_code == 200
    person.refresh_from_db()
    assert not person.subscribed
    assert sending.figures(send=send).unsubscribed == 1


def test_a_tampered_unsubscribe_token_changes_nothing(db, client):
    person = subscriber("reader@example.com")
    token = consent.unsubscribe_token(subscriber=person)

    response = client.post(f"/newsletter/unsubscribe/{token[:-2]}xx/")

    assert response.status_code == 400
    person.refresh_from_db()
    assert person.subscribed


def test_a_sends_links_to_the_site_carry_its_campaign_and_the_sales_that_follow_are_counted(issue, settings):
    """Links to this site get utm_source=newsletter, utm_medium=email and the send's own campaign (core.attribution
    keeps them on the order or place a click leads to); pictures and other sites' links are left alone."""
    from shop.models import Order
    from tests.shop.factories import OrderFactory

    settings.WAGTAILADMIN_BASE_URL = "https://backcare.example"
    subscriber("reader@example.com")
    send = sending.start(issue=issue, segment=Send.Segment.EVERYONE)
    tags = f"utm_source=newsletter&amp;utm_medium=email&amp;utm_campaign=newsletter-{send.pk}"

    assert f'href="https://backcare.example/articles/stiff-mornings/?{tags}"' in send.html_body
    assert 'href="https://example.com/guides/stretching/"' in send.html_body  # another site: untouched
    assert f"https://backcare.example/articles/stiff-mornings/?{tags.replace('&amp;', '&')}" in send.text_body, (
        send.text_body
    )

    OrderFactory(status=Order.Status.PAID, utm_campaign=f"newsletter-{send.pk}")
    OrderFactory(status=Order.Status.PENDING, utm_campaign=f"newsletter-{send.pk}")  # not paid: not a sale
    OrderFactory(status=Order.Status.PAID, utm_campaign="newsletter-999")  # another send's
    figures = sending.figures(send=send)
    assert (figures.orders, figures.signups) == (1, 0)
    assert "1 orders and 0 sign-ups from its links" in send.figures_text


def test_a_link_the_author_tagged_by_hand_keeps_its_own_campaign(settings):
    from newsletter import rendering

    settings.WAGTAILADMIN_BASE_URL = "https://backcare.example"
    frozen = rendering.Body(
        html='<a href="https://backcare.example/shop/?utm_campaign=spring">x</a> <img src="https://backcare.example/media/a.jpg">',
        text="https://backcare.example/shop/?utm_campaign=spring and https://backcare.example/articles/a/#top",
    )

    tagged = rendering.tag_links(frozen, send_pk=7)

    assert 'href="https://backcare.example/shop/?utm_campaign=spring"' in tagged.html
    assert 'src="https://backcare.example/media/a.jpg"' in tagged.html
    assert (
        "https://backcare.example/articles/a/?utm_source=newsletter&utm_medium=email&utm_campaign=newsletter-7#top"
        in tagged.text
    )
