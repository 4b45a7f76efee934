"""The scheduler's heartbeat (run every minute from SCHEDULED_COMMANDS): its own beat and a task for the worker."""

from django.core.management import BaseCommand

from core import heartbeats


class Command(BaseCommand):
    help = "Record the scheduler's heartbeat and queue a heartbeat task for the task worker."

    def handle(self, *args, **options):
        heartbeats.beat(kind=heartbeats.SCHEDULER)
        queued = heartbeats.request_worker_beat()
        self.stdout.write("Heartbeat written; worker heartbeat " + ("queued." if queued else "already waiting."))
