"""Runs the periodic management commands listed in settings.SCHEDULED_COMMANDS, forever."""

import logging
import signal
import threading
import time

from django.conf import settings
from django.core.management import BaseCommand, call_command
from django.db import close_old_connections

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the commands in settings.SCHEDULED_COMMANDS at their intervals until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every scheduled command once, then exit.")

    def handle(self, *args, once=False, **options):
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())

        next_run = {name: 0.0 for name, _args, _every in settings.SCHEDULED_COMMANDS}
        while not stop.is_set():
            now = time.monotonic()
            for name, arguments, every in settings.SCHEDULED_COMMANDS:
                if now >= next_run[name]:
                    next_run[name] = now + every
                    self.run(name, arguments)
            if once:
                return
            stop.wait(max(1.0, min(next_run.values()) - time.monotonic()))

    def run(self, name, arguments):
        close_old_connections()
        try:
            call_command(name, *arguments)
        except Exception:
            # One failing command must not stop the others; it is retried at its next interval.
            logger.exception("Scheduled command failed", extra={"command": name})
        finally:
            close_old_connections()
