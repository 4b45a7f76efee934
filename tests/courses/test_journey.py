"""The fresh-install journey through the test client: free course by e-mail, progress, then a purchase."""

import re

from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from courses.models import CoursePage, LessonPage
from shop import accounts, entitlements


def test_new_student_enrols_confirms_completes_and_after_buying_opens_the_paid_course(
    client, db, django_capture_on_commit_callbacks
):
    call_command("load_demo", stdout=None)
    free = CoursePage.objects.get(slug="introduction-to-active-isolated-stretching")
    paid = CoursePage.objects.get(slug="relieving-that-pain")
    first = free.lessons().first()
    paid_lesson = LessonPage.objects.child_of(paid).get(slug="releasing-the-hip-flexors")

    # Enrol with only an e-mail, then follow the link and press Continue.
    assert "Start this free course" in client.get(free.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("courses:enrol", args=[free.pk]), {"email": "reader@example.com"})
    link = re.search(r"http://testserver(/learn/confirm/\S+/)", mail.outbox[-1].body).group(1)
    assert client.get(link).status_code == 200
    opened = client.post(link, follow=True)
    assert opened.redirect_chain[-1][0] == first.url
    assert "Mark complete" in opened.content.decode()

    # Complete lesson 1 and see the progress on the dashboard.
    client.post(reverse("courses:complete", args=[first.pk]))
    dashboard = client.get(reverse("courses:dashboard")).content.decode()
    assert "1 of 1 open lesson done" in dashboard
    assert free.title in dashboard

    # The paid course stays closed until a purchase, then opens.
    assert paid.product is not None
    assert "Buy the course" in client.get(paid_lesson.url).content.decode()
    user = accounts.user_for_email("reader@example.com")
    entitlements.grant(user=user, product=paid.product, actor=entitlements.Actor.for_checkout(), reason="bought")
    after = client.get(paid_lesson.url).content.decode()
    assert "Kneeling hip flexor stretch" in after
    assert "Hold 2 seconds" in after
