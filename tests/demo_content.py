"""The demo content as `manage.py load_demo` builds it, or grown by a factor: for tests that count what a whole
request costs on real pages and check that the count stays the same as the site grows.

Growing copies what the demo already has (articles with their bodies, pictures, topics and related links;
lessons with their bodies) and adds topics filed on the copies and guide products with their sales pages.
"""

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from courses.models import CoursePage, LessonPage
from shop.models import Product
from website.models import ArticlePage, GuidePage, Topic

# Django's database cache, as production runs by default (config/settings.py): every cache read is a query.
PRODUCTION_CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache",
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    },
    "renditions": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}


def use_production_caches(settings) -> None:
    """The database cache and the frame fragments as production runs them; the page cache not answering (the
    counts are those of a render)."""
    settings.CACHES = PRODUCTION_CACHES
    settings.FRAGMENT_CACHE_ENABLED = True
    settings.PAGE_CACHE_ENABLED = False


def load(*, factor: int = 1) -> None:
    call_command("load_demo", stdout=None)
    if factor > 1:
        grow(factor)


def grow(factor: int) -> None:
    """`factor` times the demo's articles, topics, lessons and guide products."""
    articles = list(ArticlePage.objects.live().order_by("path"))
    topics = list(Topic.objects.order_by("pk"))
    copies = []
    for n in range(1, factor):
        for article in articles:
            copy = article.copy(
                update_attrs={"slug": f"{article.slug}-{n}", "title": f"{article.title} ({n})"},
                keep_live=True,
                copy_revisions=False,
            )
            copies.append(ArticlePage.objects.get(pk=copy.pk))
    for n in range(len(topics) * (factor - 1)):
        topic = Topic.objects.create(name=f"Grown topic {n}", slug=f"grown-topic-{n}")
        for article in copies[n % len(copies) :: max(1, len(topics))][:3]:
            article.topics.add(topic)
            article.save()
    for course in CoursePage.objects.order_by("path"):
        lessons = list(LessonPage.objects.child_of(course).order_by("path"))
        for n in range(1, factor):
            for lesson in lessons:
                lesson.copy(
                    update_attrs={"slug": f"{lesson.slug}-{n}", "title": f"{lesson.title} ({n})"},
                    keep_live=True,
                    copy_revisions=False,
                )
    guides = list(GuidePage.objects.live().select_related("product").order_by("path"))
    for n in range(1, factor):
        for guide in guides:
            product = Product.objects.create(
                name=f"{guide.product.name} ({n})",
                slug=f"{guide.product.slug}-{n}",
                kind=guide.product.kind,
                price_amount=guide.product.price_amount,
                currency=guide.product.currency,
            )
            guide.copy(
                update_attrs={"slug": f"{guide.slug}-{n}", "title": f"{guide.title} ({n})", "product": product},
                keep_live=True,
                copy_revisions=False,
            )


def request_queries(client: Client, url: str) -> list[str]:
    """The SQL of one whole request through the test client, after a first request warmed up what is made once
    (renditions, Wagtail's site root paths)."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return [query["sql"] for query in captured.captured_queries]
