"""Run by bench/run.py inside the site's environment: picks each scenario's address from the demo content, signs a
student in for the lesson scenario, and counts each scenario's SQL queries per request. Prints JSON.

    python -m bench.prepare   (DJANGO_SETTINGS_MODULE and DATABASE_URL set by bench/run.py)
"""

import json
import sys

import django

django.setup()

from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

STUDENT_EMAIL = "bench-student@example.com"


def live(label: str):
    return apps.get_model(label).objects.live().public().order_by("path").first()


def student_cookie(course_product) -> str:
    """A signed-in student who owns the paid course: the session cookie value for wrk."""
    from shop import entitlements

    user, _ = get_user_model().objects.get_or_create(
        username="bench-student", defaults={"email": STUDENT_EMAIL, "is_active": True}
    )
    entitlements.grant(
        user=user, product=course_product, actor=entitlements.Actor.for_system(), reason="benchmark student"
    )
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def paths() -> dict:
    topic = apps.get_model("website.Topic").objects.filter(tagged_articles__isnull=False).order_by("pk").first()
    article = live("website.ArticlePage")
    index = live("website.ArticleIndexPage")
    course = apps.get_model("courses.CoursePage").objects.live().filter(product__isnull=False).first()
    lesson = apps.get_model("courses.LessonPage").objects.live().child_of(course).order_by("path").first()
    found = {
        "home": "/",
        "article": article.url,
        "article index": index.url,
        "topic": f"{index.url}topic/{topic.slug}/" if topic else index.url,
        "search": "/search/?q=stretch",
        "guide page": live("website.GuidePage").url,
        "course outline": course.url,
        "lesson (entitled student)": lesson.url,
        "v2 article detail": f"/api/v2/pages/{article.pk}/",
        "v2 listing": "/api/v2/pages/?type=website.ArticlePage&fields=title,first_published_at",
        "/api/catalogue": "/api/catalogue/products",
    }
    return {"paths": found, "student_cookie": student_cookie(course.product)}


def queries(path: str, cookie: str, *, page_cache: bool) -> int:
    with override_settings(PAGE_CACHE_ENABLED=page_cache):
        client = Client(HTTP_HOST="127.0.0.1")
        if cookie:
            client.cookies[settings.SESSION_COOKIE_NAME] = cookie
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
    if response.status_code != 200:
        sys.exit(f"{path} answered {response.status_code}")
    return len(captured.captured_queries)


def main() -> None:
    found = paths()
    counts = {}
    for name, path in found["paths"].items():
        cookie = found["student_cookie"] if name.startswith("lesson") else ""
        counts[name] = {"uncached": queries(path, cookie, page_cache=False)}
        if not cookie:
            counts[name]["cached"] = queries(path, cookie, page_cache=True)
    json.dump({**found, "queries": counts}, sys.stdout)


if __name__ == "__main__":
    main()
