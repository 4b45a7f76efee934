"""Course and lesson pages (courses/models.py): JSON-LD, oEmbed, search fields and the private files."""

from django.test import RequestFactory

from courses.models import LessonPage
from tests.courses.conftest import CANARY


def test_course_structured_data_is_a_schema_org_course_with_an_offer(world):
    request = RequestFactory().get(world.paid.url)

    (data,) = world.paid.structured_data(request)

    assert data["@type"] == "Course"
    assert data["name"] == world.paid.title
    assert data["provider"]["@type"] == "Organization"
    assert data["offers"]["price"] == "97.00"
    assert data["isAccessibleForFree"] is False


def test_lesson_oembed_and_json_ld_carry_no_body(world):
    request = RequestFactory().get(world.paid_lesson.url)

    blobs = [str(world.paid_lesson.structured_data(request)), str(world.paid_lesson.oembed(request, maxwidth=400))]

    assert all(CANARY not in blob for blob in blobs)
    assert world.paid_lesson.search_summary == world.paid_lesson.summary


def test_lesson_body_is_never_indexed_for_search():
    indexed = {field.field_name for field in LessonPage.search_fields if hasattr(field, "boost")}

    assert "body" not in indexed
    assert "teaser" not in indexed
    assert {"title", "summary"} <= indexed
