"""/learn/ is the one signed-in home: guides with their downloads, courses with progress and what opens when,
certificates with the name on them; the certificate page asks that name; outlines say when lessons open."""

import io
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from courses import certificates, enrolment, outline, progress
from courses.models import CertificateName
from shop import entitlements
from shop.models import ProductFile
from tests.courses.factories import UserFactory
from tests.courses.world import ACTOR, grant
from tests.html_checks import assert_accessible_html
from tests.shop.factories import ProductFactory

pytestmark = pytest.mark.django_db


def _guide_with_file(name="Stretching Blueprint"):
    guide = ProductFactory(name=name, slug="stretching-blueprint", kind="guide")
    ProductFile.objects.create(product=guide, title=name, file=ContentFile(b"%PDF-1.4", name="guide.pdf"))
    return guide


def _finish(user, course):
    for lesson in course.lessons():
        if lesson.drip_days:
            lesson.drip_days = None
            lesson.save_revision().publish()
    enrolment.enrol(user=user, course=course, wants_email=False)
    for lesson in course.lessons():
        progress.complete(user=user, lesson=lesson)


def test_the_home_lists_guides_with_downloads_courses_with_next_steps_and_no_raw_objects(client, world, student):
    guide = _guide_with_file()
    entitlements.grant(user=student, product=guide, actor=ACTOR, reason="Paid.")
    grant(student, world.product)
    client.force_login(student)

    html = client.get(reverse("courses:dashboard")).content.decode()
    guides_section = html[html.index('id="my-guides"') : html.index('id="my-certificates"')]

    assert_accessible_html(html)
    assert "LibraryItem(" not in html
    assert "token=" not in html
    assert "/shop/download/" in guides_section
    assert guide.name in guides_section
    assert world.product.name not in guides_section  # the course is a course, not a guide
    assert f'href="{world.paid_preview.url}"' in html  # Start: lesson 1
    assert "Start: Paid Preview" in html
    opens = timezone.localtime(entitlements.state_for(user=student, product=world.product).granted_at)
    assert f"{world.paid_dripped.title}</a>: opens {(opens + timedelta(days=7)):%-d %B %Y}" in html


def test_the_old_library_address_and_sign_in_land_on_the_home(client, student, settings):
    client.force_login(student)

    assert client.get("/shop/library/")["Location"] == "/learn/"
    assert settings.LOGIN_REDIRECT_URL == "/learn/"


def test_the_home_lists_certificates_with_the_name_they_carry(client, world, student):
    _finish(student, world.free)
    certificates.rename(user=student, name="Ada Lovelace")
    certificates.issue(user=student, course=world.free)
    client.force_login(student)

    html = client.get(reverse("courses:dashboard")).content.decode()
    section = html[html.index('id="my-certificates"') : html.index('id="certificate-name"')]

    assert "Made out to <strong>Ada Lovelace</strong>" in section
    assert reverse("courses:certificate", args=[world.free.pk]) in section


def test_the_certificate_page_asks_the_name_and_the_pdf_carries_it(client, world):
    student = UserFactory(first_name="", last_name="")
    _finish(student, world.free)
    client.force_login(student)
    page_url = reverse("courses:certificate_page", args=[world.free.pk])

    asked = client.get(page_url).content.decode()
    saved = client.post(page_url, {"name": "Grace Hopper"})
    pdf = client.get(reverse("courses:certificate", args=[world.free.pk]))
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()

    assert_accessible_html(asked)
    assert "What name should your certificate carry?" in asked
    assert saved.status_code == 302
    assert CertificateName.objects.get(user=student).name == "Grace Hopper"
    assert "Grace Hopper" in text
    assert student.email not in text


def test_the_certificate_page_refuses_an_email_address_as_the_name(client, world, student):
    _finish(student, world.free)
    client.force_login(student)

    answer = client.post(reverse("courses:certificate_page", args=[world.free.pk]), {"name": student.email})

    assert answer.status_code == 400
    assert "not an e-mail address" in answer.content.decode()
    assert not CertificateName.objects.filter(user=student).exists()


def test_the_certificate_page_is_not_ready_before_the_course_is_finished(client, world, student):
    enrolment.enrol(user=student, course=world.free, wants_email=False)
    client.force_login(student)

    answer = client.get(reverse("courses:certificate_page", args=[world.free.pk]))

    assert answer.status_code == 403


def test_the_last_lesson_links_to_the_certificate_page(client, world, student):
    _finish(student, world.free)
    client.force_login(student)
    last = list(world.free.lessons())[-1]

    html = client.get(last.url).content.decode()

    assert reverse("courses:certificate_page", args=[world.free.pk]) in html


@pytest.mark.parametrize(
    ("drip_days", "release_in_days", "free", "expected"),
    [
        (7, None, False, "opens a week after you buy"),
        (2, None, True, "opens 2 days after you start"),
        (None, 30, False, "opens {release}"),
        (14, 30, False, "opens two weeks after you buy, not before {release}"),
        (None, None, False, ""),
    ],
)
def test_a_lesson_schedule_in_words_for_someone_whose_clock_has_not_started(
    world, drip_days, release_in_days, free, expected
):
    lesson = world.free_dripped if free else world.paid_dripped
    lesson.drip_days = drip_days
    lesson.release_at = timezone.now() + timedelta(days=release_in_days) if release_in_days else None
    release = f"{timezone.localtime(lesson.release_at):%-d %B %Y}" if lesson.release_at else ""
    from courses import access

    locked = access.Access(granted=False, reason=access.SIGN_IN_REQUIRED)

    assert outline.schedule(lesson=lesson, course=lesson.course, lesson_access=locked) == expected.format(
        release=release
    )


def test_the_course_page_tells_anyone_when_each_lesson_opens(client, world):
    html = client.get(world.paid.url).content.decode()

    assert "When the lessons open" in html
    assert "opens a week after you buy" in html


def test_the_course_page_tells_a_buyer_the_date_their_lesson_opens(client, world, student):
    grant(student, world.product)
    client.force_login(student)
    opens = timezone.localtime(entitlements.state_for(user=student, product=world.product).granted_at)

    html = client.get(world.paid.url).content.decode()

    assert f"opens {(opens + timedelta(days=7)):%-d %B %Y}" in html


def test_the_free_course_button_says_it_sends_a_confirmation_link(client, world):
    page = client.get(world.free.url).content.decode()
    sent = client.post(reverse("courses:enrol", args=[world.free.pk]), {"email": "new@example.com"})

    assert "E-mail me a confirmation link" in page
    assert "Send my first lesson" not in page
    assert "confirm" in sent.content.decode()
    assert "Lesson 1 opens straight away" in sent.content.decode()
