"""Drip: the 'your next lesson is open' e-mail, queued once per student and lesson when it opens."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from courses import access, enrolment, mail
from courses.models import CoursePage, DripNotice, Enrolment, LessonPage
from shop import entitlements

logger = logging.getLogger(__name__)

# A lesson that opened longer ago than this is not announced: a scheduler that was down for a month
# must not bury a student under a month of e-mails when it comes back.
STALE_AFTER = timedelta(days=7)


@dataclass(frozen=True)
class DueLesson:
    """One 'now open' e-mail to write: who, which lesson, and when their access (the drip clock) began."""

    user: object
    course: CoursePage
    lesson: LessonPage
    anchor: datetime


def _students(*, course: CoursePage) -> list:
    """Who hears about a course's lessons.

    A free course writes to confirmed sign-ups only. A paid course writes to everyone who owns it now
    (bundles included), whether or not they ever opened it, unless they unsubscribed.
    """
    users = get_user_model().objects.filter(is_active=True).exclude(email="").order_by("pk")
    if course.is_free:
        confirmed = Enrolment.objects.filter(course=course, consent_at__isnull=False, unsubscribed_at__isnull=True)
        return list(users.filter(pk__in=confirmed.values("user_id")))
    unsubscribed = Enrolment.objects.filter(course=course, unsubscribed_at__isnull=False)
    holders = entitlements.holder_ids(product=course.product)
    return list(users.filter(pk__in=holders).exclude(pk__in=unsubscribed.values("user_id")))


def _anchor(*, viewer: access.Viewer) -> datetime | None:
    """When the student's drip clock started: the earliest grant of a paid course, enrolment in a free one."""
    return viewer.granted_at if viewer.status == "active" else viewer.enrolled_at


def due(*, now: datetime) -> list[DueLesson]:
    """Every lesson that has opened for a student and was not announced to them yet."""
    found = []
    for course in CoursePage.objects.live().order_by("path"):
        lessons = [
            lesson for lesson in course.lessons() if (lesson.drip_days or lesson.release_at) and not lesson.free_preview
        ]
        if not lessons:
            continue
        announced = set(DripNotice.objects.filter(lesson__in=lessons).values_list("user_id", "lesson_id"))
        for user in _students(course=course):
            viewer = access.viewer_for(user=user, course=course)
            anchor = _anchor(viewer=viewer)
            if anchor is None:
                continue  # no access now: a refund, a dispute or a lapsed grant
            for lesson in lessons:
                if (user.pk, lesson.pk) in announced:
                    continue
                opens = access.release_at(lesson=lesson, anchor=anchor)
                if opens is None or opens <= anchor or opens < now - STALE_AFTER:
                    continue  # open from the start, or too long ago to announce
                if access.decide(lesson=lesson, course=course, viewer=viewer, now=now).granted:
                    found.append(DueLesson(user=user, course=course, lesson=lesson, anchor=anchor))
    return found


def send_due(*, now: datetime | None = None) -> int:
    """Queue every due drip e-mail through the outbox; returns how many were queued by this call."""
    now = now or timezone.now()
    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    queued = 0
    for item in due(now=now):
        user, course, lesson = item.user, item.course, item.lesson
        try:
            with transaction.atomic():
                DripNotice.objects.create(user=user, lesson=lesson, queued_at=now)
                # An owner who never opened the course has no enrolment yet; the unsubscribe link needs one.
                Enrolment.objects.get_or_create(
                    user=user, course=course, defaults={"source": Enrolment.PURCHASE, "enrolled_at": item.anchor}
                )
                unsubscribe_url = base_url + enrolment.unsubscribe_url(user=user, course=course)
                sent = mail.send(
                    key=f"drip:{user.pk}:{lesson.pk}",
                    to=user.email,
                    subject=f"Your next lesson is open: {lesson.title}",
                    template="courses/email/drip",
                    context={
                        "course_title": course.title,
                        "lesson_title": lesson.title,
                        "lesson_summary": lesson.summary,
                        "lesson_url": base_url + lesson.url,
                        "unsubscribe_url": unsubscribe_url,
                    },
                    # Mail apps show their own unsubscribe button and POST to the link (RFC 8058).
                    headers={
                        "List-Unsubscribe": f"<{unsubscribe_url}>",
                        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                    },
                )
        except IntegrityError:
            continue  # another run announced it first
        queued += int(sent)
        logger.info("Drip e-mail queued", extra={"user": user.pk, "lesson": lesson.pk})
    return queued
