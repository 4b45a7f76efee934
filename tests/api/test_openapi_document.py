"""The OpenAPI document Swagger UI reads at /api/docs: JSON without duplicated keys, or the UI shows only an error."""

import json


def keys_seen_twice(text: str) -> list[str]:
    repeated = []

    def collect(pairs):
        keys = [key for key, _ in pairs]
        repeated.extend(sorted({key for key in keys if keys.count(key) > 1}))
        return dict(pairs)

    json.loads(text, object_pairs_hook=collect)
    return repeated


def test_openapi_document_has_no_duplicated_keys(client, db):
    # A mix of int and str status keys (200 and "200") serialises as two "200" keys, which Swagger UI refuses.
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    assert keys_seen_twice(response.content.decode()) == []


def test_download_answer_keeps_its_file_types_in_the_document(client, db):
    schema = client.get("/api/openapi.json").json()

    answer = schema["paths"]["/api/library/downloads/{token}"]["get"]["responses"]["200"]
    assert "application/pdf" in answer["content"]
