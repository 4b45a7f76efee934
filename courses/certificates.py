"""Certificates of completion: issued once a course is complete, drawn as a PDF, verified by code."""

import io
import logging
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import dateformat, timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from core.errors import DomainError
from courses.models import Certificate, CertificateName, CoursePage, Enrolment

logger = logging.getLogger(__name__)


class NotCompleteError(DomainError):
    """The student has not finished every required lesson yet."""

    status = 403
    code = "not_complete"
    title = "Not finished yet"
    message = "Finish every required lesson of the course to get its certificate."


NAME_MAX_LENGTH = 80


def looks_like_email(name: str) -> bool:
    return "@" in name


def chosen_name(*, user) -> str:
    """The name the student chose for certificates, else their account's full name; never an e-mail address."""
    chosen = CertificateName.objects.filter(user=user).values_list("name", flat=True).first()
    name = chosen if chosen is not None else user.get_full_name().strip()
    return "" if looks_like_email(name) else name


def has_chosen_name(*, user) -> bool:
    """Whether the student has answered the question of the name on their certificates (an empty answer counts)."""
    return CertificateName.objects.filter(user=user).exists()


def earned(*, user, course: CoursePage) -> bool:
    """Whether the student finished every required lesson (a certificate may be issued), without issuing one."""
    return Enrolment.objects.filter(user=user, course=course, completed_at__isnull=False).exists()


def current(*, user, course: CoursePage) -> Certificate | None:
    """The student's certificate for the course if one was issued and not superseded."""
    return Certificate.objects.filter(user=user, course=course, superseded_at__isnull=True).first()


def current_for(*, user) -> list[Certificate]:
    """Every certificate the student holds now, newest first (the learning home lists them)."""
    return list(
        Certificate.objects.filter(user=user, superseded_at__isnull=True)
        .select_related("course")
        .order_by("-issued_at")
    )


def issue(*, user, course: CoursePage) -> Certificate:
    """The student's certificate for the course, made the first time it is asked for and kept after."""
    existing = Certificate.objects.filter(user=user, course=course, superseded_at__isnull=True).first()
    if existing is not None:
        return existing
    enrolment = Enrolment.objects.filter(user=user, course=course, completed_at__isnull=False).first()
    if enrolment is None:
        raise NotCompleteError
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                user=user,
                course=course,
                student_name=chosen_name(user=user),
                course_title=course.title,
                completed_at=enrolment.completed_at,
            )
    except IntegrityError:
        return Certificate.objects.get(user=user, course=course, superseded_at__isnull=True)
    logger.info("Certificate issued", extra={"user": user.pk, "course": course.pk})
    return certificate


def rename(*, user, name: str, now: datetime | None = None) -> list[Certificate]:
    """Set the name for the student's certificates and re-issue each that carries another name.

    A re-issued certificate gets a new code; the old code's page says it was superseded and shows no name.
    Returns the new certificates.
    """
    name = " ".join(name.split())
    if looks_like_email(name) or len(name) > NAME_MAX_LENGTH:
        raise ValueError("A certificate name is at most 80 characters and not an e-mail address.")
    now = now or timezone.now()
    reissued = []
    with transaction.atomic():
        CertificateName.objects.update_or_create(user=user, defaults={"name": name})
        current = Certificate.objects.select_for_update().filter(user=user, superseded_at__isnull=True)
        for old in current.exclude(student_name=name):
            Certificate.objects.filter(pk=old.pk).update(superseded_at=now, student_name="")
            reissued.append(
                Certificate.objects.create(
                    user=user,
                    course=old.course,
                    student_name=name,
                    course_title=old.course_title,
                    completed_at=old.completed_at,
                )
            )
    for certificate in reissued:
        logger.info("Certificate re-issued under a new name", extra={"user": user.pk, "course": certificate.course_id})
    return reissued


def find(*, code: str) -> Certificate | None:
    if not code or len(code) > 32:
        return None
    return Certificate.objects.filter(code=code).first()


def render_pdf(*, certificate: Certificate, verify_url: str, instructor: str = "") -> bytes:
    """One landscape A4 page: the name, the course, the date and where anyone can check it."""
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height), invariant=True)
    pdf.setTitle(f"Certificate of completion: {certificate.course_title}")
    pdf.setAuthor(settings.WAGTAIL_SITE_NAME)
    teal = colors.HexColor("#0b6b5c")
    pdf.setStrokeColor(teal)
    pdf.setLineWidth(6)
    pdf.rect(28, 28, width - 56, height - 56)
    pdf.setLineWidth(1)
    pdf.rect(40, 40, width - 80, height - 80)

    pdf.setFillColor(teal)
    pdf.setFont("Helvetica-Bold", 34)
    pdf.drawCentredString(width / 2, height - 130, "Certificate of Completion")
    pdf.setFillColor(colors.black)
    pdf.setFont("Helvetica", 15)
    pdf.drawCentredString(width / 2, height - 185, "This certifies that")
    pdf.setFont("Helvetica-Bold", 28)
    pdf.drawCentredString(width / 2, height - 230, certificate.awarded_to[:60])
    pdf.setFont("Helvetica", 15)
    pdf.drawCentredString(width / 2, height - 275, "has completed every required lesson of the course")
    pdf.setFont("Helvetica-Bold", 22)
    pdf.drawCentredString(width / 2, height - 315, certificate.course_title[:70])
    pdf.setFont("Helvetica", 14)
    pdf.drawCentredString(width / 2, height - 355, f"on {dateformat.format(certificate.completed_at, 'j F Y')}")
    if instructor:
        pdf.drawCentredString(width / 2, height - 395, f"Instructor: {instructor}")

    pdf.setFont("Helvetica", 9)
    pdf.setFillColor(colors.HexColor("#444444"))
    pdf.drawCentredString(width / 2, 62, f"Check this certificate at {verify_url}")
    pdf.drawCentredString(width / 2, 50, f"Certificate {certificate.code}")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
