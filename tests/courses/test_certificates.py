"""Certificates (courses/certificates.py): issued once the course is complete, verifiable by code."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from courses import certificates, progress
from courses.models import Certificate
from tests.courses.conftest import grant


@pytest.fixture
def finished(world, student):
    for lesson in (world.free_lesson, world.free_dripped):
        lesson.drip_days = None
        lesson.save_revision().publish()
    from courses import enrolment

    enrolment.enrol(user=student, course=world.free, wants_email=False)
    for lesson in world.free.lessons():
        progress.complete(user=student, lesson=lesson)
    return student


def test_certificate_pdf_names_the_student_course_and_date(client, world, finished):
    client.force_login(finished)

    response = client.get(reverse("courses:certificate", args=[world.free.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    certificate = Certificate.objects.get(user=finished)
    assert finished.get_full_name() in text
    assert world.free.title in text
    assert certificate.completed_at.strftime("%Y") in text
    assert certificate.code in text


def test_certificate_is_issued_once(world, finished):
    first = certificates.issue(user=finished, course=world.free)
    second = certificates.issue(user=finished, course=world.free)

    assert first.code == second.code
    assert Certificate.objects.count() == 1


def test_certificate_refused_before_completion(client, world, student):
    grant(student, world.product)
    client.force_login(student)

    response = client.get(reverse("courses:certificate", args=[world.paid.pk]))

    assert response.status_code == 403
    assert not Certificate.objects.exists()


def test_anyone_can_verify_a_certificate_by_its_code(client, world, finished):
    certificate = certificates.issue(user=finished, course=world.free)

    response = client.get(reverse("courses:verify_certificate", args=[certificate.code]))

    assert response.status_code == 200
    assert certificate.student_name in response.content.decode()


def test_a_made_up_code_is_404(client, world):
    response = client.get(reverse("courses:verify_certificate", args=["not-a-real-code"]))

    assert response.status_code == 404


def test_codes_are_long_and_unguessable(world, finished):
    certificate = certificates.issue(user=finished, course=world.free)

    assert len(certificate.code) >= 20
    assert certificate.code != str(certificate.pk)


# --- The name on a certificate (security issue 16): chosen by the student, never the e-mail address. ---


@pytest.fixture
def nameless(world, finished):
    """A student whose account has no name, only an e-mail address (how code sign-in makes accounts)."""
    finished.first_name = finished.last_name = ""
    finished.save()
    return finished


def test_public_certificate_page_never_shows_the_email_address(client, world, nameless):
    certificate = certificates.issue(user=nameless, course=world.free)

    page = client.get(reverse("courses:verify_certificate", args=[certificate.code])).content.decode()

    assert nameless.email not in page
    assert "a student" in page
    assert certificate.student_name == ""


def test_certificate_pdf_never_prints_the_email_address(client, world, nameless):
    client.force_login(nameless)

    response = client.get(reverse("courses:certificate", args=[world.free.pk]))

    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert nameless.email not in text
    assert "a student" in text


def test_the_name_a_student_chose_is_on_the_certificate(client, world, nameless):
    client.force_login(nameless)

    response = client.post(reverse("courses:certificate_name"), {"name": "  Ada   Lovelace "})
    certificate = certificates.issue(user=nameless, course=world.free)
    page = client.get(reverse("courses:verify_certificate", args=[certificate.code])).content.decode()

    assert response.status_code == 302
    assert certificate.student_name == "Ada Lovelace"
    assert "Ada Lovelace" in page


def test_renaming_reissues_the_certificate_and_the_old_code_says_superseded(client, world, finished):
    old = certificates.issue(user=finished, course=world.free)
    client.force_login(finished)

    client.post(reverse("courses:certificate_name"), {"name": "Grace Hopper"})
    new = certificates.issue(user=finished, course=world.free)
    old_page = client.get(reverse("courses:verify_certificate", args=[old.code]))
    new_page = client.get(reverse("courses:verify_certificate", args=[new.code]))

    assert new.code != old.code
    assert new.student_name == "Grace Hopper"
    assert new.completed_at == old.completed_at
    assert old_page.status_code == 410
    assert "superseded" in old_page.content.decode()
    assert new.code not in old_page.content.decode()
    for personal in (old.student_name, "Grace Hopper", finished.email):
        assert personal not in old_page.content.decode()
    assert "Grace Hopper" in new_page.content.decode()
    old.refresh_from_db()
    assert (old.student_name, old.superseded_at is not None) == ("", True)
    assert Certificate.objects.filter(user=finished, superseded_at__isnull=True).count() == 1


def test_saving_the_same_name_again_keeps_the_certificate(world, finished):
    certificates.rename(user=finished, name="Grace Hopper")
    current = certificates.issue(user=finished, course=world.free)

    reissued = certificates.rename(user=finished, name="Grace Hopper")

    assert reissued == []
    assert certificates.issue(user=finished, course=world.free).code == current.code


@pytest.mark.parametrize("name", ["me@example.com", "x" * 81])
def test_the_name_form_refuses_an_email_address_or_a_long_name(client, world, finished, name):
    certificate = certificates.issue(user=finished, course=world.free)
    client.force_login(finished)

    response = client.post(reverse("courses:certificate_name"), {"name": name})

    assert response.status_code == 400
    assert "error" in response.content.decode()
    assert Certificate.objects.get(user=finished) == certificate
    assert certificate.student_name == Certificate.objects.get(user=finished).student_name


def test_dashboard_offers_the_name_form_with_the_current_name(client, world, finished):
    certificates.rename(user=finished, name="Grace Hopper")
    client.force_login(finished)

    page = client.get(reverse("courses:dashboard")).content.decode()

    assert 'action="/learn/certificates/name/"' in page
    assert 'value="Grace Hopper"' in page


def test_migration_replaces_email_shaped_names_already_stored(world, finished):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("courses.migrations.0004_certificate_names")
    stored = certificates.issue(user=finished, course=world.free)
    Certificate.objects.filter(pk=stored.pk).update(student_name=finished.email)

    migration.forget_email_names(apps, None)

    stored.refresh_from_db()
    assert stored.student_name == ""
    assert stored.awarded_to == "a student"
