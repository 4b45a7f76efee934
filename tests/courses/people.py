"""A person the site knows a lot about, and another one: the account page's export and deletion tests use both."""

from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.utils import timezone

from config.models import LocalMail
from core.models import OutboxEmail
from courses import progress
from courses.models import Certificate, CertificateName, Enrolment
from shop import entitlements
from shop.models import Download, Order, ProductFile
from tests.courses.factories import UserFactory

STAFF_NOTE = "Testing: customer asked to cancel"


@dataclass
class Person:
    user: object
    order: Order
    email: str


def make_person(world, *, email: str, admin=None) -> Person:
    """A buyer of the paid course who enrolled in the free one, made progress, named their certificates, got mail."""
    user = UserFactory(email=email, username=email, first_name="", last_name="")
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    now = timezone.now()
    order = Order.objects.create(
        product=world.product,
        user=user,
        email=email,
        status=Order.Status.PAID,
        amount=world.product.price_amount,
        amount_paid=world.product.price_amount,
        currency="usd",
        terms_accepted=True,
        delivery_consent_at=now - timedelta(days=3),
        browser_key=f"browser-of-{email}",
        stripe_payment_intent_id=f"pi_{user.pk}",
        stripe_charge_id=f"ch_{user.pk}",
        paid_at=now - timedelta(days=3),
    )
    actor = entitlements.Actor.for_system() if admin is None else entitlements.Actor.for_admin(admin)
    checkout = entitlements.Actor.for_checkout()
    entitlements.grant(user=user, product=world.product, actor=checkout, reason="Paid", order=order)
    entitlements.revoke(user=user, product=world.product, actor=actor, reason=STAFF_NOTE)
    entitlements.grant(user=user, product=world.product, actor=actor, reason="Access given back", order=order)
    Enrolment.objects.create(
        user=user,
        course=world.free,
        source=Enrolment.FREE,
        enrolled_at=now - timedelta(days=2),
        consent_at=now - timedelta(days=2),
        consent_text="E-mail me each lesson.",
    )
    progress.complete(user=user, lesson=world.paid_lesson)
    CertificateName.objects.create(user=user, name="Sam Bright")
    Certificate.objects.create(
        user=user, course=world.free, student_name="Sam Bright", course_title="Intro to AIS", completed_at=now
    )
    file = ProductFile.objects.create(product=world.product, title="Workbook", file="products/workbook.pdf")
    Download.objects.create(user=user, product_file=file, order=order)
    OutboxEmail.objects.create(key=f"receipt-{email}", to=email, subject="Your receipt", template="shop/email/receipt")
    LocalMail.objects.create(from_email="hello@localhost", to=email, subject="Your receipt", text_body="Thanks!")
    return Person(user=user, order=order, email=email)
