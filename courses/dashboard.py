"""The student dashboard: my courses with progress and the next lesson, my guides, recent activity."""

import logging
from dataclasses import dataclass

from django.utils import timezone

from core import privacy
from courses import access, progress
from courses.models import CoursePage, Enrolment, LessonCompletion

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CourseCard:
    course: CoursePage
    access: access.Access
    progress: progress.CourseProgress


def courses_for(*, user) -> list[CoursePage]:
    """Courses the student is enrolled in or owns (a purchase counts before the first visit)."""
    from shop import entitlements

    enrolled = set(Enrolment.objects.filter(user=user).values_list("course_id", flat=True))
    owned = entitlements.product_ids_for(user)
    live = CoursePage.objects.live().select_related("cover", "product").order_by("path")
    return [course for course in live if course.pk in enrolled or (not course.is_free and course.product_id in owned)]


def _guides(user) -> list:
    from shop import library

    return list(library.items_for(user))


def for_student(*, user) -> dict:
    now = timezone.now()
    cards = []
    for course in courses_for(user=user):
        viewer = access.viewer_for(user=user, course=course)  # once per course, for its access and progress
        cards.append(
            CourseCard(
                course=course,
                access=access.course_access_for(user=user, course=course, now=now, viewer=viewer),
                progress=progress.for_course(user=user, course=course, now=now, viewer=viewer),
            )
        )
    recent = (
        LessonCompletion.objects.filter(user=user, lesson__live=True)
        .select_related("lesson")
        .order_by("-completed_at")[:8]
    )
    suggested = [
        course
        for course in privacy.public(CoursePage.objects.live()).order_by("path")
        if course.pk not in {card.course.pk for card in cards}
    ]
    return {"cards": cards, "guides": _guides(user), "recent": recent, "suggested": suggested}
