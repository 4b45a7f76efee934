"""The fresh-install journey through the test client: free course by e-mail, progress, then a demo purchase."""

import re

from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from core import accounts
from courses.models import CoursePage, Enrolment, LessonCompletion, LessonPage
from shop.models import Order

EMAIL = "reader@example.com"


def _demo_payments(settings) -> None:
    """What `make run` writes for a fresh install: no Stripe key, the demo gateway and its own webhook secret."""
    settings.STRIPE_SECRET_KEY = ""
    settings.SHOP_DEMO = True
    settings.STRIPE_WEBHOOK_SECRET = "whsec_demo_generated_for_this_install"


def test_new_student_enrols_confirms_completes_and_after_a_demo_purchase_opens_the_paid_course(
    client, db, settings, django_capture_on_commit_callbacks
):
    _demo_payments(settings)
    call_command("load_demo", stdout=None)
    free = CoursePage.objects.get(slug="introduction-to-active-isolated-stretching")
    paid = CoursePage.objects.get(slug="relieving-that-pain")
    first = free.lessons().first()
    paid_lesson = LessonPage.objects.child_of(paid).get(slug="releasing-the-hip-flexors")

    # Enrol with only an e-mail, then follow the e-mailed link and press Continue.
    assert "Start this free course" in client.get(free.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(reverse("courses:enrol", args=[free.pk]), {"email": EMAIL})
    assert sent.status_code == 200
    assert [message.to for message in mail.outbox] == [[EMAIL]]
    link = re.search(r"http://testserver(/learn/confirm/\S+/)", mail.outbox[-1].body).group(1)
    assert client.get(link).status_code == 200
    assert not Enrolment.objects.exists(), "opening the link alone (as a mail scanner does) must not enrol"
    opened = client.post(link, follow=True)
    assert opened.redirect_chain[-1][0] == first.url
    assert "Mark complete" in opened.content.decode()
    student = accounts.user_for_email(EMAIL)
    assert Enrolment.objects.get(user=student, course=free).consent_at is not None

    # Complete lesson 1 and see the progress on the dashboard.
    done = client.post(reverse("courses:complete", args=[first.pk]))
    assert done.status_code == 302
    assert LessonCompletion.objects.filter(user=student, lesson=first).exists()
    dashboard = client.get(reverse("courses:dashboard")).content.decode()
    assert free.title in dashboard
    assert "1 of 1 open lesson done" in dashboard

    # The paid lesson is closed and offers the purchase; buy it through the demo checkout.
    locked = client.get(paid_lesson.url).content.decode()
    assert "Kneeling hip flexor stretch" not in locked
    buy_link = re.search(r'href="([^"]+)">Buy the course<', locked).group(1)
    buy_page = client.get(buy_link)
    assert buy_page.status_code == 200
    form = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', buy_page.content.decode()))
    assert set(form) >= {"token", "price"}
    assert 'name="consent"' in buy_page.content.decode()
    started = client.post(buy_link, {**form, "consent": "on"})  # the buyer ticks the required box
    assert started.status_code == 303
    assert "cs_demo_" in started["Location"]
    assert "no real money" in client.get(started["Location"]).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        paid_answer = client.post(started["Location"], {"email": EMAIL, "consent": "on", "action": "pay"})
    assert paid_answer.status_code == 303
    assert client.get(paid_answer["Location"]).status_code == 200
    order = Order.objects.get(product=paid.product)
    assert (order.status, order.user_id) == ("paid", student.pk)

    # The same signed-in student now sees the paid lesson's body.
    after = client.get(paid_lesson.url).content.decode()
    assert "Kneeling hip flexor stretch" in after
    assert "Hold 2 seconds" in after
    assert "Buy the course" not in after
