"""One domain-error base: each domain error carries its status, code and sentence; views and the API show it."""

from unittest import mock

import pytest

from core.errors import DomainError
from courses import certificates, enrolment, progress
from shop import checkout, demo_checkout, downloads, stripe_gateway
from tests.api.conftest import session_token
from tests.courses.world import build_world
from tests.shop.factories import OrderFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


class SalesPausedError(DomainError):
    status = 423
    code = "sales_paused"
    title = "Sales are paused"
    message = "Sales are paused while we count the stock. Nothing was ordered."

    def details(self) -> dict:
        return {"reason": "stock_take"}


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (checkout.CheckoutError("The form is incomplete."), 400, "bad_request"),
        (checkout.ProductUnavailableError(), 404, "not_found"),
        (checkout.AlreadyOwnedError(), 409, "already_owned"),
        (checkout.CheckoutFailedError(), 503, "unavailable"),
        (checkout.UnknownCheckoutError(), 404, "not_found"),
        (stripe_gateway.PaymentsDisabledError(), 503, "payments_off"),
        (downloads.DownloadRefusedError("This download link has expired.", status=410), 410, "download_refused"),
        (demo_checkout.DemoCheckoutError("This checkout is already closed."), 400, "bad_request"),
        (demo_checkout.UnknownDemoCheckoutError(), 404, "not_found"),
        (enrolment.InvalidLinkError(), 400, "invalid_link"),
        (enrolment.LinkUsedError(), 410, "link_used"),
        (enrolment.NotFreeCourseError(), 409, "not_free"),
        (certificates.NotCompleteError(), 403, "not_complete"),
    ],
)
def test_each_domain_error_carries_its_status_code_and_a_sentence(error, status, code):
    assert isinstance(error, DomainError)
    assert (error.status, error.code) == (status, code)
    assert error.message.endswith(".")
    assert str(error) == error.message


def test_a_locked_lesson_error_carries_the_access_rules_reason():
    answer = mock.Mock(reason="not_purchased")

    error = progress.LessonLockedError(answer)

    assert (error.status, error.code, error.details()) == (403, "locked", {"reason": "not_purchased"})


def test_the_status_comes_from_the_error_not_from_its_words(client):
    order = OrderFactory(stripe_session_id="cs_demo_closed")
    closed = demo_checkout.DemoCheckoutError("This checkout does not exist any more: it is closed.")

    with mock.patch.object(demo_checkout, "open_order", side_effect=closed):
        response = client.get(f"/shop/demo/checkout/{order.stripe_session_id}/")

    assert response.status_code == 400
    assert b"This checkout does not exist any more: it is closed." in response.content


def test_a_domain_error_raised_in_a_view_shows_its_status_title_and_message(client):
    product = ProductFactory(slug="stretching-guide")

    with mock.patch.object(checkout, "start", side_effect=SalesPausedError):
        response = client.post(f"/shop/buy/{product.slug}/", {"token": "t-1", "consent": "on"})

    html = response.content.decode()
    assert response.status_code == 423
    assert "<h1>Sales are paused</h1>" in html
    assert "Sales are paused while we count the stock. Nothing was ordered." in html
    assert "no-store" in response["Cache-Control"]


def test_a_domain_error_raised_in_a_courses_view_shows_the_shared_error_page(client):
    world = build_world()
    client.force_login(UserFactory())

    with mock.patch.object(progress, "complete", side_effect=SalesPausedError):
        response = client.post(f"/learn/lessons/{world.free_lesson.pk}/complete/")

    html = response.content.decode()
    assert response.status_code == 423
    assert "<h1>Sales are paused</h1>" in html
    assert "Sales are paused while we count the stock." in html


def test_a_domain_error_raised_in_the_api_answers_json_with_its_status(client):
    product = ProductFactory(slug="stretching-guide")
    buyer = UserFactory()

    with mock.patch.object(checkout, "start", side_effect=SalesPausedError):
        response = client.post(
            "/api/checkout",
            {"product": product.slug, "consent": True},
            content_type="application/json",
            headers={"X-Session-Token": session_token(buyer)},
        )

    assert response.status_code == 423
    assert response.json() == {
        "error": {
            "code": "sales_paused",
            "message": "Sales are paused while we count the stock. Nothing was ordered.",
            "fields": [],
            "reason": "stock_take",
        }
    }
    assert response["Cache-Control"] == "private, no-store"
