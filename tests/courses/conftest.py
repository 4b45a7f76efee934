"""Fixtures for the courses tests: a site with a paid course, a free course and their lessons."""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, connections
from wagtail.models import Page, Site

from courses.models import CoursePage, LessonPage
from shop import entitlements
from shop.models import Product
from tests.courses.factories import (
    CourseIndexPageFactory,
    CoursePageFactory,
    CourseProductFactory,
    LessonFileFactory,
    LessonPageFactory,
    UserFactory,
    body,
)
from website.models import HomePage

CANARY = "Zebra quartz lantern whispers beneath the marmalade orchard"
ACTOR = entitlements.Actor.for_system()


def marker(lesson: LessonPage) -> str:
    """A sentence only the lesson's body contains: seeing it means the body was served."""
    return f"Body marker for {lesson.slug}."


@dataclass
class World:
    home: HomePage
    product: Product
    bundle: Product
    paid: CoursePage
    free: CoursePage
    paid_preview: LessonPage
    paid_lesson: LessonPage
    paid_dripped: LessonPage
    free_lesson: LessonPage
    free_dripped: LessonPage


def _lesson(course, slug, **kwargs) -> LessonPage:
    sheet = LessonFileFactory(title=f"Sheet for {slug}")
    extra = kwargs.pop("text", "")
    lesson = LessonPageFactory(
        parent=course,
        slug=slug,
        title=slug.replace("-", " ").title(),
        body=body(text=f"Body marker for {slug}. {extra}", worksheet=sheet),
        **kwargs,
    )
    return LessonPage.objects.get(pk=lesson.pk)


@pytest.fixture
def world(db) -> World:
    return build_world()


def build_world() -> World:
    """The courses, lessons and products every courses test starts from (also on a race test's file database)."""
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Home", slug="home-test"))
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    index = CourseIndexPageFactory(parent=home)
    product = CourseProductFactory(slug="relieving-that-pain")
    bundle = CourseProductFactory(slug="everything", name="Everything", kind=Product.Kind.BUNDLE)
    bundle.includes.add(product)
    paid = CoursePageFactory(parent=index, title="Relieving That Pain", slug="relieving-that-pain", product=product)
    free = CoursePageFactory(parent=index, title="Intro to AIS", slug="intro-ais")
    return World(
        home=home,
        product=product,
        bundle=bundle,
        paid=paid,
        free=free,
        paid_preview=_lesson(paid, "paid-preview", free_preview=True),
        paid_lesson=_lesson(paid, "paid-lesson", text=CANARY),
        paid_dripped=_lesson(paid, "paid-dripped", drip_days=7),
        free_lesson=_lesson(free, "free-lesson"),
        free_dripped=_lesson(free, "free-dripped", drip_days=2),
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The sign-up throttle lives in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def student(db):
    return UserFactory()


@pytest.fixture
def staff(db):
    return UserFactory(email="editor@example.com", is_staff=True)


def grant(user, product):
    entitlements.grant(user=user, product=product, actor=ACTOR, reason="test purchase")


@pytest.fixture
def race_db(request, django_db_setup, django_db_blocker, tmp_path):
    """A database that takes concurrent writers: a fresh SQLite file, or PostgreSQL's test database.

    The in-memory SQLite test database refuses a second writer outright ("database table is locked"), so on
    SQLite the default connection points at a migrated file for the test. On PostgreSQL the test must carry
    `race_marks` (transactional, with the migration data restored), so threads see committed rows.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with django_db_blocker.unblock():
        saved_settings, saved_connection = connections.settings["default"], connections["default"]
        connections.settings["default"] = {**saved_settings, "NAME": str(tmp_path / "race.sqlite3")}
        file_connection = connections.create_connection("default")
        connections["default"] = file_connection
        call_command("migrate", verbosity=0)
        try:
            yield
        finally:
            file_connection.close()
            connections.settings["default"] = saved_settings
            connections["default"] = saved_connection


def race_marks() -> list:
    """Marks for a race test: none on SQLite (race_db brings its own file), a transactional test elsewhere."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return []
    return [pytest.mark.django_db(transaction=True, serialized_rollback=True)]
