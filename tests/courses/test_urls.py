"""Ids in courses addresses: an id no database column can hold is a 404 (4xx in the API), never a 500."""

import pytest

HUGE = "9" * 30  # far beyond any integer column: SQLite raised OverflowError on it
JUST_TOO_LONG = "9" * 19  # above the 64-bit maximum

PAGES = [
    ("get", "/learn/lessons/{id}/files/{id}/"),
    ("get", "/learn/lessons/{id}/files/{id}/sheet.pdf"),
    ("get", "/learn/lessons/1/files/{id}/"),
    ("get", "/learn/courses/{id}/certificate.pdf"),
    ("post", "/learn/lessons/{id}/complete/"),
    ("post", "/learn/lessons/{id}/undo/"),
    ("post", "/learn/courses/{id}/enrol/"),
]


@pytest.mark.parametrize("huge", [HUGE, JUST_TOO_LONG])
@pytest.mark.parametrize(("method", "template"), PAGES)
def test_a_huge_id_in_a_courses_address_is_404(client, student, method, template, huge):
    client.force_login(student)
    client.raise_request_exception = False

    response = getattr(client, method)(template.format(id=huge))

    assert response.status_code == 404


API = [
    ("get", "/api/learning/courses/{id}/outline"),
    ("post", "/api/learning/courses/{id}/enrol"),
    ("post", "/api/learning/lessons/{id}/completion"),
    ("delete", "/api/learning/lessons/{id}/completion"),
]


@pytest.mark.parametrize(("method", "template"), API)
def test_a_huge_id_in_a_learning_api_address_is_a_client_error(client, student, method, template):
    client.force_login(student)
    client.raise_request_exception = False

    response = getattr(client, method)(template.format(id=HUGE), data={}, content_type="application/json")

    assert 400 <= response.status_code < 500
    assert response["Content-Type"].startswith("application/json")
