"""Fixtures for the API tests: a site with articles, a guide, a paid and a free course, and API clients."""

from dataclasses import dataclass

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
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

CANARY = "Quilted heron mathematics dissolves the copper lighthouse at noon"
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
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Home", slug="home-api"))
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


@pytest.fixture
def student(db):
    return UserFactory()


@pytest.fixture
def staff(db):
    return UserFactory(email="editor@example.com", is_staff=True, is_superuser=True)


def grant(user, product):
    entitlements.grant(user=user, product=product, actor=ACTOR, reason="test purchase")


def session_token(user) -> str:
    """An app session token as allauth's headless API hands out (its key is the session's)."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    from django.core.cache import cache

    cache.clear()
    settings.API_RATE_LIMITS = {"sign_in_code": "100/m", "login": "100/m", "checkout": "100/m"}
