"""What course and lesson pages show: the outline grouped by module, each lesson's access and progress."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import resolve_url
from django.utils import formats, timezone

from courses import access, progress
from courses.models import CoursePage, Enrolment, LessonPage
from shop import entitlements


@dataclass(frozen=True)
class OutlineItem:
    lesson: LessonPage
    access: access.Access
    done: bool
    schedule: str = ""  # when a lesson that is not open yet opens, in words ("" once open)


_DAY_WORDS = {1: "the day", 7: "a week", 14: "two weeks", 21: "three weeks", 28: "four weeks"}


def _after(days: int) -> str:
    return _DAY_WORDS.get(days, f"{days} days")


def _date(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "j F Y")


def schedule(*, lesson: LessonPage, course: CoursePage, lesson_access: access.Access) -> str:
    """When a lesson that is not open to this person opens, in words; "" when it is open or has no schedule.

    A student's own date when their clock runs; otherwise the rule, so a buyer knows before paying that
    lesson 3 opens a week after purchase.
    """
    if lesson_access.granted:
        return ""
    if lesson_access.reason == access.DRIPPED and lesson_access.available_at is not None:
        return f"opens {_date(lesson_access.available_at)}"
    start = "you start" if course.is_free else "you buy"
    rule = f"{_after(lesson.drip_days)} after {start}" if lesson.drip_days else ""
    if lesson.release_at is not None and lesson.release_at > timezone.now():
        released = _date(lesson.release_at)
        return f"opens {rule}, not before {released}" if rule else f"opens {released}"
    return f"opens {rule}" if rule else ""


@dataclass(frozen=True)
class Module:
    title: str
    items: list[OutlineItem]


def _modules(items: list[OutlineItem]) -> list[Module]:
    modules: list[Module] = []
    for item in items:
        if not modules or modules[-1].title != item.lesson.module:
            modules.append(Module(title=item.lesson.module, items=[]))
        modules[-1].items.append(item)
    return modules


def for_course(*, user, course: CoursePage, viewer: access.Viewer | None = None) -> dict:
    """The course page's context. The viewer's facts are gathered once here (or passed in) and shared by
    every lesson's access, the course's way in and the progress counts."""
    now = timezone.now()
    lessons = list(course.lessons())
    enrolment = Enrolment.objects.filter(user=user, course=course).first() if user.is_authenticated else None
    viewer = viewer or access.viewer_for(user=user, course=course, enrolment=enrolment)
    accesses = {lesson.pk: access.decide(lesson=lesson, course=course, viewer=viewer, now=now) for lesson in lessons}
    course_progress = progress.for_course(
        user=user, course=course, now=now, lessons=lessons, accesses=accesses, enrolment=enrolment
    )
    items = [
        OutlineItem(
            lesson=lesson,
            access=accesses[lesson.pk],
            done=lesson.pk in course_progress.completed_ids,
            schedule=schedule(lesson=lesson, course=course, lesson_access=accesses[lesson.pk]),
        )
        for lesson in lessons
    ]
    course_access = access.course_access_for(user=user, course=course, now=now, viewer=viewer)
    return {
        "course": course,
        "viewer": viewer,
        "outline": _modules(items),
        "progress": course_progress,
        "enrolment": enrolment,
        "course_access": course_access,
        "course_way_in": None
        if course_access.granted
        else way_in(
            lesson_access=course_access,
            course=course,
            next_url=course.url,
            whole_course=True,
            closed_message=closed_message(user=user, lesson_access=course_access),
        ),
        "lesson_count": len(lessons),
        "total_minutes": sum(lesson.duration_minutes for lesson in lessons),
        "scheduled": any(item.schedule for item in items),
    }


def sign_in_code(*, request, course: CoursePage, next_url: str, goal: str) -> dict:
    """For a signed-out visitor: the address a sign-in code is pending for in this browser (typed on the page,
    it signs in and opens `next_url`), or none, and then the page offers to send one."""
    from core import login_codes

    if request.user.is_authenticated:
        return {"code_sign_in": None}
    return {
        "code_sign_in": {
            "pending_email": login_codes.pending_email(request),
            "next": next_url,
            "goal": goal,
            "ask_title": "Started this course before?" if course.is_free else "Already bought it?",
        }
    }


def for_lesson(*, user, lesson: LessonPage, course: CoursePage, lesson_access: access.Access | None = None) -> dict:
    """The lesson page's context: the course outline around it and this lesson's own access (an editor's
    preview passes the imagined student's answer in)."""
    context = for_course(user=user, course=course)
    lessons = [item.lesson for module in context["outline"] for item in module.items]
    if lesson_access is None:
        listed = next(
            (item.access for module in context["outline"] for item in module.items if item.lesson.pk == lesson.pk), None
        )
        lesson_access = listed or access.decide(
            lesson=lesson, course=course, viewer=context["viewer"], now=timezone.now()
        )
    ids = [item.pk for item in lessons]
    position = ids.index(lesson.pk) if lesson.pk in ids else None
    context.update(
        access=lesson_access,
        lesson=lesson,
        done=lesson.pk in context["progress"].completed_ids,
        previous_lesson=lessons[position - 1] if position else None,
        next_lesson=lessons[position + 1] if position is not None and position + 1 < len(lessons) else None,
        position=(position or 0) + 1,
        way_in=None
        if lesson_access.granted
        else way_in(
            lesson_access=lesson_access,
            course=course,
            next_url=lesson.url,
            closed_message=closed_message(user=user, lesson_access=lesson_access),
        ),
    )
    return context


def closed_message(*, user, lesson_access: access.Access) -> str:
    """What the shop tells the customer about a refunded, revoked or paused purchase (never the staff note)."""
    if lesson_access.reason not in (access.REFUNDED, access.DISPUTED) or lesson_access.product is None:
        return ""
    return entitlements.message_for(user=user, product=lesson_access.product)


@dataclass(frozen=True)
class WayIn:
    """What a locked lesson says and offers: the reason in words and the one next step."""

    message: str
    action: str = ""
    url: str = ""
    enrol_form: bool = False
    sign_in_url: str = ""


def way_in(  # noqa: PLR0911 - one answer per reason
    *,
    lesson_access: access.Access,
    course: CoursePage,
    next_url: str,
    whole_course: bool = False,
    closed_message: str = "",
) -> WayIn:
    """The reason in words and the next step, for one lesson or (on the course page) the whole course.

    `closed_message` is the shop's sentence for the customer about a closed or paused purchase.
    """
    reason = lesson_access.reason
    product = lesson_access.product
    sign_in = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': next_url})}"
    price = f" ({product.price_display})" if product is not None else ""
    if reason == access.SIGN_IN_REQUIRED and product is None:
        return WayIn(message="This is a free course. Enter your e-mail to start it.", enrol_form=True)
    if reason in (access.SIGN_IN_REQUIRED, access.NOT_PURCHASED):
        opens = (
            f"Every lesson opens once you buy {course.title}{price}."
            if whole_course
            else f"This lesson is part of {course.title}{price}: it opens once you buy the course."
        )
        if reason == access.NOT_PURCHASED:
            return WayIn(message=opens, action="Buy the course", url=product.get_buy_url())
        return WayIn(
            message=f"{opens} Already bought it? Sign in with the e-mail you paid with.",
            action="Buy the course",
            url=product.get_buy_url(),
            sign_in_url=sign_in,
        )
    if reason == access.DRIPPED and lesson_access.available_at is not None:
        when = formats.date_format(timezone.localtime(lesson_access.available_at), "j F")
        return WayIn(message=f"This lesson unlocks on {when}. Take the lessons before it in the meantime.")
    if reason == access.DRIPPED:
        return WayIn(message="This lesson opens a few days after you start the course.", action="Start the course")
    if reason == access.REFUNDED:
        return WayIn(
            message=closed_message or "Your access to this course ended after a refund or cancellation.",
            action="Buy the course again",
            url=product.get_buy_url() if product is not None else "",
        )
    if reason == access.DISPUTED:
        return WayIn(
            message=closed_message
            or "Access is paused while a payment dispute is open. If it is settled in your favour, "
            "everything reopens with your progress kept."
        )
    return WayIn(message="Sign in to continue.", action="Sign in", url=sign_in)
