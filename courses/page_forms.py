"""The lesson page's admin form: refuses to publish a lesson that shares a private file across access."""

from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminPageForm

# The buttons that make content public, at once or after moderation; a draft may still be saved.
PUBLISHING_ACTIONS = ("action-publish", "action-submit")


class LessonPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        if not any(action in self.data for action in PUBLISHING_ACTIONS) or "body" not in cleaned:
            return cleaned
        from courses import sharing
        from courses.models import CoursePage

        parent = self.parent_page.specific if self.parent_page is not None else None
        if not isinstance(parent, CoursePage):
            return cleaned
        conflicts = sharing.conflicts_for(
            body=cleaned["body"],
            free_preview=bool(cleaned.get("free_preview")),
            course=parent,
            lesson_id=self.instance.pk,
        )
        if conflicts:
            self.add_error("body", ValidationError([conflict.message for conflict in conflicts]))
        return cleaned
