"""The HTML lesson page, the v2 API and the /api/ outline give the body to the same callers, for the same reason."""

import pytest

from courses import enrolment
from shop import entitlements
from tests.api.conftest import ACTOR, grant, marker, session_token
from tests.courses.factories import UserFactory


def _anonymous(world, student):
    return None, world.paid_lesson


def _non_buyer(world, student):
    return student, world.paid_lesson


def _owner(world, student):
    grant(student, world.product)
    return student, world.paid_lesson


def _bundle_owner(world, student):
    grant(student, world.bundle)
    return student, world.paid_lesson


def _free_preview(world, student):
    return None, world.paid_preview


def _free_course(world, student):
    enrolment.enrol(user=student, course=world.free, wants_email=False)
    return student, world.free_lesson


def _dripped(world, student):
    grant(student, world.product)
    return student, world.paid_dripped


def _refunded(world, student):
    grant(student, world.product)
    entitlements.revoke(user=student, product=world.product, actor=ACTOR, reason="refund", refunded=True)
    return student, world.paid_lesson


def _disputed(world, student):
    grant(student, world.product)
    entitlements.suspend(user=student, product=world.product, actor=ACTOR, reason="dispute opened")
    return student, world.paid_lesson


def _restored(world, student):
    grant(student, world.product)
    entitlements.suspend(user=student, product=world.product, actor=ACTOR, reason="dispute opened")
    entitlements.restore(user=student, product=world.product, actor=ACTOR, reason="dispute won")
    return student, world.paid_lesson


def _staff(world, student):
    return UserFactory(email="editor@example.com", is_staff=True), world.paid_dripped


TABLE = [
    ("anonymous", _anonymous, False, "sign_in_required"),
    ("signed-in non-buyer", _non_buyer, False, "not_purchased"),
    ("owner", _owner, True, "owned"),
    ("bundle owner", _bundle_owner, True, "owned"),
    ("free preview", _free_preview, True, "preview"),
    ("free course", _free_course, True, "free"),
    ("dripped", _dripped, False, "dripped"),
    ("refunded", _refunded, False, "refunded"),
    ("disputed", _disputed, False, "disputed"),
    ("restored", _restored, True, "owned"),
    ("staff", _staff, True, "staff"),
]


def _outline_entry(client, lesson, headers):
    response = client.get(f"/api/learning/courses/{lesson.get_parent().pk}/outline", headers=headers)
    assert response.status_code == 200
    lessons = [item for module in response.json()["modules"] for item in module["lessons"]]
    return next(item for item in lessons if item["id"] == lesson.pk)


@pytest.mark.parametrize("row", TABLE, ids=[row[0] for row in TABLE])
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
