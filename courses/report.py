"""Per-course numbers for authors: enrolments, students who started, completions, certificates."""

from dataclasses import dataclass

from django.db.models import Count, Q

from courses.models import CoursePage, LessonCompletion


@dataclass(frozen=True)
class CourseFigures:
    course: CoursePage
    enrolled: int
    subscribed: int
    started: int
    completed: int
    certificates: int

    @property
    def completion_rate(self) -> int:
        return round(100 * self.completed / self.enrolled) if self.enrolled else 0


def figures() -> list[CourseFigures]:
    courses = CoursePage.objects.order_by("path").annotate(
        enrolled=Count("enrolments", distinct=True),
        subscribed=Count(
            "enrolments",
            filter=Q(enrolments__consent_at__isnull=False, enrolments__unsubscribed_at__isnull=True),
            distinct=True,
        ),
        completed=Count("enrolments", filter=Q(enrolments__completed_at__isnull=False), distinct=True),
        certificate_count=Count("certificates", distinct=True),
    )
    rows = []
    for course in courses:
        started = (
            LessonCompletion.objects.filter(lesson__path__startswith=course.path).values("user").distinct().count()
        )
        rows.append(
            CourseFigures(
                course=course,
                enrolled=course.enrolled,
                subscribed=course.subscribed,
                started=started,
                completed=course.completed,
                certificates=course.certificate_count,
            )
        )
    return rows
