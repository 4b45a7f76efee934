"""Progress: completing and undoing lessons, resuming, and the counts that only count released lessons."""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import DomainError
from courses import access
from courses.models import CoursePage, Enrolment, LessonCompletion, LessonPage

logger = logging.getLogger(__name__)


class LessonLockedError(DomainError):
    """The student may not open this lesson, so it cannot be completed either."""

    status = 403
    code = "locked"
    title = "This lesson is locked"
    message = "You cannot open this lesson, so it cannot be marked complete."

    def __init__(self, lesson_access: access.Access):
        super().__init__()
        self.access = lesson_access

    def details(self) -> dict:
        return {"reason": self.access.reason}


@dataclass(frozen=True)
class CourseProgress:
    total: int
    released: int
    completed: int
    completed_released: int
    required_total: int
    required_completed: int
    completed_at: datetime | None
    next_lesson: LessonPage | None
    resume_lesson: LessonPage | None
    completed_ids: frozenset[int]
    started: bool

    @property
    def percent_of_released(self) -> int:
        return round(100 * self.completed_released / self.released) if self.released else 0

    @property
    def percent_of_total(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0

    @property
    def complete(self) -> bool:
        return self.completed_at is not None


def _enrolment(*, user, course: CoursePage, now: datetime) -> Enrolment:
    source = Enrolment.FREE if course.is_free else Enrolment.PURCHASE
    enrolment, _ = Enrolment.objects.get_or_create(
        user=user, course=course, defaults={"source": source, "enrolled_at": now}
    )
    return enrolment


def _required_ids(lessons) -> set[int]:
    """Required lessons define completion; a course that marks none requires them all."""
    required = {lesson.pk for lesson in lessons if lesson.required}
    return required or {lesson.pk for lesson in lessons}


def complete(*, user, lesson: LessonPage, now: datetime | None = None) -> LessonCompletion:
    """Mark a lesson done (once, however often or concurrently asked); may complete the course."""
    now = now or timezone.now()
    lesson_access = access.access_for(user=user, lesson=lesson, now=now)
    if not lesson_access.granted or not user.is_authenticated:
        raise LessonLockedError(lesson_access)
    course = lesson.course
    try:
        with transaction.atomic():
            completion, created = LessonCompletion.objects.get_or_create(
                user=user, lesson=lesson, defaults={"completed_at": now}
            )
    except IntegrityError:
        # A concurrent request recorded it first: the unique constraint keeps one row.
        completion, created = LessonCompletion.objects.get(user=user, lesson=lesson), False
    with transaction.atomic():
        enrolment = _enrolment(user=user, course=course, now=now)
        if enrolment.completed_at is None:
            lessons = list(course.lessons())
            done = set(
                LessonCompletion.objects.filter(user=user, lesson__in=lessons).values_list("lesson_id", flat=True)
            )
            if _required_ids(lessons) <= done:
                Enrolment.objects.filter(pk=enrolment.pk, completed_at__isnull=True).update(completed_at=now)
                logger.info("Course completed", extra={"user": user.pk, "course": course.pk})
    if created:
        logger.info("Lesson completed", extra={"user": user.pk, "lesson": lesson.pk})
    return completion


def undo(*, user, lesson: LessonPage, now: datetime | None = None) -> bool:
    """Take back a completion; the course's completion date, once earned, stays (its certificate does too)."""
    lesson_access = access.access_for(user=user, lesson=lesson, now=now)
    if not lesson_access.granted or not user.is_authenticated:
        raise LessonLockedError(lesson_access)
    with transaction.atomic():
        deleted, _ = LessonCompletion.objects.filter(user=user, lesson=lesson).delete()
    return bool(deleted)


def record_visit(*, user, lesson: LessonPage, now: datetime | None = None) -> None:
    """Remember the lesson a student opened last, so 'Resume' takes them back to it."""
    now = now or timezone.now()
    course = lesson.course
    # One UPDATE on every visit but the first, which makes the enrolment row.
    if Enrolment.objects.filter(user=user, course=course).update(last_lesson=lesson, last_seen_at=now):
        return
    with transaction.atomic():
        enrolment = _enrolment(user=user, course=course, now=now)
        Enrolment.objects.filter(pk=enrolment.pk).update(last_lesson=lesson, last_seen_at=now)


_UNKNOWN = object()


def for_course(
    *,
    user,
    course: CoursePage,
    now: datetime | None = None,
    lessons: list[LessonPage] | None = None,
    accesses: dict[int, access.Access] | None = None,
    enrolment=_UNKNOWN,
    viewer: access.Viewer | None = None,
) -> CourseProgress:
    """The student's progress: released-and-completed over released, completed over total, what next.

    A page that already holds the lessons, their access or the enrolment passes them in, so nothing is
    gathered twice in one request.
    """
    now = now or timezone.now()
    lessons = list(course.lessons()) if lessons is None else lessons
    if enrolment is _UNKNOWN:
        enrolment = Enrolment.objects.filter(user=user, course=course).first() if user.is_authenticated else None
    if accesses is None:
        viewer = viewer or access.viewer_for(user=user, course=course, enrolment=enrolment)
        accesses = access.accesses_for(user=user, course=course, lessons=lessons, now=now, viewer=viewer)
    done: set[int] = set()
    if user.is_authenticated:
        done = set(LessonCompletion.objects.filter(user=user, lesson__in=lessons).values_list("lesson_id", flat=True))
    released = [lesson for lesson in lessons if accesses[lesson.pk].granted]
    required = _required_ids(lessons)
    next_lesson = next((lesson for lesson in released if lesson.pk not in done), None)
    resume = None
    if enrolment is not None and enrolment.last_lesson_id in {lesson.pk for lesson in released}:
        resume = next(lesson for lesson in released if lesson.pk == enrolment.last_lesson_id)
    return CourseProgress(
        total=len(lessons),
        released=len(released),
        completed=len(done),
        completed_released=sum(1 for lesson in released if lesson.pk in done),
        required_total=len(required),
        required_completed=len(required & done),
        completed_at=enrolment.completed_at if enrolment else None,
        next_lesson=next_lesson,
        resume_lesson=resume or next_lesson,
        completed_ids=frozenset(done),
        started=bool(done) or (enrolment is not None and enrolment.last_lesson_id is not None),
    )
