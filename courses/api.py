"""The courses room of the headless API: the /api/learning router (outline, completion, dashboard, enrolment).

config.api.root adds `router` to the API. The gated v2 fields the page models use live in courses.api_fields.
"""

import logging
from datetime import datetime
from typing import Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Field, Path, Router, Schema

from config.api import security
from config.api.errors import ApiError, responses
from core import privacy, seo
from courses import access, dashboard, enrolment, outline, progress
from courses.api_fields import product_summary
from courses.models import CoursePage, LessonPage

logger = logging.getLogger(__name__)


# --- /api/learning (Django Ninja) ------------------------------------------------------------------


def Id():  # noqa: N802 - reads like a type at the call site
    return Path(..., ge=1, le=2_147_483_647)


Reason = Literal[
    "preview", "free", "owned", "staff", "not_purchased", "sign_in_required", "dripped", "refunded", "disputed"
]


class PriceOut(Schema):
    amount: int = Field(description="Minor units (cents).")
    currency: str
    display: str


class ProductRef(Schema):
    id: int
    slug: str
    name: str
    kind: str
    price: PriceOut
    buy_url: str


class AccessOut(Schema):
    granted: bool
    reason: Reason
    available_at: datetime | None = Field(None, description="When a dripped lesson opens for this caller.")
    product: ProductRef | None = Field(None, description="The product that unlocks it; null for free courses.")


class LessonOut(Schema):
    id: int
    title: str
    summary: str
    url: str | None
    api_url: str
    module: str
    duration_minutes: int
    required: bool
    free_preview: bool
    completed: bool
    access: AccessOut


class ModuleOut(Schema):
    title: str
    lessons: list[LessonOut]


class LessonRef(Schema):
    id: int
    title: str
    url: str | None


class ProgressOut(Schema):
    total: int
    released: int
    completed: int
    completed_released: int
    percent_of_released: int
    percent_of_total: int
    required_total: int
    required_completed: int
    complete: bool
    completed_at: datetime | None
    next_lesson: LessonRef | None
    resume_lesson: LessonRef | None


class CourseRef(Schema):
    id: int
    title: str
    summary: str
    url: str | None
    free: bool
    product: ProductRef | None


class OutlineOut(Schema):
    course: CourseRef
    access: AccessOut
    progress: ProgressOut
    enrolled: bool
    lesson_count: int
    total_minutes: int
    modules: list[ModuleOut]


class CompletionOut(Schema):
    lesson: int
    completed: bool
    progress: ProgressOut


class CourseCardOut(Schema):
    course: CourseRef
    access: AccessOut
    progress: ProgressOut


class ActivityOut(Schema):
    lesson: LessonRef
    completed_at: datetime


class DashboardOut(Schema):
    courses: list[CourseCardOut]
    recent: list[ActivityOut]
    suggested: list[CourseRef]


class EnrolIn(Schema):
    model_config = {"extra": "forbid"}

    email: str | None = Field(
        None, max_length=254, strict=True, description="Visitors only: where the confirmation goes."
    )
    emails: bool = Field(
        False, strict=True, description="Signed-in students: also send each lesson by e-mail as it opens."
    )
    newsletter: bool = Field(
        False,
        strict=True,
        description='The person ticked an (unticked by default) "send me the newsletter" box. For visitors it '
        "counts once they confirm their address.",
    )


class EnrolOut(Schema):
    status: Literal["enrolled", "confirmation_sent"]
    first_lesson: LessonRef | None = None


def _lesson_ref(lesson, request) -> dict | None:
    if lesson is None:
        return None
    return {"id": lesson.pk, "title": lesson.title, "url": _absolute_page_url(lesson, request)}


def _access_out(answer: access.Access, request) -> dict:
    return {
        "granted": answer.granted,
        "reason": answer.reason,
        "available_at": answer.available_at,
        "product": product_summary(answer.product, request),
    }


def _progress_out(summary, request) -> dict:
    return {
        "total": summary.total,
        "released": summary.released,
        "completed": summary.completed,
        "completed_released": summary.completed_released,
        "percent_of_released": summary.percent_of_released,
        "percent_of_total": summary.percent_of_total,
        "required_total": summary.required_total,
        "required_completed": summary.required_completed,
        "complete": summary.complete,
        "completed_at": summary.completed_at,
        "next_lesson": _lesson_ref(summary.next_lesson, request),
        "resume_lesson": _lesson_ref(summary.resume_lesson, request),
    }


def _course_ref(course, request) -> dict:
    return {
        "id": course.pk,
        "title": course.title,
        "summary": course.summary,
        "url": _absolute_page_url(course, request),
        "free": course.is_free,
        "product": product_summary(course.product, request),
    }


def _absolute_page_url(page, request) -> str | None:
    url = page.get_url(request)
    return seo.absolute(request, url) if url else None


router = Router(tags=["learning"])


def _lesson_out(item, request) -> dict:
    lesson = item.lesson
    return {
        "id": lesson.pk,
        "title": lesson.title,
        "summary": lesson.summary,
        "url": _absolute_page_url(lesson, request),
        "api_url": seo.absolute(request, f"/api/v2/pages/{lesson.pk}/"),
        "module": lesson.module,
        "duration_minutes": lesson.duration_minutes,
        "required": lesson.required,
        "free_preview": lesson.free_preview,
        "completed": item.done,
        "access": _access_out(item.access, request),
    }


def live_course(course_id: int):
    course = privacy.public(CoursePage.objects.live()).filter(pk=course_id).select_related("product").first()
    if course is None:
        raise ApiError(404, "No such course.")
    return course


def live_lesson(lesson_id: int):
    lesson = privacy.public(LessonPage.objects.live()).filter(pk=lesson_id).first()
    if lesson is None:
        raise ApiError(404, "No such lesson.")
    return lesson


@router.get(
    "/courses/{course_id}/outline",
    response={200: OutlineOut, **responses(400, 401, 403, 404)},
    auth=security.ANYONE,
    openapi_extra=security.OPTIONAL,
    summary="Course outline with the caller's access and progress for every lesson",
)
def course_outline(request, course_id: int = Id()):
    course = live_course(course_id)
    user = security.caller(request)
    data = outline.for_course(user=user, course=course)
    modules = [
        {"title": module.title, "lessons": [_lesson_out(item, request) for item in module.items]}
        for module in data["outline"]
    ]
    return {
        "course": _course_ref(course, request),
        "access": _access_out(data["course_access"], request),
        "progress": _progress_out(data["progress"], request),
        "enrolled": data["enrolment"] is not None,
        "lesson_count": data["lesson_count"],
        "total_minutes": data["total_minutes"],
        "modules": modules,
    }


def _completion(request, lesson, *, completed: bool) -> dict:
    summary = progress.for_course(user=request.auth, course=lesson.course)
    return {"lesson": lesson.pk, "completed": completed, "progress": _progress_out(summary, request)}


@router.post(
    "/lessons/{lesson_id}/completion",
    response={200: CompletionOut, **responses(400, 401, 403, 404)},
    auth=security.SIGNED_IN,
    summary="Mark a lesson complete (once, however often asked)",
)
def complete_lesson(request, lesson_id: int = Id()):
    lesson = live_lesson(lesson_id)
    progress.complete(user=request.auth, lesson=lesson)
    return _completion(request, lesson, completed=True)


@router.delete(
    "/lessons/{lesson_id}/completion",
    response={200: CompletionOut, **responses(400, 401, 403, 404)},
    auth=security.SIGNED_IN,
    summary="Undo a lesson's completion",
)
def undo_lesson(request, lesson_id: int = Id()):
    lesson = live_lesson(lesson_id)
    progress.undo(user=request.auth, lesson=lesson)
    return _completion(request, lesson, completed=False)


@router.get(
    "/dashboard",
    response={200: DashboardOut, **responses(401, 403)},
    auth=security.SIGNED_IN,
    summary="The student's courses with progress and the next lesson, recent activity, suggestions",
)
def student_dashboard(request):
    data = dashboard.for_student(user=request.auth)
    return {
        "courses": [
            {
                "course": _course_ref(card.course, request),
                "access": _access_out(card.access, request),
                "progress": _progress_out(card.progress, request),
            }
            for card in data["cards"]
        ],
        "recent": [
            {"lesson": _lesson_ref(done.lesson, request), "completed_at": done.completed_at} for done in data["recent"]
        ],
        "suggested": [_course_ref(course, request) for course in data["suggested"]],
    }


@router.post(
    "/courses/{course_id}/enrol",
    response={200: EnrolOut, 202: EnrolOut, **responses(400, 401, 403, 404, 409, 429)},
    auth=security.ANYONE,
    openapi_extra=security.OPTIONAL,
    summary="Join a free course: signed in at once, visitors by e-mail confirmation (double opt-in)",
)
def enrol(request, payload: EnrolIn, course_id: int = Id()):
    course = live_course(course_id)
    user = security.caller(request)
    try:
        if user.is_authenticated:
            enrolment.enrol(user=user, course=course, wants_email=payload.emails, newsletter=payload.newsletter)
            first = course.lessons().first()
            return 200, {"status": "enrolled", "first_lesson": _lesson_ref(first, request)}
        if not payload.email:
            raise ApiError(400, "Give an e-mail address, or sign in first.", fields=[_field_email()])
        enrolment.request_enrolment(email=payload.email, course=course, newsletter=payload.newsletter)
    except DjangoValidationError as error:
        raise ApiError(400, "That is not an e-mail address.", fields=[_field_email()]) from error
    # The same answer whether or not the address is known, and whether or not a message just went.
    return 202, {"status": "confirmation_sent", "first_lesson": None}


def _field_email() -> dict:
    return {"field": "body.email", "message": "A valid e-mail address is required."}
