"""A sentence planted in a paid lesson never reaches a caller without access, whatever API endpoint they walk."""

import pytest

from shop import entitlements
from tests.api.conftest import ACTOR, CANARY, grant, session_token

# Search must be live here, or "search never matches the canary" would prove nothing.
pytestmark = pytest.mark.indexing

CANARY_WORD = CANARY.split()[-2]  # a word only the paid body contains


def _endpoints(world) -> list[str]:
    lesson, course = world.paid_lesson, world.paid
    v2 = "/api/v2/pages/"
    return [
        v2,
        f"{v2}?fields=*",
        f"{v2}?type=courses.LessonPage&fields=*",
        f"{v2}?type=courses.LessonPage&fields=*,-teaser&limit=50",
        f"{v2}?type=courses.LessonPage,courses.CoursePage&fields=*",
        f"{v2}?type=courses.LessonPage&fields=body,access",
        f"{v2}?child_of={course.pk}&type=courses.LessonPage&fields=*",
        f"{v2}?descendant_of={world.home.pk}&fields=*",
        f"{v2}?search={CANARY_WORD}",
        f"{v2}?search={CANARY_WORD}&type=courses.LessonPage&fields=*",
        f"{v2}?search={'+'.join(CANARY.split()[:2])}&search_operator=or&fields=*",
        f"{v2}{lesson.pk}/",
        f"{v2}{lesson.pk}/?fields=*",
        f"{v2}{lesson.pk}/?fields=body",
        f"{v2}{lesson.pk}/?rich_text_format=markdown",
        f"{v2}{course.pk}/?fields=*",
        f"{v2}find/?html_path={lesson.url}",
        f"{v2}preview/?token=made-up",
        "/api/v2/authors/?fields=*",
        "/api/v2/images/?fields=*",
        "/api/v2/documents/?fields=*",
        "/api/openapi.json",
        "/api/catalogue/products",
        f"/api/catalogue/products/{world.product.slug}",
        f"/api/learning/courses/{course.pk}/outline",
        "/api/learning/dashboard",
        "/api/library",
        "/api/account/me",
        "/api/orders/1",
    ]


def _walk(client, world, headers) -> dict[str, str]:
    seen = {}
    for url in _endpoints(world):
        response = client.get(url, headers=headers, follow=True)
        assert response.status_code < 500, url
        seen[url] = response.content.decode()
    return seen


def _refunded(world, student):
    grant(student, world.product)
    entitlements.revoke(user=student, product=world.product, actor=ACTOR, reason="refund", refunded=True)
    return student


@pytest.mark.parametrize("who", ["anonymous", "non-buyer", "refunded", "disputed", "token non-buyer"])
def test_canary_never_reaches_a_caller_without_access(client, world, student, who):
    headers = {}
    if who == "non-buyer":
        client.force_login(student)
    elif who == "refunded":
        client.force_login(_refunded(world, student))
    elif who == "disputed":
        grant(student, world.product)
        entitlements.suspend(user=student, product=world.product, actor=ACTOR, reason="dispute")
        client.force_login(student)
    elif who == "token non-buyer":
        headers = {"X-Session-Token": session_token(student)}

    seen = _walk(client, world, headers)

    leaks = [url for url, text in seen.items() if CANARY in text or CANARY_WORD in text]
    assert leaks == []


def test_the_walk_does_find_the_canary_for_an_owner(client, world, student):
    grant(student, world.product)
    client.force_login(student)

    seen = _walk(client, world, {})

    assert CANARY in seen[f"/api/v2/pages/{world.paid_lesson.pk}/"]
    assert CANARY in seen["/api/v2/pages/?type=courses.LessonPage&fields=*"]


def test_search_never_matches_words_only_a_paid_body_contains(client, world, student):
    grant(student, world.product)
    client.force_login(student)

    response = client.get(f"/api/v2/pages/?search={CANARY_WORD}")

    assert response.status_code == 200
    assert response.json()["meta"]["total_count"] == 0


def test_body_cannot_be_filtered_or_ordered_on(client, world):
    filtered = client.get(f"/api/v2/pages/?type=courses.LessonPage&body={CANARY}")
    ordered = client.get("/api/v2/pages/?type=courses.LessonPage&order=body")

    assert filtered.status_code == 400
    assert ordered.status_code == 400
    assert set(filtered.json()["error"]) >= {"code", "message"}
