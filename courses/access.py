"""THE access rule: who may see a lesson's body, and why not. Every surface asks here."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from django.utils import timezone

if TYPE_CHECKING:
    from courses.models import CoursePage, LessonPage

logger = logging.getLogger(__name__)

PREVIEW = "preview"
FREE = "free"
OWNED = "owned"
STAFF = "staff"
NOT_PURCHASED = "not_purchased"
SIGN_IN_REQUIRED = "sign_in_required"
DRIPPED = "dripped"
REFUNDED = "refunded"
DISPUTED = "disputed"

GRANTED_REASONS = frozenset({PREVIEW, FREE, OWNED, STAFF})
DENIED_REASONS = frozenset({NOT_PURCHASED, SIGN_IN_REQUIRED, DRIPPED, REFUNDED, DISPUTED})


@dataclass(frozen=True)
class Access:
    """The answer for one person and one lesson: granted or not, the reason, and the way in."""

    granted: bool
    reason: str
    available_at: datetime | None = None
    product: Any = None  # the shop.Product that unlocks the lesson, or None for free courses


@dataclass(frozen=True)
class Viewer:
    """What the rule needs to know about one person for one course, gathered once per request."""

    signed_in: bool = False
    staff: bool = False
    enrolled_at: datetime | None = None  # free courses: the drip clock starts at enrolment
    status: str | None = None  # the best entitlement status for the course's product, None if never granted
    granted_at: datetime | None = None  # the earliest grant, kept across revoke and restore


def is_staff(user) -> bool:
    """Editors and staff see every lesson (they write them)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.is_staff or user.has_perm("wagtailadmin.access_admin"))
    )


def _bundle_ids_including(product_id: int) -> set[int]:
    """Every product that delivers `product_id`, bundles inside bundles too (itself included), in one query."""
    from shop.models import Product

    edges = Product.includes.through.objects.values_list("from_product_id", "to_product_id")
    including: dict[int, set[int]] = {}
    for bundle_id, included_id in edges:
        including.setdefault(included_id, set()).add(bundle_id)
    found, pending = {product_id}, [product_id]
    while pending:
        for bundle_id in including.get(pending.pop(), ()):
            if bundle_id not in found:
                found.add(bundle_id)
                pending.append(bundle_id)
    return found


def _purchase_facts(*, user, product_id: int) -> tuple[str | None, datetime | None]:
    """(status, granted_at) for the product, directly or through any bundle: one or two queries in all."""
    from shop.models import Entitlement

    rows = list(Entitlement.objects.filter(user=user).values_list("product_id", "status", "granted_at"))
    if any(row_product != product_id for row_product, _, _ in rows):
        delivering = _bundle_ids_including(product_id)
        rows = [row for row in rows if row[0] in delivering]
    else:
        rows = [row for row in rows if row[0] == product_id]
    active = [granted_at for _, status, granted_at in rows if status == Entitlement.Status.ACTIVE]
    if active:
        return "active", min(active)
    statuses = {status for _, status, _ in rows}
    # Closed beats open-ended: a dispute in progress says so; otherwise a refund or revoke ended access.
    return next((s for s in ("disputed", "refunded", "revoked") if s in statuses), None), None


_UNKNOWN = object()


def viewer_for(*, user, course: CoursePage, enrolment: Any = _UNKNOWN) -> Viewer:
    """The facts about one person for one course. Gather them once per request and pass them on.

    `enrolment` is the student's Enrolment row (or None) when the caller already has it; a free course
    then needs no query of its own.
    """
    if not user.is_authenticated:
        return Viewer()
    if is_staff(user):
        return Viewer(signed_in=True, staff=True)
    if course.is_free:
        if enrolment is _UNKNOWN:
            from courses.models import Enrolment

            enrolment = Enrolment.objects.filter(user=user, course=course).first()
        return Viewer(signed_in=True, enrolled_at=enrolment.enrolled_at if enrolment is not None else None)
    status, granted_at = _purchase_facts(user=user, product_id=course.product_id)
    return Viewer(signed_in=True, status=status, granted_at=granted_at)


def release_at(*, lesson: LessonPage, anchor: datetime | None) -> datetime | None:
    """When the lesson opens for a student whose access began at `anchor` (None: open now)."""
    moments = []
    if lesson.release_at is not None:
        moments.append(lesson.release_at)
    if lesson.drip_days and anchor is not None:
        moments.append(anchor + timedelta(days=lesson.drip_days))
    return max(moments, default=None)


def decide(*, lesson: LessonPage, course: CoursePage, viewer: Viewer, now: datetime) -> Access:  # noqa: PLR0911 - a decision table
    """The rule itself, from facts only (no queries): previews and every surface share it."""
    product = None if course.is_free else course.product
    if viewer.staff:
        return Access(granted=True, reason=STAFF, product=product)
    if lesson.free_preview:
        return Access(granted=True, reason=PREVIEW, product=product)
    if not viewer.signed_in:
        return Access(granted=False, reason=SIGN_IN_REQUIRED, product=product)
    if product is None:
        anchor, reason = viewer.enrolled_at, FREE
    elif viewer.status == "active":
        anchor, reason = viewer.granted_at, OWNED
    elif viewer.status == "disputed":
        return Access(granted=False, reason=DISPUTED, product=product)
    elif viewer.status in ("refunded", "revoked"):
        return Access(granted=False, reason=REFUNDED, product=product)
    else:
        return Access(granted=False, reason=NOT_PURCHASED, product=product)
    if lesson.drip_days and anchor is None:
        # A free course's dripped lesson before enrolment: its clock has not started.
        return Access(granted=False, reason=DRIPPED, product=product)
    opens = release_at(lesson=lesson, anchor=anchor)
    if opens is not None and now < opens:
        return Access(granted=False, reason=DRIPPED, available_at=opens, product=product)
    return Access(granted=True, reason=reason, product=product)


def access_for(*, user, lesson: LessonPage, now: datetime | None = None, viewer: Viewer | None = None) -> Access:
    """May `user` see `lesson`'s body now? The one question every surface asks."""
    course = lesson.course
    viewer = viewer or viewer_for(user=user, course=course)
    return decide(lesson=lesson, course=course, viewer=viewer, now=now or timezone.now())


def accesses_for(
    *, user, course: CoursePage, lessons=None, now: datetime | None = None, viewer: Viewer | None = None
) -> dict[int, Access]:
    """Access to every lesson of a course at once (outlines, dashboards, progress), keyed by lesson id."""
    viewer = viewer or viewer_for(user=user, course=course)
    now = now or timezone.now()
    lessons = course.lessons() if lessons is None else lessons
    return {lesson.pk: decide(lesson=lesson, course=course, viewer=viewer, now=now) for lesson in lessons}


_ANY_OPEN_LESSON = SimpleNamespace(free_preview=False, drip_days=None, release_at=None)


def course_access_for(*, user, course: CoursePage, now: datetime | None = None, viewer: Viewer | None = None) -> Access:
    """Access to the course as a whole (an undripped, non-preview lesson): drives buy / enrol / continue."""
    viewer = viewer or viewer_for(user=user, course=course)
    return decide(lesson=_ANY_OPEN_LESSON, course=course, viewer=viewer, now=now or timezone.now())


PREVIEW_MODES = {
    "anonymous": Viewer(),
    "visitor": Viewer(signed_in=True),
    "refunded": Viewer(signed_in=True, status="refunded"),
    "disputed": Viewer(signed_in=True, status="disputed"),
}


def preview_access(*, lesson: LessonPage, mode: str, now: datetime | None = None) -> Access:
    """What an editor's preview shows: the same rule, fed the facts of an imagined student."""
    course = lesson.course
    now = now or timezone.now()
    if mode.startswith("owner-day-"):
        try:
            day = int(mode.removeprefix("owner-day-"))
        except ValueError:
            day = 0
        start = now - timedelta(days=day)
        viewer = Viewer(signed_in=True, status="active", granted_at=start, enrolled_at=start)
    else:
        viewer = PREVIEW_MODES.get(mode)
        if viewer is None:
            # The default mode: a student whose access began long ago, so nothing is dripped.
            start = now - timedelta(days=3650)
            viewer = Viewer(signed_in=True, status="active", granted_at=start, enrolled_at=start)
    return decide(lesson=lesson, course=course, viewer=viewer, now=now)
