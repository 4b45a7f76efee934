"""Drip: the 'your next lesson is open' e-mail, queued once per student and lesson when it opens."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from courses import access, enrolment, mail
from courses.models import DripNotice, Enrolment, LessonPage

logger = logging.getLogger(__name__)

# A lesson that opened longer ago than this is not announced: a scheduler that was down for a month
# must not bury a student under a month of e-mails when it comes back.
STALE_AFTER = timedelta(days=7)


def _anchor(*, viewer: access.Viewer) -> datetime | None:
    return viewer.granted_at if viewer.status == "active" else viewer.enrolled_at


def due(*, now: datetime) -> list[tuple[Enrolment, LessonPage]]:
    """The (enrolment, lesson) pairs whose lesson has opened for the student and was not announced yet."""
    announced = set(DripNotice.objects.values_list("user_id", "lesson_id"))
    pairs = []
    enrolments = Enrolment.objects.filter(unsubscribed_at__isnull=True, course__live=True).select_related(
        "user", "course"
    )
    for enrolled in enrolments:
        if enrolled.source == Enrolment.FREE and enrolled.consent_at is None:
            continue  # never confirmed by e-mail: no consent to write to them
        course = enrolled.course
        lessons = [lesson for lesson in course.lessons() if lesson.drip_days or lesson.release_at]
        if not lessons:
            continue
        viewer = access.viewer_for(user=enrolled.user, course=course)
        anchor = _anchor(viewer=viewer)
        for lesson in lessons:
            if (enrolled.user_id, lesson.pk) in announced or lesson.free_preview:
                continue
            opens = access.release_at(lesson=lesson, anchor=anchor)
            if opens is None or opens <= (anchor or enrolled.enrolled_at) or opens < now - STALE_AFTER:
                continue  # open from the start, or too long ago to announce
            if access.decide(lesson=lesson, course=course, viewer=viewer, now=now).granted:
                pairs.append((enrolled, lesson))
    return pairs


def send_due(*, now: datetime | None = None) -> int:
    """Queue every due drip e-mail through the outbox; returns how many were queued by this call."""
    now = now or timezone.now()
    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    queued = 0
    for enrolled, lesson in due(now=now):
        user, course = enrolled.user, enrolled.course
        try:
            with transaction.atomic():
                DripNotice.objects.create(user=user, lesson=lesson, queued_at=now)
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
                        "unsubscribe_url": base_url + enrolment.unsubscribe_url(user=user, course=course),
                    },
                )
        except IntegrityError:
            continue  # another run announced it first
        queued += int(sent)
        logger.info("Drip e-mail queued", extra={"user": user.pk, "lesson": lesson.pk})
    return queued
