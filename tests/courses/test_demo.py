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


def test_demo_paid_course_opens_its_third_lesson_a_week_after_purchase(db):
    call_command("load_demo")

    paid = CoursePage.objects.get(slug="relieving-that-pain")
    drip = [lesson.drip_days or 0 for lesson in LessonPage.objects.child_of(paid).order_by("path")]
    assert drip[:3] == [0, 0, 7]
    assert paid.cover.title == "Course picture: Relieving That Pain"
    free = CoursePage.objects.get(slug="introduction-to-active-isolated-stretching")
    assert [lesson.drip_days or 0 for lesson in LessonPage.objects.child_of(free).order_by("path")] == [0, 2, 4]
