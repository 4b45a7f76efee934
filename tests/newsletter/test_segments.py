"""Segments: who each kind of send reaches, always narrowed to people whose consent stands."""

from django.utils import timezone

from courses.models import Enrolment
from newsletter import consent, segments
from newsletter.models import Send, Subscriber
from shop.models import Order
from tests.courses.factories import UserFactory
from tests.newsletter.conftest import subscriber
from tests.shop.factories import OrderFactory, ProductFactory


def _emails(queryset) -> set[str]:
    return set(queryset.values_list("email", flat=True))


def test_everyone_is_only_the_people_whose_consent_stands(db):
    subscriber("yes@example.com")
    subscriber("left@example.com", unsubscribed_at=timezone.now())
    subscriber("bounced@example.com", suppressed_at=timezone.now(), suppressed_reason="bounced")
    Subscriber.objects.create(email="never-confirmed@example.com")

    assert _emails(segments.recipients(segment=Send.Segment.EVERYONE)) == {"yes@example.com"}


def test_free_course_students_without_consent_are_not_reached(world):
    now = timezone.now()
    consenting, silent, buyer = UserFactory(), UserFactory(), UserFactory()
    for user in (consenting, silent):
        Enrolment.objects.create(user=user, course=world.free, source=Enrolment.FREE, enrolled_at=now)
    Enrolment.objects.create(user=buyer, course=world.paid, source=Enrolment.PURCHASE, enrolled_at=now)
    subscriber(consenting.email.upper())  # matched by address, whatever its case
    subscriber(buyer.email)

    assert _emails(segments.recipients(segment=Send.Segment.FREE_COURSE)) == {consenting.email.upper()}


def test_buyers_of_a_product_are_those_with_a_paid_order_for_it(db):
    guide, other = ProductFactory(), ProductFactory()
    OrderFactory(product=guide, status=Order.Status.PAID, email="paid@example.com")
    OrderFactory(product=guide, status=Order.Status.PENDING, email="pending@example.com")
    OrderFactory(product=other, status=Order.Status.PAID, email="other@example.com")
    for email in ("paid@example.com", "pending@example.com", "other@example.com"):
        subscriber(email)

    reached = segments.recipients(segment=Send.Segment.PRODUCT, product=guide)

    assert _emails(reached) == {"paid@example.com"}


def test_students_who_have_not_finished_a_course(world):
    now = timezone.now()
    going, done, elsewhere = UserFactory(), UserFactory(), UserFactory()
    Enrolment.objects.create(user=going, course=world.paid, source=Enrolment.PURCHASE, enrolled_at=now)
    Enrolment.objects.create(user=done, course=world.paid, source=Enrolment.PURCHASE, enrolled_at=now, completed_at=now)
    Enrolment.objects.create(user=elsewhere, course=world.free, source=Enrolment.FREE, enrolled_at=now)
    for user in (going, done, elsewhere):
        subscriber(user.email, user=user)

    reached = segments.recipients(segment=Send.Segment.COURSE_UNFINISHED, course=world.paid)

    assert _emails(reached) == {going.email}


def test_ticked_boxes_at_checkout_and_free_sign_up_count_once_synced(world):
    now = timezone.now()
    ticked_buyer = OrderFactory(status=Order.Status.PAID, email="ticked@example.com", wants_newsletter=True)
    OrderFactory(status=Order.Status.PAID, email="unticked@example.com")
    OrderFactory(status=Order.Status.PENDING, email="unpaid@example.com", wants_newsletter=True)
    student, quiet = UserFactory(), UserFactory()
    Enrolment.objects.create(
        user=student, course=world.free, source=Enrolment.FREE, enrolled_at=now, consent_at=now, wants_newsletter=True
    )
    Enrolment.objects.create(user=quiet, course=world.free, source=Enrolment.FREE, enrolled_at=now, consent_at=now)

    consent.sync_consents()

    assert _emails(segments.recipients(segment=Send.Segment.EVERYONE)) == {ticked_buyer.email, student.email}
    assert Subscriber.objects.get(email=student.email).consent_source == Subscriber.Source.FREE_COURSE


def test_a_withdrawal_after_the_box_was_ticked_wins_over_the_box(db):
    order = OrderFactory(status=Order.Status.PAID, email="buyer@example.com", wants_newsletter=True)
    consent.sync_consents()
    subscriber_row = Subscriber.objects.get(email="buyer@example.com")
    token = consent.unsubscribe_token(subscriber=subscriber_row)
    consent.unsubscribe(token=token)

    consent.sync_consents()

    assert not Subscriber.objects.get(pk=subscriber_row.pk).subscribed
    assert order.email not in _emails(segments.recipients(segment=Send.Segment.EVERYONE))


def test_a_bounced_address_never_comes_back_through_a_new_box(db):
    consent.suppress(email="gone@example.com", reason=Subscriber.Suppression.BOUNCED, detail="550 no such user")
    OrderFactory(status=Order.Status.PAID, email="gone@example.com", wants_newsletter=True)

    consent.sync_consents()

    assert _emails(segments.recipients(segment=Send.Segment.EVERYONE)) == set()
