"""The reports in the Wagtail admin: revenue, refunds and disputes, free-course sign-ups, articles, course funnels.

Each report is a fixed number of aggregate queries (GROUP BY in the database), whatever the number of orders,
enrolments or views; Python only shapes the aggregated rows into tables and charts. Money stays in minor units
per currency until it is printed (`shop.money.major_text`): currencies are never added together.

Revenue is counted in the period the order was paid; its refunds (and a lost dispute, which counts as a refund
of everything paid) are taken off in that same period, so a period's net figure changes when a refund arrives.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Substr, TruncDay, TruncMonth
from django.utils import timezone
from django.utils.safestring import SafeString
from wagtail.models import Page

from audience import charts
from audience.models import PageViewDay
from courses.models import CoursePage, Enrolment, LessonCompletion, LessonPage
from shop.fulfillment import CLOSED_DISPUTE_STATUSES
from shop.models import Order
from shop.money import major_text

PERIODS = ("day", "week", "month")
LOST = "lost"
WON = ("won", "warning_closed", "prevented")
# What an order gave back: everything paid after a lost dispute, else what was refunded.
MAX_SHOWN_ROWS = 400
REFUNDED = Case(When(dispute_status=LOST, then=Coalesce(F("amount_paid"), 0)), default=F("amount_refunded"))


@dataclass(frozen=True)
class Filters:
    period: str = "month"
    start: date | None = None
    end: date | None = None  # inclusive

    def query(self) -> str:
        parts = [f"period={self.period}"]
        if self.start:
            parts.append(f"start={self.start.isoformat()}")
        if self.end:
            parts.append(f"end={self.end.isoformat()}")
        return "&".join(parts)


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def filters_from(params) -> Filters:
    period = params.get("period", "month")
    return Filters(
        period=period if period in PERIODS else "month",
        start=_date(params.get("start")),
        end=_date(params.get("end")),
    )


@dataclass(frozen=True)
class Table:
    name: str
    caption: str
    columns: list[str]
    rows: list[list]
    charts: list[SafeString] = field(default_factory=list)
    latest_last: bool = False  # rows run oldest to newest: the page shows the newest

    @property
    def shown_rows(self) -> list[list]:
        """What the admin page shows (a day-by-day table over years is for the CSV, which has every row)."""
        return self.rows[-MAX_SHOWN_ROWS:] if self.latest_last else self.rows[:MAX_SHOWN_ROWS]

    @property
    def hidden_rows(self) -> int:
        return max(len(self.rows) - MAX_SHOWN_ROWS, 0)


@dataclass(frozen=True)
class Report:
    slug: str
    title: str
    intro: str
    tables: list[Table]

    def table(self, name: str) -> Table | None:
        return next((table for table in self.tables if table.name == name), None)


def _between(queryset, field_name: str, filters: Filters):
    zone = timezone.get_current_timezone()
    if filters.start:
        start = datetime.combine(filters.start, time.min, tzinfo=zone)
        queryset = queryset.filter(**{f"{field_name}__gte": start})
    if filters.end:
        end = datetime.combine(filters.end + timedelta(days=1), time.min, tzinfo=zone)
        queryset = queryset.filter(**{f"{field_name}__lt": end})
    return queryset


def _bucket(field_name: str, period: str):
    """The day or month of a datetime, in SQL (weeks are folded from days in Python).

    On SQLite, Django's Trunc functions call back into Python once per row (half a second for 100 000 orders);
    SQLite keeps datetimes as UTC text ("2026-11-30 12:00:00"), so with TIME_ZONE=UTC the day and month are its
    first 10 and 7 characters, read natively. Elsewhere (PostgreSQL, or another zone) Trunc does it in the zone.
    """
    unit = "month" if period == "month" else "day"
    if connection.vendor == "sqlite" and settings.TIME_ZONE == "UTC":
        return Substr(field_name, 1, 7 if unit == "month" else 10)
    return (TruncMonth if unit == "month" else TruncDay)(field_name)


def _label(value, period: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        moment = date.fromisoformat(value if len(value) == 10 else f"{value[:7]}-01")
    elif isinstance(value, datetime):
        moment = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    else:
        moment = value
    if period == "month":
        return moment.strftime("%Y-%m")
    if period == "week":
        return f"week of {(moment - timedelta(days=moment.weekday())).isoformat()}"
    return moment.isoformat()


def _fold(rows, period: str, keys: tuple[str, ...], sums: tuple[str, ...]) -> dict[tuple, dict[str, int]]:
    """Aggregated rows (a handful per day or month, never per order) summed per (period label, *keys), sorted."""
    folded: dict[tuple, dict[str, int]] = {}
    for row in rows:
        key = (_label(row["bucket"], period), *[row[name] for name in keys])
        into = folded.setdefault(key, dict.fromkeys(sums, 0))
        for name in sums:
            into[name] += row[name] or 0
    return dict(sorted(folded.items()))


def _paid_orders(filters: Filters):
    return _between(Order.objects.filter(status=Order.Status.PAID, paid_at__isnull=False), "paid_at", filters)


def _money_chart(*, chart_id: str, title: str, currency: str, points: list[tuple[str, int]]) -> SafeString:
    bars = [charts.Bar(label=label, value=amount, text=major_text(amount, currency)) for label, amount in points]
    return charts.bar_chart(
        chart_id=chart_id,
        title=title,
        description=charts.describe(bars, unit=f"{currency.upper()} amounts"),
        bars=bars,
    )


def _count_chart(*, chart_id: str, title: str, points: list[tuple[str, int]], unit: str) -> SafeString:
    bars = [charts.Bar(label=label, value=value, text=f"{value:,}") for label, value in points]
    return charts.bar_chart(chart_id=chart_id, title=title, description=charts.describe(bars, unit=unit), bars=bars)


# --- Revenue ---------------------------------------------------------------------------------------------------


def revenue(filters: Filters) -> Report:
    """Orders, gross, tax as charged, refunds (lost disputes included) and net, per period, currency and product.

    One query.
    """
    grouped = (
        _paid_orders(filters)
        .annotate(bucket=_bucket("paid_at", filters.period))
        .values("bucket", "currency", "product__name")
        .annotate(
            orders=Count("pk"),
            gross=Coalesce(Sum("amount_paid"), 0),
            tax=Coalesce(Sum("amount_tax"), 0),
            refunded=Coalesce(Sum(REFUNDED, output_field=IntegerField()), 0),
        )
        .order_by()
    )
    folded = _fold(grouped, filters.period, ("currency", "product__name"), ("orders", "gross", "tax", "refunded"))
    rows, totals, series = [], defaultdict(lambda: [0, 0, 0, 0]), defaultdict(lambda: defaultdict(int))
    for (label, currency, product), row in folded.items():
        net = row["gross"] - row["refunded"]
        rows.append(
            [
                label,
                currency.upper(),
                product,
                row["orders"],
                major_text(row["gross"], currency),
                major_text(row["tax"], currency),
                major_text(row["refunded"], currency),
                major_text(net, currency),
            ]
        )
        total = totals[currency]
        total[0] += row["orders"]
        total[1] += row["gross"]
        total[2] += row["tax"]
        total[3] += row["refunded"]
        series[currency][label] += net
    total_rows = [
        [
            currency.upper(),
            orders,
            major_text(gross, currency),
            major_text(tax, currency),
            major_text(refunded, currency),
            major_text(gross - refunded, currency),
        ]
        for currency, (orders, gross, tax, refunded) in sorted(totals.items())
    ]
    net_charts = [
        _money_chart(
            chart_id=f"revenue-{currency}",
            title=f"Net revenue per {filters.period} in {currency.upper()}",
            currency=currency,
            points=list(points.items()),
        )
        for currency, points in sorted(series.items())
    ]
    money_columns = ["Gross", "Tax charged", "Refunded (incl. lost disputes)", "Net"]
    return Report(
        slug="revenue",
        title="Revenue",
        intro=(
            "Paid orders by the date they were paid. Gross is what buyers paid (tax included); tax is as Stripe "
            "charged it; refunds, and everything paid on an order whose dispute was lost, are taken off in the "
            "period the order was paid. Currencies are never added together."
        ),
        tables=[
            Table(
                name="totals",
                caption="Totals per currency",
                columns=["Currency", "Orders", *money_columns],
                rows=total_rows,
                charts=net_charts,
            ),
            Table(
                name="by_period",
                latest_last=True,
                caption=f"Per {filters.period}, currency and product",
                columns=[filters.period.capitalize(), "Currency", "Product", "Orders", *money_columns],
                rows=rows,
            ),
        ],
    )


# --- Refunds and disputes ---------------------------------------------------------------------------------------


def refunds(filters: Filters) -> Report:
    """Refunds and disputes per period (of payment) and currency. One query."""
    disputed = ~Q(dispute_status="")
    grouped = (
        _paid_orders(filters)
        .filter(Q(amount_refunded__gt=0) | disputed)
        .annotate(bucket=_bucket("paid_at", filters.period))
        .values("bucket", "currency")
        .annotate(
            refunds=Count("pk", filter=Q(amount_refunded__gt=0)),
            refunded=Coalesce(Sum("amount_refunded"), 0),
            disputes=Count("pk", filter=disputed),
            open=Count("pk", filter=disputed & ~Q(dispute_status__in=CLOSED_DISPUTE_STATUSES)),
            won=Count("pk", filter=Q(dispute_status__in=WON)),
            lost=Count("pk", filter=Q(dispute_status=LOST)),
            lost_amount=Coalesce(Sum("amount_paid", filter=Q(dispute_status=LOST)), 0),
        )
        .order_by()
    )
    sums = ("refunds", "refunded", "disputes", "open", "won", "lost", "lost_amount")
    rows, refund_points = [], defaultdict(list)
    for (label, currency), row in _fold(grouped, filters.period, ("currency",), sums).items():
        rows.append(
            [
                label,
                currency.upper(),
                row["refunds"],
                major_text(row["refunded"], currency),
                row["disputes"],
                row["open"],
                row["won"],
                row["lost"],
                major_text(row["lost_amount"], currency),
            ]
        )
        refund_points[currency].append((label, row["refunded"] + row["lost_amount"]))
    return Report(
        slug="refunds",
        title="Refunds and disputes",
        intro=(
            "Orders that were refunded (in full or in part) or disputed, by the period they were paid in. "
            "A lost dispute gives back everything paid on the order."
        ),
        tables=[
            Table(
                name="refunds",
                latest_last=True,
                caption=f"Refunds and disputes per {filters.period} and currency",
                columns=[
                    filters.period.capitalize(),
                    "Currency",
                    "Refunds",
                    "Refunded",
                    "Disputes",
                    "Open",
                    "Won",
                    "Lost",
                    "Lost in disputes",
                ],
                rows=rows,
                charts=[
                    _money_chart(
                        chart_id=f"refunds-{currency}",
                        title=f"Refunded and lost in disputes per {filters.period} in {currency.upper()}",
                        currency=currency,
                        points=points,
                    )
                    for currency, points in sorted(refund_points.items())
                ],
            )
        ],
    )


# --- Free-course sign-ups -----------------------------------------------------------------------------------------


def _bought_after_enrolling():
    return Exists(
        Order.objects.filter(
            user_id=OuterRef("user_id"), status=Order.Status.PAID, paid_at__gte=OuterRef("enrolled_at")
        )
    )


def _rate(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "0.0%"


def signups(filters: Filters) -> Report:
    """Free-course sign-ups and how many of those students bought something afterwards. Two queries."""
    free = _between(Enrolment.objects.filter(source=Enrolment.FREE), "enrolled_at", filters)
    converted = Count("pk", filter=Q(_bought_after_enrolling()))
    per_course = free.values("course_id", "course__title").annotate(signups=Count("pk"), converted=converted)
    per_course = per_course.order_by("course__title")
    per_period = (
        free.annotate(bucket=_bucket("enrolled_at", filters.period))
        .values("bucket")
        .annotate(signups=Count("pk"), converted=converted)
        .order_by()
    )
    period_rows = [
        [label, row["signups"], row["converted"], _rate(row["converted"], row["signups"])]
        for (label,), row in _fold(per_period, filters.period, (), ("signups", "converted")).items()
    ]
    return Report(
        slug="signups",
        title="Free-course sign-ups",
        intro=(
            "Students who confirmed a place on a free course, and how many of them later bought a guide or course "
            "(a paid order after the sign-up, under the same account)."
        ),
        tables=[
            Table(
                name="courses",
                caption="Per free course",
                columns=["Course", "Sign-ups", "Bought afterwards", "Conversion"],
                rows=[
                    [row["course__title"], row["signups"], row["converted"], _rate(row["converted"], row["signups"])]
                    for row in per_course
                ],
            ),
            Table(
                name="by_period",
                latest_last=True,
                caption=f"Per {filters.period} of sign-up",
                columns=[filters.period.capitalize(), "Sign-ups", "Bought afterwards", "Conversion"],
                rows=period_rows,
                charts=[
                    _count_chart(
                        chart_id="signups",
                        title=f"Free-course sign-ups per {filters.period}",
                        points=[(row[0], row[1]) for row in period_rows],
                        unit="sign-ups",
                    )
                ],
            ),
        ],
    )


# --- Articles -------------------------------------------------------------------------------------------------


def articles(filters: Filters) -> Report:
    """Per page: anonymous views, the sign-ups and paid orders its promotion links led to, and their net revenue.

    Four queries: views, sign-ups, orders, titles.
    """
    views_qs = PageViewDay.objects.all()
    if filters.start:
        views_qs = views_qs.filter(day__gte=filters.start)
    if filters.end:
        views_qs = views_qs.filter(day__lte=filters.end)
    views = dict(views_qs.values_list("page_id").annotate(total=Sum("views")).order_by())
    signed_up = dict(
        _between(Enrolment.objects.filter(source_page__isnull=False), "enrolled_at", filters)
        .values_list("source_page_id")
        .annotate(total=Count("pk"))
        .order_by()
    )
    orders: dict[int, int] = defaultdict(int)
    net: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        _paid_orders(filters)
        .filter(source_page__isnull=False)
        .values("source_page_id", "currency")
        .annotate(orders=Count("pk"), net=Coalesce(Sum(F("amount_paid") - REFUNDED, output_field=IntegerField()), 0))
        .order_by()
    ):
        orders[row["source_page_id"]] += row["orders"]
        net[row["source_page_id"]][row["currency"]] = row["net"]
    page_ids = set(views) | set(signed_up) | set(orders)
    titles = dict(Page.objects.filter(pk__in=page_ids).values_list("pk", "title"))
    currencies = sorted({currency for amounts in net.values() for currency in amounts})
    ordered = sorted(page_ids, key=lambda pk: (-views.get(pk, 0), -orders.get(pk, 0), titles.get(pk, "")))
    rows = [
        [
            titles.get(pk, f"(deleted page {pk})"),
            views.get(pk, 0),
            signed_up.get(pk, 0),
            orders.get(pk, 0),
            *[major_text(net[pk].get(currency, 0), currency) for currency in currencies],
        ]
        for pk in ordered
    ]
    return Report(
        slug="articles",
        title="Articles",
        intro=(
            "Anonymous page views (rolled up once a day; readers with Do-Not-Track or Global Privacy Control are "
            "not counted) and the free-course sign-ups and paid orders that came through each page's promotion "
            "links. Net revenue is after refunds and lost disputes, per currency."
        ),
        tables=[
            Table(
                name="articles",
                caption="Pages by views",
                columns=[
                    "Page",
                    "Views",
                    "Sign-ups",
                    "Paid orders",
                    *[f"Net revenue ({currency.upper()})" for currency in currencies],
                ],
                rows=rows,
                charts=[
                    _count_chart(
                        chart_id="article-views",
                        title="Views of the most read pages",
                        points=[(row[0], row[1]) for row in rows[: charts.MAX_BARS]][::-1],
                        unit="views",
                    )
                ],
            )
        ],
    )


# --- Course funnels -----------------------------------------------------------------------------------------------


def funnel(filters: Filters) -> Report:
    """Per course: enrolled → lesson 1 done → half the lessons done → complete. Three queries (courses, lessons,
    one aggregate over enrolments with the lesson counts inlined)."""
    courses = list(CoursePage.objects.order_by("path").values("pk", "title", "path"))
    lessons = list(LessonPage.objects.live().order_by("path").values("pk", "path"))
    first, half = {}, {}
    for course in courses:
        own = [lesson["pk"] for lesson in lessons if lesson["path"].startswith(course["path"])]
        if own:
            first[course["pk"]] = own[0]
            half[course["pk"]] = math.ceil(len(own) / 2)
    rows = []
    if courses and first:
        first_lesson = Case(*[When(course_id=pk, then=Value(lesson)) for pk, lesson in first.items()], default=Value(0))
        halfway = Case(*[When(course_id=pk, then=Value(count)) for pk, count in half.items()], default=Value(1))
        done = Subquery(
            LessonCompletion.objects.filter(
                user_id=OuterRef("user_id"),
                lesson__path__startswith=OuterRef("course__path"),
                lesson__live=True,
            )
            .values("user_id")
            .annotate(total=Count("pk"))
            .values("total")[:1],
            output_field=IntegerField(),
        )
        lesson_one = Exists(
            LessonCompletion.objects.filter(user_id=OuterRef("user_id"), lesson_id=OuterRef("first_lesson"))
        )
        grouped = (
            _between(Enrolment.objects.all(), "enrolled_at", filters)
            .annotate(first_lesson=first_lesson, halfway=halfway, done=Coalesce(done, 0))
            .values("course_id")
            .annotate(
                enrolled=Count("pk"),
                lesson_one=Count("pk", filter=Q(lesson_one)),
                half=Count("pk", filter=Q(done__gte=F("halfway"))),
                complete=Count("pk", filter=Q(completed_at__isnull=False)),
            )
            .order_by()
        )
        found = {row["course_id"]: row for row in grouped}
    else:
        found = {}
    funnel_charts = []
    for course in courses:
        row = found.get(course["pk"], {"enrolled": 0, "lesson_one": 0, "half": 0, "complete": 0})
        steps = [
            ("Enrolled", row["enrolled"]),
            ("Lesson 1 done", row["lesson_one"]),
            ("Half the lessons done", row["half"]),
            ("Complete", row["complete"]),
        ]
        rows.append([course["title"], *[count for _, count in steps], _rate(row["complete"], row["enrolled"])])
        funnel_charts.append(
            _count_chart(
                chart_id=f"funnel-{course['pk']}",
                title=f"{course['title']}: students at each step",
                points=steps,
                unit="students",
            )
        )
    return Report(
        slug="funnel",
        title="Course funnels",
        intro=(
            "Students enrolled in each course (free sign-ups and buyers who opened it), how many finished lesson 1, "
            "half the live lessons, and the whole course."
        ),
        tables=[
            Table(
                name="funnel",
                caption="Per course",
                columns=["Course", "Enrolled", "Lesson 1 done", "Half done", "Complete", "Completion"],
                rows=rows,
                charts=funnel_charts,
            )
        ],
    )


REPORTS = {
    "revenue": revenue,
    "refunds": refunds,
    "signups": signups,
    "articles": articles,
    "funnel": funnel,
}
TITLES = {
    "revenue": "Revenue",
    "refunds": "Refunds and disputes",
    "signups": "Free-course sign-ups",
    "articles": "Articles",
    "funnel": "Course funnels",
}


# --- Dashboard ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    days: int
    net: list[str]
    orders: int
    signups: int
    views: int


def summary(*, days: int = 30, today: date | None = None) -> Summary:
    """The dashboard panel's figures for the last `days` days. Three queries."""
    today = today or timezone.localdate()
    filters = Filters(start=today - timedelta(days=days - 1), end=today)
    per_currency = (
        _paid_orders(filters)
        .values("currency")
        .annotate(orders=Count("pk"), net=Coalesce(Sum(F("amount_paid") - REFUNDED, output_field=IntegerField()), 0))
        .order_by("currency")
    )
    net, orders = [], 0
    for row in per_currency:
        net.append(f"{row['currency'].upper()} {major_text(row['net'], row['currency'])}")
        orders += row["orders"]
    signups_count = _between(Enrolment.objects.filter(source=Enrolment.FREE), "enrolled_at", filters).count()
    views = PageViewDay.objects.filter(day__gte=filters.start, day__lte=today).aggregate(total=Sum("views"))["total"]
    return Summary(days=days, net=net, orders=orders, signups=signups_count, views=views or 0)
