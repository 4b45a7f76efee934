"""Load: mixed traffic at 16 concurrent connections against gunicorn with 4 sync workers, as in production.

The load generator is this test process: 16 Python threads, each with its own `requests` session, each
playing one kind of visitor in a loop until the time is up: readers (home, articles, topics, search),
students (signed-in lesson pages and progress POSTs), API clients (/api/ and v2 with an app token),
checkouts (the buy form through the fake Stripe) and Stripe (a signed `checkout.session.completed` for each
checkout started). Correctness: 0 errors (an answer of 500 or above, or no answer) and every paid checkout
paid. Reported, never asserted: the request rate, p95 per kind and each worker's peak RSS (from /proc).
"""

import json
import re
import threading
import time
import uuid
from collections import defaultdict
from datetime import timedelta
from pathlib import Path
from queue import Empty, Queue

import requests
from django.utils import timezone

from courses.demo import PAID_SLUG
from courses.models import CoursePage, LessonPage
from shop import entitlements
from shop.models import Order, Product
from shop.stripe_gateway import sign_payload
from tests.courses.factories import UserFactory
from tests.e2e.conftest import csrf_token
from tests.reliability.conftest import WEBHOOK_SECRET, rounds
from tests.reliability.web import (
    UNLIMITED,
    app_token,
    live_db,  # noqa: F401 - this scenario runs on the demo
    sign_in,
)
from website.models import ArticlePage, Topic

CONNECTIONS = {"reader": 6, "student": 4, "api": 3, "checkout": 2, "webhook": 1}  # 16 in all
ACTOR = entitlements.Actor.for_command("reliability")


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] if ordered else 0.0


def _workers(master: int) -> list[int]:
    """The gunicorn master's child processes (its workers), from /proc."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            children.append(int(stat.parent.name))
    return children


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Traffic:
    """What the 16 connections saw: latencies per kind, errors, and the worker memory sampled meanwhile."""

    def __init__(self, site, deadline: float):
        self.site, self.deadline = site, deadline
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.lock = threading.Lock()
        self.peak_rss: dict[int, int] = {}

    def request(self, kind: str, session: requests.Session, method: str, path: str, **kwargs):
        started = time.perf_counter()
        try:
            response = session.request(method, self.site.url + path, allow_redirects=False, timeout=60, **kwargs)
        except requests.RequestException as error:
            with self.lock:
                self.errors.append(f"{kind} {method} {path}: {error}")
            return None
        elapsed = time.perf_counter() - started
        with self.lock:
            self.latencies[kind].append(elapsed)
            if response.status_code >= 500:
                self.errors.append(f"{kind} {method} {path}: {response.status_code}")
        return response

    def running(self) -> bool:
        return time.monotonic() < self.deadline

    def sample_memory(self) -> None:
        while self.running():
            for pid in _workers(self.site.process.pid):
                self.peak_rss[pid] = max(self.peak_rss.get(pid, 0), _rss_kib(pid))
            time.sleep(0.25)


def _reader(traffic: Traffic, number: int, urls: list[str]) -> None:
    session = requests.Session()
    step = number
    while traffic.running():
        traffic.request("reader", session, "GET", urls[step % len(urls)])
        step += 7


def _student(traffic: Traffic, session: requests.Session, lessons: list[LessonPage]) -> None:
    step = 0
    while traffic.running():
        lesson = lessons[step % len(lessons)]
        page = traffic.request("student", session, "GET", lesson.url)
        if page is not None and page.status_code == 200:
            action = "complete" if step % 2 == 0 else "undo"
            traffic.request(
                "student",
                session,
                "POST",
                f"/learn/lessons/{lesson.pk}/{action}/",
                data={"csrfmiddlewaretoken": csrf_token(page.text)},
                headers={"Referer": traffic.site.url + lesson.url},
            )
        step += 1


def _api_client(traffic: Traffic, token: str, urls: list[str]) -> None:
    session = requests.Session()
    session.headers["X-Session-Token"] = token
    step = 0
    while traffic.running():
        traffic.request("api", session, "GET", urls[step % len(urls)])
        step += 1


def _checkout(traffic: Traffic, slugs: list[str], started: Queue) -> None:
    step = 0
    while traffic.running():
        session = requests.Session()  # a new visitor each time
        slug = slugs[step % len(slugs)]
        page = traffic.request("checkout", session, "GET", f"/shop/buy/{slug}/")
        if page is not None and page.status_code == 200:
            data = {"csrfmiddlewaretoken": csrf_token(page.text), "token": uuid.uuid4().hex, "consent": "on"}
            headers = {"Referer": f"{traffic.site.url}/shop/buy/{slug}/"}
            answer = traffic.request("checkout", session, "POST", f"/shop/buy/{slug}/", data=data, headers=headers)
            found = re.search(r"/pay/(cs_\w+)", answer.headers.get("Location", "")) if answer is not None else None
            if found:
                started.put(found.group(1))
            elif answer is not None and answer.status_code < 500:
                with traffic.lock:
                    traffic.errors.append(f"checkout {slug}: {answer.status_code}, no Stripe page")
        step += 1


def _stripe(traffic: Traffic, fake_stripe, started: Queue, delivered: list[str]) -> None:
    """Stripe's side: the customer pays each started checkout and Stripe delivers the signed event."""
    session = requests.Session()
    step = 0
    while traffic.running():
        try:
            session_id = started.get(timeout=0.5)
        except Empty:
            continue
        payload = json.dumps(fake_stripe.complete(session_id, email=f"load{step}@example.com")).encode()
        signature = sign_payload(payload=payload, secret=WEBHOOK_SECRET)
        headers = {"Content-Type": "application/json", "Stripe-Signature": signature}
        answer = traffic.request("webhook", session, "POST", "/shop/stripe/webhook/", data=payload, headers=headers)
        if answer is not None and answer.status_code == 200:
            delivered.append(session_id)
        step += 1


def test_mixed_traffic_at_16_connections(fake_stripe, start_live_site, figures):
    course = CoursePage.objects.get(slug=PAID_SLUG)
    lessons = list(LessonPage.objects.child_of(course).live())
    students = [UserFactory(email=f"student{n}@example.com", username=f"student{n}@example.com") for n in range(4)]
    for student in students:
        entitlements.grant(
            user=student,
            product=course.product,
            actor=ACTOR,
            reason="load",
            granted_at=timezone.now() - timedelta(days=30),
        )
    articles = [article.url for article in ArticlePage.objects.live()]
    topics = [f"/articles/topic/{slug}/" for slug in Topic.objects.values_list("slug", flat=True)]
    reader_urls = ["/", *articles, *topics, "/search/?q=psoas", "/search/?q=stretch+hamstrings", "/guides/"]
    api_urls = [
        "/api/catalogue/products",
        "/api/v2/pages/?type=website.ArticlePage&fields=*",
        f"/api/v2/pages/{course.pk}/?fields=*",
        f"/api/v2/pages/?child_of={course.pk}&type=courses.LessonPage&fields=*",
        "/api/library",
        "/api/learning/dashboard",
        f"/api/learning/courses/{course.pk}/outline",
    ]
    slugs = list(Product.objects.filter(kind=Product.Kind.GUIDE).values_list("slug", flat=True))
    site = start_live_site(workers=4, **UNLIMITED)
    browsers = [sign_in(site, student.email) for student in students]
    tokens = [app_token(site, student.email) for student in students[: CONNECTIONS["api"]]]
    duration = rounds(full=120, ci=20)
    traffic = Traffic(site, time.monotonic() + duration)
    started, delivered = Queue(), []

    threads = [threading.Thread(target=traffic.sample_memory)]
    threads += [threading.Thread(target=_reader, args=(traffic, n, reader_urls)) for n in range(CONNECTIONS["reader"])]
    threads += [threading.Thread(target=_student, args=(traffic, browser, lessons)) for browser in browsers]
    threads += [threading.Thread(target=_api_client, args=(traffic, token, api_urls)) for token in tokens]
    buyers = range(CONNECTIONS["checkout"])
    threads += [threading.Thread(target=_checkout, args=(traffic, slugs, started)) for _ in buyers]
    threads += [threading.Thread(target=_stripe, args=(traffic, fake_stripe, started, delivered))]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began

    total = sum(len(values) for values in traffic.latencies.values()) + len(traffic.errors)
    paid = Order.objects.filter(stripe_session_id__in=delivered, status=Order.Status.PAID).count()
    assert len(threads) - 1 == sum(CONNECTIONS.values()) == 16  # every thread but the memory sampler
    figures.check(
        "load",
        f"{total} requests in {elapsed:.0f} s ({total / elapsed:.0f}/s) from 16 connections (Python threads + "
        f"requests) to 4 sync workers: {len(traffic.errors)} errors; {paid}/{len(delivered)} paid checkouts paid",
        ok=not traffic.errors and paid == len(delivered) and len(delivered) > 0,
    )
    figures.report(
        "load p95",
        ", ".join(f"{kind} {_p95(values) * 1000:.0f} ms" for kind, values in sorted(traffic.latencies.items())),
    )
    figures.report(
        "load memory",
        "peak RSS per worker "
        + ", ".join(f"{kib / 1024:.0f} MB" for kib in sorted(traffic.peak_rss.values(), reverse=True)),
    )
    assert traffic.errors == []
