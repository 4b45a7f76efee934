"""The reports' figures against a ledger worked out by hand (tests/audience/scenario.py)."""

import pytest

from audience import reports
from tests.audience import scenario

pytestmark = pytest.mark.django_db
MONTHLY = reports.Filters(period="month")


@pytest.fixture
def ledger():
    return scenario.build()


def test_revenue_totals_per_currency_are_net_of_refunds_and_lost_disputes(ledger):
    report = reports.revenue(MONTHLY)

    assert report.table("totals").rows == [
        ["EUR", 2, "50.00", "8.00", "0.00", "50.00"],
        ["USD", 5, "95.00", "12.00", "43.00", "52.00"],
    ]


def test_revenue_per_month_currency_and_product(ledger):
    report = reports.revenue(MONTHLY)

    assert report.table("by_period").rows == [
        ["2026-10", "EUR", "Guide EUR", 1, "25.00", "4.00", "0.00", "25.00"],
        ["2026-10", "USD", "Guide USD", 2, "38.00", "6.00", "5.00", "33.00"],
        ["2026-11", "EUR", "Guide EUR", 1, "25.00", "4.00", "0.00", "25.00"],
        ["2026-11", "USD", "Guide USD", 3, "57.00", "6.00", "38.00", "19.00"],
    ]


def test_revenue_filtered_to_a_date_range(ledger):
    from datetime import date

    report = reports.revenue(reports.Filters(period="month", start=date(2026, 11, 1), end=date(2026, 11, 30)))

    assert report.table("totals").rows == [
        ["EUR", 1, "25.00", "4.00", "0.00", "25.00"],
        ["USD", 3, "57.00", "6.00", "38.00", "19.00"],
    ]


def test_refunds_and_disputes_per_month(ledger):
    report = reports.refunds(MONTHLY)

    assert report.table("refunds").rows == [
        ["2026-10", "USD", 1, "5.00", 0, 0, 0, 0, "0.00"],
        ["2026-11", "EUR", 0, "0.00", 1, 1, 0, 0, "0.00"],
        ["2026-11", "USD", 1, "19.00", 2, 0, 1, 1, "19.00"],
    ]


def test_free_course_sign_ups_and_their_conversion(ledger):
    report = reports.signups(MONTHLY)

    assert report.table("courses").rows == [["Free course", 3, 1, "33.3%"]]
    assert report.table("by_period").rows == [["2026-10", 1, 1, "100.0%"], ["2026-11", 2, 0, "0.0%"]]


def test_articles_by_views_sign_ups_and_revenue(ledger):
    report = reports.articles(MONTHLY)
    table = report.table("articles")

    assert table.columns[-2:] == ["Net revenue (EUR)", "Net revenue (USD)"]
    assert table.rows == [
        ["Article A", 15, 1, 3, "25.00", "19.00"],
        ["Article B", 7, 0, 0, "0.00", "0.00"],
    ]


def test_course_funnel(ledger):
    report = reports.funnel(MONTHLY)

    assert report.table("funnel").rows == [["Free course", 3, 1, 2, 1, "33.3%"]]


def test_dashboard_summary_counts_the_last_days(ledger):
    from datetime import date

    summary = reports.summary(days=30, today=date(2026, 11, 30))

    assert summary.net == ["EUR 25.00", "USD 19.00"]
    assert summary.orders == 4
    assert summary.signups == 2
    assert summary.views == 22


def test_every_chart_is_an_accessible_svg(ledger):
    report = reports.revenue(MONTHLY)
    chart = str(report.table("totals").charts[0])

    assert chart.startswith(
        '<svg class="audience-chart" role="img" aria-labelledby="revenue-eur-title revenue-eur-desc"'
    )
    assert '<title id="revenue-eur-title">Net revenue per month in EUR</title>' in chart
    assert "2026-10: 25.00; 2026-11: 25.00" in chart


def test_revenue_per_week_folds_days_into_weeks_starting_monday(ledger):
    report = reports.revenue(reports.Filters(period="week"))

    assert [row[:4] for row in report.table("by_period").rows] == [
        ["week of 2026-10-12", "EUR", "Guide EUR", 1],
        ["week of 2026-10-12", "USD", "Guide USD", 2],
        ["week of 2026-11-09", "EUR", "Guide EUR", 1],
        ["week of 2026-11-09", "USD", "Guide USD", 3],
    ]


def test_another_time_zone_buckets_in_that_zone(ledger, settings):
    from datetime import UTC, datetime

    from shop.models import Order

    settings.TIME_ZONE = "Pacific/Auckland"  # 2026-10-31 20:00 UTC is 1 November there
    Order.objects.filter(paid_at=scenario.OCT, amount_refunded=500).update(
        paid_at=datetime(2026, 10, 31, 20, tzinfo=UTC)
    )

    report = reports.revenue(MONTHLY)

    assert [row[:4] for row in report.table("by_period").rows if row[1] == "USD"] == [
        ["2026-10", "USD", "Guide USD", 1],
        ["2026-11", "USD", "Guide USD", 4],
    ]
