"""The course report (courses/report.py and its admin view): enrolments and completions per course."""

from django.urls import reverse

from courses import enrolment, progress, report


def test_report_counts_enrolments_starts_and_completions(world, student):
    enrolment.enrol(user=student, course=world.free, wants_email=True)
    progress.complete(user=student, lesson=world.free_lesson)

    rows = {row.course.pk: row for row in report.figures()}

    free = rows[world.free.pk]
    assert (free.enrolled, free.subscribed, free.started, free.completed) == (1, 1, 1, 0)
    assert rows[world.paid.pk].enrolled == 0


def test_report_page_is_for_editors_only(client, world, student, staff):
    staff.is_superuser = True
    staff.save()
    client.force_login(student)
    refused = client.get(reverse("courses_report"))
    client.force_login(staff)

    shown = client.get(reverse("courses_report"))

    assert refused.status_code == 302
    assert shown.status_code == 200
    assert world.free.title in shown.content.decode()
