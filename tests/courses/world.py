"""The shared test world: a paid and a free course with lessons in every access state (courses and API tests)."""

from dataclasses import dataclass

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


def build_world(*, home_slug: str = "home-test") -> World:
    """The courses, lessons and products every courses test starts from (also on a race test's file database)."""
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Home", slug=home_slug))
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


def grant(user, product):
    entitlements.grant(user=user, product=product, actor=ACTOR, reason="test purchase")
