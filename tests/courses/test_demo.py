"""The courses demo (courses/demo.py): both courses with their lessons, once, however often it loads."""

from django.core.management import call_command

from courses.models import CoursePage, LessonFile, LessonPage


def test_load_demo_builds_both_courses_once(db):
    call_command("load_demo")
    counts = (CoursePage.objects.count(), LessonPage.objects.count(), LessonFile.objects.count())

    call_command("load_demo")

    assert (CoursePage.objects.count(), LessonPage.objects.count(), LessonFile.objects.count()) == counts
    free = CoursePage.objects.get(slug="introduction-to-active-isolated-stretching")
    assert free.is_free
    assert LessonPage.objects.filter(free_preview=True).exists()
    assert LessonPage.objects.filter(drip_days__gt=0).count() >= 2


def test_demo_lesson_pages_render(client, db):
    call_command("load_demo")

    statuses = {lesson.url: client.get(lesson.url).status_code for lesson in LessonPage.objects.live()}

    assert set(statuses.values()) == {200}
