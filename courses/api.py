"""The courses room of the headless API: gated v2 fields for lessons and courses, and the /api/learning router.

The v2 fields are imported by courses/models.py (api_fields), so this module imports no page model at the top;
the router's domain modules are imported when config.api builds it.
"""

import logging
from datetime import datetime
from typing import Literal

from ninja import Field, Path, Router, Schema
from rest_framework.fields import Field as DrfField

from courses import access
from shop.api import product_card

logger = logging.getLogger(__name__)

PRIVATE_FLAG = "backcare_personalised"

# --- Wagtail API v2 fields -------------------------------------------------------------------------


def _mark_personalised(context) -> None:
    """Tell the v2 view that this answer depends on who asked, so it must not be cached publicly."""
    request = context.get("request")
    if request is not None:
        setattr(request, PRIVATE_FLAG, True)


def _user(context):
    preview_user = context.get("preview_user")
    if preview_user is not None:
        return preview_user
    return context["request"].user


def _cached(context, key, compute):
    store = context.setdefault("_backcare_access", {})
    if key not in store:
        store[key] = compute()
    return store[key]


def _viewer(context, course) -> access.Viewer:
    """The caller's facts for a course, gathered once per response however many of its lessons are listed."""
    return _cached(context, ("viewer", course.pk), lambda: access.viewer_for(user=_user(context), course=course))


def lesson_access(context, lesson) -> access.Access:
    return _cached(
        context,
        ("lesson", lesson.pk),
        lambda: access.access_for(user=_user(context), lesson=lesson, viewer=_viewer(context, lesson.course)),
    )


def product_summary(product, request=None) -> dict | None:
    """The public facts of the product that unlocks something (no ownership: that is per caller)."""
    if product is None:
        return None
    return product_card(product, request=request)


def access_representation(answer: access.Access, request=None) -> dict:
    return {
        "granted": answer.granted,
        "reason": answer.reason,
        "available_at": answer.available_at.isoformat() if answer.available_at else None,
        "product": product_summary(answer.product, request),
    }


class GatedField(DrfField):
    """A v2 field computed per request through courses/access.py; a response carrying it is private."""

    gated = True

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        _mark_personalised(self.context)
        return instance


class LessonBodyField(GatedField):
    """The lesson body as structured StreamField JSON for callers the access rule lets in, else null."""

    def to_representation(self, lesson):
        if not lesson_access(self.context, lesson).granted:
            return None
        return lesson.body.stream_block.get_api_representation(lesson.body, self.context)


class LessonAccessField(GatedField):
    """{granted, reason, available_at, product}: why the caller sees the body or not, and the way in."""

    def to_representation(self, lesson):
        return access_representation(lesson_access(self.context, lesson), self.context.get("request"))


class CourseAccessField(GatedField):
    """The caller's access to the course as a whole (buy, enrol or continue)."""

    def to_representation(self, course):
        answer = _cached(
            self.context,
            ("course", course.pk),
            lambda: access.course_access_for(
                user=_user(self.context), course=course, viewer=_viewer(self.context, course)
            ),
        )
        return access_representation(answer, self.context.get("request"))


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


class EnrolOut(Schema):
    status: Literal["enrolled", "confirmation_sent"]
    first_lesson: LessonRef | None = None


def _lesson_ref(lesson, request) -> dict | None:
    if lesson is None:
        return None
    return {"id": lesson.pk, "title": lesson.title, "url": lesson.get_url(request)}


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
        "url": course.get_url(request),
        "free": course.is_free,
        "product": product_summary(course.product, request),
    }


def build_router() -> Router:  # noqa: PLR0915 - one router, its endpoints side by side
    """The learning endpoints. Imported late: the domain modules import the page models that import this file."""
    from django.core.exceptions import ValidationError as DjangoValidationError

    from config.api import security
    from config.api.errors import ApiError, responses
    from core import privacy
    from courses import dashboard, enrolment, outline, progress
    from courses.models import CoursePage, LessonPage

    router = Router(tags=["learning"])

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

    def locked(error: progress.LessonLockedError):
        return ApiError(
            403,
            "You cannot open this lesson, so it cannot be marked complete.",
            code="locked",
            reason=error.access.reason,
        )

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
            {
                "title": module.title,
                "lessons": [
                    {
                        "id": item.lesson.pk,
                        "title": item.lesson.title,
                        "summary": item.lesson.summary,
                        "url": item.lesson.get_url(request),
                        "api_url": f"/api/v2/pages/{item.lesson.pk}/",
                        "module": item.lesson.module,
                        "duration_minutes": item.lesson.duration_minutes,
                        "required": item.lesson.required,
                        "free_preview": item.lesson.free_preview,
                        "completed": item.done,
                        "access": _access_out(item.access, request),
                    }
                    for item in module.items
                ],
            }
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
        try:
            progress.complete(user=request.auth, lesson=lesson)
        except progress.LessonLockedError as error:
            raise locked(error) from error
        return _completion(request, lesson, completed=True)

    @router.delete(
        "/lessons/{lesson_id}/completion",
        response={200: CompletionOut, **responses(400, 401, 403, 404)},
        auth=security.SIGNED_IN,
        summary="Undo a lesson's completion",
    )
    def undo_lesson(request, lesson_id: int = Id()):
        lesson = live_lesson(lesson_id)
        try:
            progress.undo(user=request.auth, lesson=lesson)
        except progress.LessonLockedError as error:
            raise locked(error) from error
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
                {"lesson": _lesson_ref(done.lesson, request), "completed_at": done.completed_at}
                for done in data["recent"]
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
                enrolment.enrol(user=user, course=course, wants_email=payload.emails)
                first = course.lessons().first()
                return 200, {"status": "enrolled", "first_lesson": _lesson_ref(first, request)}
            if not payload.email:
                raise ApiError(400, "Give an e-mail address, or sign in first.", fields=[_field_email()])
            enrolment.request_enrolment(email=payload.email, course=course)
        except enrolment.NotFreeCourseError as error:
            raise ApiError(409, "This course is sold, not enrolled in for free.", code="not_free") from error
        except DjangoValidationError as error:
            raise ApiError(400, "That is not an e-mail address.", fields=[_field_email()]) from error
        # The same answer whether or not the address is known, and whether or not a message just went.
        return 202, {"status": "confirmation_sent", "first_lesson": None}

    return router


def _field_email() -> dict:
    return {"field": "body.email", "message": "A valid e-mail address is required."}
