"""The learning home (/learn/): a person's courses with progress and what opens when, guides, certificates."""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from core import privacy
from courses import access, certificates, outline, progress
from courses.models import Certificate, CoursePage, Enrolment, LessonCompletion, LessonPage

logger = logging.getLogger(__name__)

UPCOMING_SHOWN = 3


@dataclass(frozen=True)
class Upcoming:
    """A lesson that is not open yet and when it opens, in words."""

    lesson: LessonPage
    when: str
    at: datetime | None = None


@dataclass(frozen=True)
class CourseCard:
    course: CoursePage
    access: access.Access
    progress: progress.CourseProgress
    upcoming: list[Upcoming] = field(default_factory=list)
    certificate: Certificate | None = None
    closed: str = ""  # the shop's words for the customer when a refund or dispute closed it (never the staff note)


def courses_for(*, user) -> list[CoursePage]:
    """Courses the student is enrolled in or owns (a purchase counts before the first visit)."""
    from shop import entitlements

    enrolled = set(Enrolment.objects.filter(user=user).values_list("course_id", flat=True))
    owned = entitlements.product_ids_for(user)
    live = CoursePage.objects.live().select_related("cover", "product").order_by("path")
    return [course for course in live if course.pk in enrolled or (not course.is_free and course.product_id in owned)]


def _upcoming(*, course: CoursePage, lessons: list, accesses: dict, course_access: access.Access) -> list[Upcoming]:
    """The next lessons still to open for this student, earliest first: what opens when."""
    if not (course_access.granted or course_access.reason == access.DRIPPED):
        return []
    found = []
    for lesson in lessons:
        lesson_access = accesses[lesson.pk]
        if lesson_access.reason != access.DRIPPED:
            continue
        when = outline.schedule(lesson=lesson, course=course, lesson_access=lesson_access)
        found.append(Upcoming(lesson=lesson, when=when, at=lesson_access.available_at))
    return found[:UPCOMING_SHOWN]


def _card(*, user, course: CoursePage, now: datetime, held: dict[int, Certificate]) -> CourseCard:
    viewer = access.viewer_for(user=user, course=course)  # once per course, for its access and progress
    lessons = list(course.lessons())
    accesses = access.accesses_for(user=user, course=course, lessons=lessons, now=now, viewer=viewer)
    course_access = access.course_access_for(user=user, course=course, now=now, viewer=viewer)
    return CourseCard(
        course=course,
        access=course_access,
        progress=progress.for_course(user=user, course=course, now=now, lessons=lessons, accesses=accesses),
        upcoming=_upcoming(course=course, lessons=lessons, accesses=accesses, course_access=course_access),
        certificate=held.get(course.pk),
        closed=outline.closed_message(user=user, lesson_access=course_access),
    )


def _library(user) -> list:
    from shop import library

    return list(library.items_for(user))


def for_student(*, user) -> dict:
    """Everything the learning home shows, for one signed-in person."""
    now = timezone.now()
    held = {certificate.course_id: certificate for certificate in certificates.current_for(user=user)}
    cards = [_card(user=user, course=course, now=now, held=held) for course in courses_for(user=user)]
    items = _library(user)
    shown_products = {card.course.product_id for card in cards if card.course.product_id}
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
    return {
        "cards": cards,
        # Guides carry their downloads; an active bundle is shown through what it includes.
        "guides": [item for item in items if item.kind == "guide"],
        "closed": [
            item
            for item in items
            if not item.is_active and item.kind != "guide" and item.product_id not in shown_products
        ],
        "certificates": list(held.values()),
        "certificate_name": certificates.chosen_name(user=user),
        "certificate_name_asked": certificates.has_chosen_name(user=user),
        "recent": recent,
        "suggested": suggested,
    }
