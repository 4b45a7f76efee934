"""What went wrong in the background: webhooks that failed and tasks that failed, for the admin's panel."""

from dataclasses import dataclass

from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from shop.models import StripeEvent

LISTED = 50


@dataclass(frozen=True)
class Failures:
    webhooks: list[StripeEvent]
    webhook_count: int
    tasks: list[DBTaskResult]
    task_count: int

    @property
    def total(self) -> int:
        return self.webhook_count + self.task_count


def failed_webhook_events():
    return StripeEvent.objects.filter(status=StripeEvent.Status.FAILED).order_by("-received_at")


def failed_tasks():
    return DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).order_by("-finished_at")


def current() -> Failures:
    """The most recent failures of each kind, and how many there are."""
    webhooks, tasks = failed_webhook_events(), failed_tasks()
    return Failures(
        webhooks=list(webhooks[:LISTED]),
        webhook_count=webhooks.count(),
        tasks=list(tasks[:LISTED]),
        task_count=tasks.count(),
    )
