"""The reports scenario of `make bench` (bench/run.py): adds 100 000 paid orders (some refunded, some disputed, some
led by an article) and free-course places to the bench database with bulk_create, then times each admin report
page rendered for a superuser in this process. Prints JSON: one row per report with its milliseconds and queries.

    python -m bench.reports   (DJANGO_SETTINGS_MODULE and DATABASE_URL set by bench/run.py)
"""

import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from wagtail.models import Page  # noqa: E402

from audience import reports  # noqa: E402
from audience.models import PageViewDay  # noqa: E402
from courses.models import CoursePage, Enrolment  # noqa: E402
from shop.models import Order, Product  # noqa: E402

ORDERS = int(os.environ.get("BENCH_REPORT_ORDERS", "100000"))
STUDENTS = ORDERS // 20
ROUNDS = 5
BATCH = 5000


def fill() -> None:
    products = list(Product.objects.order_by("pk"))
    pages = list(Page.objects.filter(depth__gt=1).order_by("pk").values_list("pk", flat=True))
    first = datetime(2025, 1, 1, tzinfo=UTC)
    User = get_user_model()  # noqa: N806
    users = User.objects.bulk_create(
        User(username=f"bench-reader-{n}", email=f"bench-reader-{n}@example.com") for n in range(STUDENTS)
    )
    orders = (
        Order(
            product=products[n % len(products)],
            user=users[n % STUDENTS] if n % 3 == 0 else None,
            status=Order.Status.PAID,
            amount=products[n % len(products)].price_amount,
            currency="eur" if n % 5 == 0 else products[n % len(products)].currency,
            amount_paid=products[n % len(products)].price_amount,
            amount_tax=products[n % len(products)].price_amount // 6,
            amount_refunded=products[n % len(products)].price_amount if n % 40 == 0 else 0,
            dispute_status="lost" if n % 250 == 0 else ("won" if n % 333 == 0 else ""),
            paid_at=first + timedelta(minutes=7 * n),
            source_page_id=pages[n % len(pages)] if n % 4 == 0 else None,
            utm_source="newsletter" if n % 8 == 0 else "",
        )
        for n in range(ORDERS)
    )
    batch = []
    for order in orders:
        batch.append(order)
        if len(batch) == BATCH:
            Order.objects.bulk_create(batch)
            batch = []
    Order.objects.bulk_create(batch)
    free = CoursePage.objects.filter(product__isnull=True).first()
    if free is not None:
        Enrolment.objects.bulk_create(
            Enrolment(
                user=user,
                course=free,
                source=Enrolment.FREE,
                enrolled_at=first + timedelta(hours=n),
                source_page_id=pages[n % len(pages)] if n % 2 else None,
            )
            for n, user in enumerate(users)
        )
    PageViewDay.objects.bulk_create(
        PageViewDay(page_id=page, day=(first + timedelta(days=day)).date(), views=(page * day) % 97 + 1)
        for page in pages
        for day in range(365)
    )


def timed(client: Client, path: str) -> dict:
    client.get(path)
    times = []
    for _ in range(ROUNDS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path, HTTP_HOST="127.0.0.1")
            times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            sys.exit(f"{path} answered {response.status_code}")
    return {"path": path, "median_ms": round(statistics.median(times), 1), "queries": len(captured.captured_queries)}


def main() -> None:
    started = time.perf_counter()
    fill()
    filled = round(time.perf_counter() - started, 1)
    admin, _ = get_user_model().objects.get_or_create(
        username="bench-reports", defaults={"email": "bench-reports@example.com", "is_staff": True}
    )
    admin.is_superuser = True
    admin.save()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    rows = [timed(client, f"/admin/reports/audience/{slug}/?period=month") for slug in reports.REPORTS]
    rows.append(timed(client, "/admin/reports/audience/revenue/?period=day"))
    rows.append(timed(client, "/admin/"))
    json.dump({"orders": Order.objects.count(), "fill_seconds": filled, "reports": rows}, sys.stdout)


if __name__ == "__main__":
    main()
