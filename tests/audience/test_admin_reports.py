"""The reports in the admin: who may open them, CSV export, and the same number of queries for 10 or 1000 orders."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audience import reports
from shop.models import Order, Product
from tests.audience import scenario

pytestmark = pytest.mark.django_db
SLUGS = list(reports.REPORTS)


@pytest.fixture
def boss(client):
    user = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw-for-tests-only")
    client.force_login(user)
    return user


def _orders(count: int, *, start: int = 0) -> None:
    products = [
        Product.objects.get_or_create(slug=slug, defaults={"name": slug, "price_amount": 1900, "currency": currency})[0]
        for slug, currency in (("bulk-usd", "usd"), ("bulk-eur", "eur"))
    ]
    first = datetime(2025, 1, 1, tzinfo=UTC)
    Order.objects.bulk_create(
        Order(
            product=products[n % 2],
            status=Order.Status.PAID,
            amount=1900,
            currency=products[n % 2].currency,
            amount_paid=1900,
            amount_tax=100,
            amount_refunded=500 if n % 7 == 0 else 0,
            dispute_status="lost" if n % 11 == 0 else "",
            paid_at=first + timedelta(days=n % 400),
        )
        for n in range(start, start + count)
    )


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("slug", SLUGS)
def test_each_report_takes_as_many_queries_for_1000_orders_as_for_10(client, boss, slug):
    scenario.build()
    _orders(10)
    path = f"/admin/reports/audience/{slug}/?period=day"
    client.get(path)
    few = _queries(client, path)
    _orders(990, start=10)

    many = _queries(client, path)

    assert many == few


@pytest.mark.parametrize("slug", SLUGS)
def test_a_report_page_shows_its_charts_beside_tables(client, boss, slug):
    scenario.build()

    html = client.get(f"/admin/reports/audience/{slug}/").content.decode()

    assert 'role="img"' in html
    assert "<table" in html
    assert "format=csv" in html


def test_revenue_csv_export_holds_the_hand_computed_rows(client, boss):
    scenario.build()

    response = client.get("/admin/reports/audience/revenue/?period=month&format=csv&table=by_period")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="revenue-by_period.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["Month", "Currency", "Product", "Orders", "Gross", "Tax charged", "Refunded (incl. lost disputes)", "Net"],
        ["2026-10", "EUR", "Guide EUR", "1", "25.00", "4.00", "0.00", "25.00"],
        ["2026-10", "USD", "Guide USD", "2", "38.00", "6.00", "5.00", "33.00"],
        ["2026-11", "EUR", "Guide EUR", "1", "25.00", "4.00", "0.00", "25.00"],
        ["2026-11", "USD", "Guide USD", "3", "57.00", "6.00", "38.00", "19.00"],
    ]


def test_csv_cells_that_look_like_formulas_are_defused(client, boss):
    ledger = scenario.build()
    ledger.article_b.title = "=HYPERLINK(1)"
    ledger.article_b.save()

    rows = list(
        csv.reader(
            io.StringIO(client.get("/admin/reports/audience/articles/?format=csv&table=articles").content.decode())
        )
    )

    assert ["'=HYPERLINK(1)", "7", "0", "0", "0.00", "0.00"] in rows


def test_an_unknown_report_or_table_is_404(client, boss):
    assert client.get("/admin/reports/audience/nothing/").status_code == 404
    assert client.get("/admin/reports/audience/revenue/?format=csv&table=nothing").status_code == 404


def test_editors_without_the_order_permission_cannot_open_reports(client):
    from django.contrib.auth.models import Permission

    editor = get_user_model().objects.create_user("editor", "editor@example.com", "pw-for-tests-only")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)

    assert client.get("/admin/reports/audience/revenue/").status_code in (302, 403)
    assert client.get("/admin/reports/audience/revenue/?format=csv&table=totals").status_code in (302, 403)
    assert "/admin/reports/audience/" not in client.get("/admin/").content.decode()


def test_the_dashboard_shows_the_last_30_days_to_staff_who_may_see_orders(client, boss):
    html = client.get("/admin/").content.decode()

    assert "The last 30 days" in html
    assert "/admin/reports/audience/revenue/" in html
