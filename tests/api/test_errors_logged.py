"""An unexpected error in the API answers the one error shape and leaves its traceback in the log."""

import logging

import pytest

from shop import entitlements

pytestmark = pytest.mark.django_db


def test_an_api_500_logs_its_traceback(client, monkeypatch, caplog):
    def broken(user):
        raise RuntimeError("the catalogue broke")

    monkeypatch.setattr(entitlements, "product_ids_for", broken)

    with caplog.at_level(logging.ERROR, logger="config.api.errors"):
        response = client.get("/api/catalogue/products")

    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"
    assert "the catalogue broke" not in response.content.decode()
    [record] = [r for r in caplog.records if r.name == "config.api.errors"]
    assert record.exc_info is not None
    assert record.exc_info[0] is RuntimeError
    assert "the catalogue broke" in caplog.text
