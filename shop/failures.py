"""What went wrong in the background, for the admin's panel: failed webhooks and tasks, e-mails whose sending
failed (still being retried), payments that did not match their order (to refund) and the Stripe events rejected
for that reason."""

from dataclasses import dataclass

from django.db.models import Count, F
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core import outbox
from core.models import OutboxEmail
from shop.models import Order, StripeEvent

LISTED = 50


@dataclass(frozen=True)
class Failures:
    webhooks: list[StripeEvent]
    webhook_count: int
    tasks: list[DBTaskResult]
    task_count: int
    refunds: list[Order] = ()
    refund_count: int = 0
    rejected: list[StripeEvent] = ()
    emails: list[OutboxEmail] = ()
    email_count: int = 0

    @property
    def total(self) -> int:
        return self.webhook_count + self.task_count + self.refund_count + self.email_count


def failed_webhook_events():
    return StripeEvent.objects.filter(status=StripeEvent.Status.FAILED).order_by("-received_at")


def failed_tasks():
    return DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).order_by("-finished_at")


def payments_to_refund():
    """Orders whose payment did not match them and is not refunded in full yet (refund asked or not)."""
    return (
        Order.objects.filter(status=Order.Status.NEEDS_REFUND, amount_refunded__lt=F("amount_paid"))
        .select_related("product", "user")
        .annotate(refunds_asked=Count("refund_requests"))
        .order_by("-closed_at", "-pk")
    )


def rejected_events():
    return StripeEvent.objects.filter(status=StripeEvent.Status.REJECTED).order_by("-received_at")


def current() -> Failures:
    """The most recent failures of each kind, and how many there are."""
    webhooks, tasks, refunds, emails = failed_webhook_events(), failed_tasks(), payments_to_refund(), outbox.failing()
    return Failures(
        webhooks=list(webhooks[:LISTED]),
        webhook_count=webhooks.count(),
        tasks=list(tasks[:LISTED]),
        task_count=tasks.count(),
        refunds=list(refunds[:LISTED]),
        refund_count=refunds.count(),
        rejected=list(rejected_events()[:LISTED]),
        emails=list(emails[:LISTED]),
        email_count=emails.count(),
    )
