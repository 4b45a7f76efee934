"""A small ledger in two currencies whose report figures are worked out by hand in the tests."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.contrib.auth import get_user_model
from wagtail.models import Page

from audience.models import PageViewDay
from courses.models import CoursePage, Enrolment, LessonCompletion, LessonPage
from shop.models import Order, Product
from tests.courses.factories import CourseIndexPageFactory, CoursePageFactory, LessonPageFactory
from website.models import HomePage

OCT = datetime(2026, 10, 15, 12, tzinfo=UTC)
NOV = datetime(2026, 11, 10, 12, tzinfo=UTC)


@dataclass
class Ledger:
    article_a: Page
    article_b: Page
    free: CoursePage
    lessons: list[LessonPage]
    usd: Product
    eur: Product


def _user(name: str):
    return get_user_model().objects.create(username=name, email=f"{name}@example.com")


def _paid(product, *, at, user=None, tax=0, refunded=0, dispute="", source=None, status=Order.Status.PAID):
    return Order.objects.create(
        product=product,
        user=user,
        email=user.email if user else "",
        status=status,
        amount=product.price_amount,
        currency=product.currency,
        amount_paid=product.price_amount,
        amount_tax=tax,
        amount_refunded=refunded,
        dispute_status=dispute,
        paid_at=at,
        source_page=source,
    )


def build() -> Ledger:
    home = Page.get_first_root_node().add_child(instance=HomePage(title="Home", slug="home-reports"))
    article_a = home.add_child(instance=Page(title="Article A", slug="article-a"))
    article_b = home.add_child(instance=Page(title="Article B", slug="article-b"))
    index = CourseIndexPageFactory(parent=home)
    free = CoursePageFactory(parent=index, title="Free course", slug="free-course")
    lessons = [LessonPageFactory(parent=free, slug=f"free-{n}") for n in (1, 2)]
    usd = Product.objects.create(name="Guide USD", slug="guide-usd", price_amount=1900, currency="usd")
    eur = Product.objects.create(name="Guide EUR", slug="guide-eur", price_amount=2500, currency="eur")
    u1, u2, u3 = _user("u1"), _user("u2"), _user("u3")

    _paid(usd, at=OCT, user=u1, tax=300, source=article_a)  # o1: net 19.00, led by A
    _paid(usd, at=OCT, user=u2, tax=300, refunded=500)  # o2: partly refunded
    _paid(usd, at=NOV, tax=300, dispute="lost", source=article_a)  # o3: lost dispute = refunded in full
    _paid(usd, at=NOV, refunded=1900)  # o4: refunded in full
    _paid(usd, at=NOV, tax=300, dispute="won")  # o6: dispute won
    Order.objects.create(product=usd, amount=1900, currency="usd")  # pending: not revenue
    _paid(eur, at=OCT, tax=400, source=article_a)  # e1
    _paid(eur, at=NOV, tax=400, dispute="needs_response")  # e2: dispute open, not a refund
    _paid(eur, at=NOV, status=Order.Status.NEEDS_REFUND)  # money that did not match: not revenue

    Enrolment.objects.create(
        user=u1,
        course=free,
        source=Enrolment.FREE,
        enrolled_at=datetime(2026, 10, 1, tzinfo=UTC),
        completed_at=OCT,
        source_page=article_a,
    )  # bought o1 after signing up: converted
    Enrolment.objects.create(
        user=u2, course=free, source=Enrolment.FREE, enrolled_at=datetime(2026, 11, 20, tzinfo=UTC)
    )
    Enrolment.objects.create(
        user=u3, course=free, source=Enrolment.FREE, enrolled_at=datetime(2026, 11, 21, tzinfo=UTC)
    )
    LessonCompletion.objects.create(user=u1, lesson=lessons[0], completed_at=OCT)
    LessonCompletion.objects.create(user=u1, lesson=lessons[1], completed_at=OCT)
    LessonCompletion.objects.create(user=u2, lesson=lessons[1], completed_at=NOV)

    PageViewDay.objects.create(page=article_a, day=date(2026, 11, 1), views=10)
    PageViewDay.objects.create(page=article_a, day=date(2026, 11, 2), views=5)
    PageViewDay.objects.create(page=article_b, day=date(2026, 11, 2), views=7)
    return Ledger(article_a=article_a, article_b=article_b, free=free, lessons=lessons, usd=usd, eur=eur)
