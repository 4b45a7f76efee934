"""Who a send goes to: a segment of people, narrowed to those who consented to the newsletter and never bounced.

Asked by newsletter.sending when a send starts and by the admin's send form for its count.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from courses.models import CoursePage, Enrolment
from newsletter.models import Send, Subscriber
from shop.models import Order, Product


def subscribed() -> QuerySet[Subscriber]:
    """Everyone whose consent stands: confirmed, not withdrawn, no bounce or complaint."""
    return Subscriber.objects.filter(consent_at__isnull=False, unsubscribed_at__isnull=True, suppressed_at__isnull=True)


def _people(user_ids: QuerySet, emails: QuerySet | None = None) -> Q:
    """Subscribers who are these accounts, found by the account or by its address (any case)."""
    addresses = get_user_model().objects.filter(pk__in=user_ids).annotate(e=Lower("email")).values("e")
    match = Q(user_id__in=user_ids) | Q(lowered__in=addresses)
    if emails is not None:
        match |= Q(lowered__in=emails)
    return match


def recipients(*, segment: str, product: Product | None = None, course: CoursePage | None = None):
    """The consenting subscribers in a segment, each once."""
    people = subscribed().annotate(lowered=Lower("email"))
    if segment == Send.Segment.EVERYONE:
        return people.order_by("pk")
    if segment == Send.Segment.FREE_COURSE:
        students = Enrolment.objects.filter(source=Enrolment.FREE).values("user_id")
        return people.filter(_people(students)).distinct().order_by("pk")
    if segment == Send.Segment.PRODUCT:
        if product is None:
            raise ValueError("A product segment needs a product.")
        paid = Order.objects.filter(product=product, status=Order.Status.PAID)
        buyers = paid.exclude(user__isnull=True).values("user_id")
        emails = paid.exclude(email="").annotate(e=Lower("email")).values("e")
        return people.filter(_people(buyers, emails)).distinct().order_by("pk")
    if segment == Send.Segment.COURSE_UNFINISHED:
        if course is None:
            raise ValueError("A course segment needs a course.")
        students = Enrolment.objects.filter(course=course, completed_at__isnull=True).values("user_id")
        return people.filter(_people(students)).distinct().order_by("pk")
    raise ValueError(f"Unknown segment {segment!r}")
