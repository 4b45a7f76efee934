"""Factories for courses: the site tree down to lessons, private lesson files and students."""

import factory
import wagtail_factories
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from wagtail.rich_text import RichText

from courses.models import CourseIndexPage, CoursePage, LessonFile, LessonPage
from shop.models import Product


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    email = factory.Sequence(lambda n: f"student{n}@example.com")
    username = factory.LazyAttribute(lambda o: o.email)
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Student{n}")


class CourseProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ("slug",)

    name = "Relieving That Pain"
    slug = factory.Sequence(lambda n: f"course-{n}")
    kind = Product.Kind.COURSE
    price_amount = 9700
    currency = "usd"


class LessonFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LessonFile

    title = factory.Sequence(lambda n: f"Worksheet {n}")
    file = factory.LazyAttribute(
        lambda o: ContentFile(b"%PDF-1.4 worksheet " + o.title.encode() * 40, name="sheet.pdf")
    )


class CourseIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CourseIndexPage

    title = "Courses"
    slug = "courses"


class CoursePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CoursePage

    title = factory.Sequence(lambda n: f"Course {n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    summary = "A short course on easing the lower back."


def body(*, text: str, worksheet: LessonFile | None = None) -> list:
    blocks = [("paragraph", RichText(f"<p>{text}</p>"))]
    if worksheet is not None:
        blocks.append(("worksheet", {"file": worksheet, "description": "Print it"}))
    return blocks


class LessonPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = LessonPage

    title = factory.Sequence(lambda n: f"Lesson {n}")
    slug = factory.Sequence(lambda n: f"lesson-{n}")
    summary = factory.LazyAttribute(lambda o: f"What {o.title} covers.")
    teaser = "<p>A taste of what is inside.</p>"
    body = factory.LazyAttribute(lambda o: body(text=f"Inside {o.title}."))
