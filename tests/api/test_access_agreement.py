"""The HTML lesson page, the v2 API and the /api/ outline give the body to the same callers, for the same reason."""

import pytest

from tests.api.conftest import grant, marker, session_token
from tests.courses.access_states import IDS, TABLE


def _outline_entry(client, lesson, headers):
    response = client.get(f"/api/learning/courses/{lesson.get_parent().pk}/outline", headers=headers)
    assert response.status_code == 200
    lessons = [item for module in response.json()["modules"] for item in module["lessons"]]
    return next(item for item in lessons if item["id"] == lesson.pk)


@pytest.mark.parametrize("row", TABLE, ids=IDS)
@pytest.mark.parametrize("credentials", ["session", "token"])
def test_page_v2_and_outline_agree(client, world, student, row, credentials):
    _, arrange, granted, reason = row
    user, lesson = arrange(world, student)
    headers = {}
    if user is not None and credentials == "session":
        client.force_login(user)
    elif user is not None:
        headers = {"X-Session-Token": session_token(user)}

    page = client.get(lesson.url, headers=headers) if credentials == "session" or user is None else None
    v2 = client.get(f"/api/v2/pages/{lesson.pk}/", headers=headers).json()
    entry = _outline_entry(client, lesson, headers)

    if page is not None:
        assert (marker(lesson) in page.content.decode()) is granted
    assert (v2["body"] is not None) is granted
    assert (marker(lesson) in str(v2["body"])) is granted
    assert (v2["access"]["granted"], v2["access"]["reason"]) == (granted, reason)
    assert (entry["access"]["granted"], entry["access"]["reason"]) == (granted, reason)
    assert v2["teaser"] == "<p>A taste of what is inside.</p>"


def test_dripped_lesson_says_when_it_opens_on_both_apis(client, world, student):
    grant(student, world.product)
    client.force_login(student)

    v2 = client.get(f"/api/v2/pages/{world.paid_dripped.pk}/").json()
    entry = _outline_entry(client, world.paid_dripped, {})

    assert v2["access"]["available_at"] is not None
    assert v2["access"]["available_at"][:16] == entry["access"]["available_at"][:16]


def test_locked_lesson_names_the_product_that_unlocks_it(client, world):
    v2 = client.get(f"/api/v2/pages/{world.paid_lesson.pk}/").json()

    assert v2["access"]["product"]["slug"] == "relieving-that-pain"
    assert v2["access"]["product"]["price"] == {"amount": 9700, "currency": "usd", "display": "$97.00"}
