"""Runs the periodic management commands listed in settings.SCHEDULED_COMMANDS, forever.

Each command runs once per tick of its interval across every scheduler of an install (config.scheduling claims
the tick in the database), so a scheduler on each server is safe: one wins each tick, the others skip it.
"""

import logging
import signal
import threading
import time

from django.conf import settings
from django.core.management import BaseCommand, call_command
from django.db import close_old_connections

from config import scheduling

logger = logging.getLogger(__name__)

# Seconds a running command may take to finish after SIGTERM/SIGINT before it is interrupted. The scheduled
# commands work in transactions or claim rows with a lease, so the next run picks up what was cut short (an
# outbox e-mail cut between sending and marking sent goes again when its claim expires, as after a SIGKILL).
GRACE_SECONDS = 2
# Shortest pause between looks at the clock (a tick just started, or the clock stepped back).
MIN_WAIT = 0.2


class Stopped(BaseException):
    """Raised inside a command still running GRACE_SECONDS after a stop signal (not an Exception: nothing
    that catches errors may swallow it)."""


class Command(BaseCommand):
    help = "Run the commands in settings.SCHEDULED_COMMANDS at their intervals (once per tick across schedulers)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every scheduled command once, then exit.")

    running = None

    def handle(self, *args, once=False, **options):
        stop = threading.Event()

        def on_stop(signum, frame):
            stop.set()
            if self.running is not None:
                signal.alarm(GRACE_SECONDS)

        def on_alarm(signum, frame):
            raise Stopped

        handlers = {signal.SIGINT: on_stop, signal.SIGTERM: on_stop, signal.SIGALRM: on_alarm}
        previous = {signum: signal.signal(signum, handler) for signum, handler in handlers.items()}
        try:
            self.loop(stop=stop, once=once)
        except Stopped:
            return
        finally:
            signal.alarm(0)
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def loop(self, *, stop, once):
        if once:
            # An operator's explicit run: every command now, whatever other schedulers did this tick.
            for name, arguments, _every in settings.SCHEDULED_COMMANDS:
                if stop.is_set():
                    return
                self.run(name, arguments)
            return
        seen = {}
        while not stop.is_set():
            for name, arguments, every in settings.SCHEDULED_COMMANDS:
                if stop.is_set():
                    return
                key = scheduling.command_key(name, arguments)
                tick = scheduling.tick_of(time.time(), every)
                if seen.get((key, every)) == tick:
                    continue
                seen[(key, every)] = tick
                close_old_connections()
                if scheduling.claim(command=key, every=every, tick=tick):
                    self.run(name, arguments)
            now = time.time()
            next_tick = min((now // every + 1) * every for _name, _arguments, every in settings.SCHEDULED_COMMANDS)
            stop.wait(max(MIN_WAIT, next_tick - now))

    def run(self, name, arguments):
        close_old_connections()
        self.running = name
        try:
            call_command(name, *arguments)
        except Stopped:
            logger.warning("Stopped while a scheduled command was still running", extra={"command": name})
            raise
        except Exception:
            # One failing command must not stop the others; it is retried at its next interval.
            logger.exception("Scheduled command failed", extra={"command": name})
        finally:
            self.running = None
            close_old_connections()
