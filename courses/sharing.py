"""Private lesson files used by more than one lesson: who uses a file, under which access, and conflicts.

A file is served under the strictest rule of the live lessons that use it (courses.views.lesson_file asks
`lessons_using`); publishing a lesson that would share a file across different access is refused (the
lesson page form asks `conflicts_for`); files already shared are listed in the admin report (`shared_files`).
Lesson bodies are read as raw stream data, so finding a file's lessons costs two queries, however many.
"""

from dataclasses import dataclass

from courses.models import CoursePage, LessonFile, LessonPage

PREVIEW = "preview"
FREE = "free"


def file_ids_in_raw(body) -> set[int]:
    """The LessonFile ids a lesson body uses (videos and worksheets), read without loading any file."""
    ids = set()
    for item in body.raw_data:
        if item.get("type") in ("video", "worksheet"):
            file_id = (item.get("value") or {}).get("file")
            if isinstance(file_id, int):
                ids.add(file_id)
    return ids


@dataclass(frozen=True)
class Use:
    """One live lesson that uses a file, with the access that lesson is under."""

    lesson_id: int
    title: str
    course_title: str
    access: str  # PREVIEW, FREE or "product:<id>"
    access_label: str


def access_key(*, free_preview: bool, course: CoursePage) -> tuple[str, str]:
    """Which audience a lesson is for: everyone (preview), free-course students, or one product's buyers."""
    if free_preview:
        return PREVIEW, "free preview, open to everyone"
    if course.is_free:
        return FREE, "free course"
    return f"product:{course.product_id}", f"paid: {course.product}"


def _uses(*, exclude_lesson_id: int | None = None) -> dict[int, list[Use]]:
    """Every live lesson's files: {file id: [uses]}."""
    lessons = LessonPage.objects.live().values_list("pk", "path", "title", "free_preview", "body")
    if exclude_lesson_id is not None:
        lessons = lessons.exclude(pk=exclude_lesson_id)
    rows = [(pk, path, title, preview, file_ids_in_raw(body)) for pk, path, title, preview, body in lessons]
    parent_paths = {path[: -CoursePage.steplen] for _, path, _, _, ids in rows if ids}
    courses = {
        course.path: course for course in CoursePage.objects.filter(path__in=parent_paths).select_related("product")
    }
    uses: dict[int, list[Use]] = {}
    for pk, path, title, preview, ids in rows:
        course = courses.get(path[: -CoursePage.steplen])
        if course is None or not ids:
            continue
        key, label = access_key(free_preview=preview, course=course)
        for file_id in ids:
            uses.setdefault(file_id, []).append(
                Use(lesson_id=pk, title=title, course_title=course.title, access=key, access_label=label)
            )
    return uses


def lessons_using(*, file_id: int) -> list[LessonPage]:
    """The live lessons whose body uses the file: it is served only to who may open every one of them."""
    ids = [use.lesson_id for use in _uses().get(file_id, [])]
    return list(LessonPage.objects.live().filter(pk__in=ids).order_by("path"))


@dataclass(frozen=True)
class Conflict:
    file: LessonFile
    other: Use
    access_label: str  # the access of the lesson being published

    @property
    def message(self) -> str:
        return (
            f"\u201c{self.file}\u201d is also used by the lesson \u201c{self.other.title}\u201d "
            f"({self.other.course_title}, {self.other.access_label}), but this lesson is {self.access_label}. "
            "A private file may only be shared by lessons with the same access: upload a separate copy "
            "for this lesson, or remove it from the other one first."
        )


def conflicts_for(*, body, free_preview: bool, course: CoursePage, lesson_id: int | None) -> list[Conflict]:
    """What publishing this lesson body would share with live lessons under a different access."""
    ids = file_ids_in_raw(body)
    if not ids:
        return []
    key, label = access_key(free_preview=free_preview, course=course)
    uses = _uses(exclude_lesson_id=lesson_id)
    files = LessonFile.objects.in_bulk(ids)
    return [
        Conflict(file=files[file_id], other=use, access_label=label)
        for file_id in sorted(ids)
        if file_id in files
        for use in uses.get(file_id, [])
        if use.access != key
    ]


@dataclass(frozen=True)
class SharedFile:
    file: LessonFile
    uses: list[Use]


def shared_files() -> list[SharedFile]:
    """Files already used by live lessons under more than one access (for the admin report)."""
    uses = _uses()
    mixed = {file_id: found for file_id, found in uses.items() if len({use.access for use in found}) > 1}
    files = LessonFile.objects.in_bulk(list(mixed))
    return [SharedFile(file=files[file_id], uses=mixed[file_id]) for file_id in sorted(mixed) if file_id in files]
