"""Private files shared by lessons with different access (security issue 17): served under the strictest
rule, refused at publishing, listed in the admin report."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from courses import enrolment, sharing
from courses.blocks import file_ids_in
from courses.models import LessonPage
from tests.courses.conftest import grant
from tests.courses.factories import UserFactory, body


def share(*, paid_lesson, free_lesson):
    """The situation before the fix: the paid lesson's worksheet also attached to a free lesson."""
    (paid_file_id,) = file_ids_in(paid_lesson.body)
    from courses.models import LessonFile

    free_lesson.body = body(
        text=f"Body marker for {free_lesson.slug}.", worksheet=LessonFile.objects.get(pk=paid_file_id)
    )
    free_lesson.save_revision().publish()
    return paid_file_id


@pytest.fixture
def shared_file(world):
    return share(paid_lesson=world.paid_lesson, free_lesson=world.free_lesson)


def test_a_paid_file_shared_with_a_free_lesson_is_not_served_to_a_non_buyer(client, world, student, shared_file):
    enrolment.enrol(user=student, course=world.free, wants_email=False)
    client.force_login(student)

    response = client.get(reverse("courses:lesson_file", args=[world.free_lesson.pk, shared_file]))

    assert response.status_code == 403
    assert not hasattr(response, "streaming_content")


def test_a_buyer_still_gets_the_shared_file_through_either_lesson(client, world, student, shared_file):
    enrolment.enrol(user=student, course=world.free, wants_email=False)
    grant(student, world.product)
    client.force_login(student)

    through_free = client.get(reverse("courses:lesson_file", args=[world.free_lesson.pk, shared_file]))
    through_paid = client.get(reverse("courses:lesson_file", args=[world.paid_lesson.pk, shared_file]))

    assert (through_free.status_code, through_paid.status_code) == (200, 200)
    assert b"worksheet" in b"".join(through_free.streaming_content)


def test_files_of_lessons_with_the_same_access_are_served_as_before(client, world, student):
    """Sharing within one access is fine: the free lesson's own file is served to its student."""
    enrolment.enrol(user=student, course=world.free, wants_email=False)
    client.force_login(student)
    (own,) = file_ids_in(world.free_lesson.body)

    response = client.get(reverse("courses:lesson_file", args=[world.free_lesson.pk, own]))

    assert response.status_code == 200


def test_lessons_using_finds_every_live_lesson_with_the_file(world, shared_file):
    using = sharing.lessons_using(file_id=shared_file)

    assert {lesson.pk for lesson in using} == {world.paid_lesson.pk, world.free_lesson.pk}


# --- Publishing through the admin ---


@pytest.fixture
def editor(db):
    return UserFactory(email="chief@example.com", is_staff=True, is_superuser=True)


def lesson_form(*, file_id: int, publish: bool) -> dict:
    data = nested_form_data(
        {
            "title": "Borrowed worksheet",
            "slug": "borrowed-worksheet",
            "summary": "Uses another lesson's file.",
            "teaser": rich_text(""),
            "body": streamfield([("worksheet", {"file": file_id, "description": ""})]),
            "module": "",
            "duration_minutes": "10",
            "required": "on",
            "comments": inline_formset([]),
        }
    )
    if publish:
        data["action-publish"] = "action-publish"
    return data


def test_publishing_a_lesson_that_shares_a_paid_file_is_refused_with_a_clear_message(client, world, editor):
    (paid_file,) = file_ids_in(world.paid_lesson.body)
    client.force_login(editor)

    response = client.post(
        reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", world.free.pk]),
        lesson_form(file_id=paid_file, publish=True),
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "is also used by the lesson" in page
    assert "Paid Lesson" in page
    assert not LessonPage.objects.filter(slug="borrowed-worksheet").exists()


def test_a_draft_that_shares_a_file_may_still_be_saved(client, world, editor):
    (paid_file,) = file_ids_in(world.paid_lesson.body)
    client.force_login(editor)

    response = client.post(
        reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", world.free.pk]),
        lesson_form(file_id=paid_file, publish=False),
    )

    assert response.status_code == 302
    draft = LessonPage.objects.get(slug="borrowed-worksheet")
    assert not draft.live


def test_publishing_with_a_file_of_the_same_access_is_allowed(client, world, editor):
    (free_file,) = file_ids_in(world.free_dripped.body)
    client.force_login(editor)

    response = client.post(
        reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", world.free.pk]),
        lesson_form(file_id=free_file, publish=True),
    )

    assert response.status_code == 302
    assert LessonPage.objects.get(slug="borrowed-worksheet").live


def test_admin_report_lists_files_already_shared(client, world, editor, shared_file):
    client.force_login(editor)

    page = client.get(reverse("courses_shared_files_report")).content.decode()

    assert "Sheet for paid-lesson" in page
    assert "Paid Lesson" in page
    assert "Free Lesson" in page
    assert "paid: Relieving That Pain" in page


def test_admin_report_says_so_when_nothing_is_shared(client, world, editor):
    client.force_login(editor)

    page = client.get(reverse("courses_shared_files_report")).content.decode()

    assert "No private file is shared" in page
