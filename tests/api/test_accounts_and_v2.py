"""Sign-in through allauth's headless API, rate limits, v2 cache headers, bad v2 input and signed draft previews."""

import re

import pytest
from django.core import mail

from tests.api.conftest import grant, marker, session_token
from website.api import preview_token


def test_app_signs_in_with_an_emailed_code_and_uses_the_token(client, world, student):
    grant(student, world.product)
    requested = client.post(
        "/_allauth/app/v1/auth/code/request", {"email": student.email}, content_type="application/json"
    )
    pending_token = requested.json()["meta"]["session_token"]
    code = re.search(r"^\s*([A-Z0-9]{3,}(?:-[A-Z0-9]{3,})*)\s*$", mail.outbox[-1].body, re.MULTILINE).group(1)

    confirmed = client.post(
        "/_allauth/app/v1/auth/code/confirm",
        {"code": code},
        content_type="application/json",
        headers={"X-Session-Token": pending_token},
    )
    token = confirmed.json()["meta"]["session_token"]
    me = client.get("/api/account/me", headers={"X-Session-Token": token}).json()
    lesson = client.get(f"/api/v2/pages/{world.paid_lesson.pk}/", headers={"X-Session-Token": token}).json()

    assert confirmed.status_code == 200
    assert me["user"]["email"] == student.email
    assert marker(world.paid_lesson) in str(lesson["body"])


def test_code_requests_are_rate_limited_with_retry_after(client, settings, student):
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, "sign_in_code": "2/m"}

    answers = [
        client.post("/_allauth/browser/v1/auth/code/request", {"email": student.email}, content_type="application/json")
        for _ in range(3)
    ]

    assert answers[-1].status_code == 429
    assert int(answers[-1]["Retry-After"]) >= 1
    # allauth's own documented error shape on its paths: {"status": 429, "errors": [{"code", "message"}]}.
    assert answers[-1].json() == {
        "status": 429,
        "errors": [{"code": "too_many_requests", "message": "Too many attempts. Wait a little and try again."}],
    }


def test_behind_a_proxy_each_forwarded_client_has_its_own_limit(client, db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, "checkout": "1/h"}

    def start(address):
        return client.post(
            "/api/checkout", {"product": "x"}, content_type="application/json", HTTP_X_FORWARDED_FOR=address
        ).status_code

    first_client, first_again, second_client = start("203.0.113.7"), start("203.0.113.7"), start("198.51.100.9")

    assert first_again == 429
    assert first_client != 429
    assert second_client != 429


def test_checkout_starts_are_rate_limited(client, settings, student):
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, "checkout": "1/h"}
    headers = {"X-Session-Token": session_token(student)}

    client.post("/api/checkout", {"product": "x"}, content_type="application/json", headers=headers)
    limited = client.post("/api/checkout", {"product": "x"}, content_type="application/json", headers=headers)

    assert limited.status_code == 429
    assert limited.has_header("Retry-After")


def test_gated_responses_are_private_and_public_ones_cacheable(client, world):
    gated = client.get(f"/api/v2/pages/{world.paid_lesson.pk}/")
    public = client.get(f"/api/v2/pages/{world.home.pk}/")

    assert gated["Cache-Control"].startswith("private")
    assert set(gated["Vary"].replace(" ", "").split(",")) >= {"Cookie", "Authorization", "X-Session-Token"}
    assert public["Cache-Control"].startswith("public")


@pytest.mark.parametrize(
    "query",
    [
        "?child_of=99999999999999999999",
        "?limit=-1",
        "?offset=1e9",
        "?no_such_field=1",
        "?type=shop.Order",
        "?fields=password",
        "?order=no_such",
    ],
)
def test_bad_v2_queries_are_a_400_in_the_error_shape(client, world, query):
    response = client.get(f"/api/v2/pages/{query}")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


def test_huge_or_unknown_page_ids_are_a_404(client, world):
    assert client.get("/api/v2/pages/99999999999999999999/").status_code == 404
    assert client.get("/api/v2/pages/424242/").json()["error"]["code"] == "not_found"


def test_stale_session_token_on_v2_is_a_401(client, world):
    response = client.get(f"/api/v2/pages/{world.paid_lesson.pk}/", headers={"X-Session-Token": "expired"})

    assert response.status_code == 401


def test_editor_previews_a_draft_through_a_signed_token(client, world, staff):
    draft = world.paid_lesson.specific
    draft.title = "Draft title nobody has published"
    revision = draft.save_revision(user=staff)
    client.force_login(staff)
    minted = client.post("/api/preview-tokens", {"page_id": draft.pk}, content_type="application/json")
    client.logout()

    shown = client.get(minted.json()["api_url"].removeprefix("http://testserver"))
    live = client.get(f"/api/v2/pages/{draft.pk}/")

    assert minted.status_code == 201
    assert shown.json()["title"] == "Draft title nobody has published"
    assert shown["Cache-Control"] == "private, no-store"
    assert live.json()["title"] != "Draft title nobody has published"
    assert preview_token(page=draft, revision=revision, user=staff)


def test_preview_token_needs_an_editor_and_a_valid_signature(client, world, student):
    client.force_login(student)
    refused = client.post("/api/preview-tokens", {"page_id": world.paid_lesson.pk}, content_type="application/json")
    tampered = client.get("/api/v2/pages/preview/?token=abc:def")

    assert refused.status_code == 404
    assert tampered.status_code == 404


def test_private_collection_documents_are_never_listed(client, world):
    from django.contrib.auth.models import Group
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document
    from wagtail.models import Collection, CollectionViewRestriction

    private = Collection.get_first_root_node().add_child(name="Paid files")
    restriction = CollectionViewRestriction.objects.create(collection=private, restriction_type="groups")
    restriction.groups.add(Group.objects.create(name="Buyers"))
    Document.objects.create(title="Paid attachment", collection=private, file=ContentFile(b"x", name="paid.pdf"))
    Document.objects.create(title="Public leaflet", file=ContentFile(b"x", name="leaflet.pdf"))

    titles = [item["title"] for item in client.get("/api/v2/documents/").json()["items"]]

    assert titles == ["Public leaflet"]


def test_openapi_schema_is_3_1_and_describes_every_endpoint(client):
    from config.api.root import api

    schema = client.get("/api/openapi.json").json()
    docs = client.get("/api/docs")

    routes = (
        {f"/api{path}".replace("//", "/") for path in api._get_operations_paths()}
        if hasattr(api, "_get_operations_paths")
        else set()
    )
    assert schema["openapi"] == "3.1.0"
    assert docs.status_code == 200
    expected = {
        "/api/catalogue/products",
        "/api/catalogue/products/{slug}",
        "/api/checkout",
        "/api/orders/{order_id}",
        "/api/library",
        "/api/account/me",
        "/api/learning/courses/{course_id}/outline",
        "/api/learning/lessons/{lesson_id}/completion",
        "/api/learning/dashboard",
        "/api/learning/courses/{course_id}/enrol",
        "/api/preview-tokens",
    }
    assert expected | routes <= set(schema["paths"])
    for path in schema["paths"].values():
        for operation in path.values():
            assert any(code.startswith("4") for code in operation["responses"])
