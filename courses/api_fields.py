"""The courses room's Wagtail API v2 fields: lesson bodies and access, gated per caller through courses/access.py.

Imported by courses/models.py (api_fields), so no page model is imported here.
"""

from rest_framework.fields import Field as DrfField

from courses import access
from shop.api_fields import product_card

PRIVATE_FLAG = "backcare_personalised"


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
