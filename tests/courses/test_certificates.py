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
