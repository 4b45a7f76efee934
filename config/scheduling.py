"""Which scheduler runs a scheduled command in a tick: the one that inserts its `ScheduledRun` row first.

Called by `manage.py scheduler`. Ticks are wall-clock windows (seconds since 1970 // interval), the same on every
machine, and the row's unique key (command, interval, tick) makes the claim atomic on SQLite and PostgreSQL alike:
any number of schedulers may run, each command still runs once per tick.
"""

import logging
import os
import socket
from datetime import timedelta

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from config.models import ScheduledRun

logger = logging.getLogger(__name__)

# Claimed runs are kept this long (what ran when, by whom), then deleted by the next claim.
KEEP = timedelta(days=7)


def command_key(name: str, arguments: list[str]) -> str:
    return " ".join([name, *arguments])[:200]


def tick_of(now: float, every: int) -> int:
    return int(now // every)


def claim(*, command: str, every: int, tick: int) -> bool:
    """True when this caller won the tick and should run the command; False when another scheduler has it."""
    now = timezone.now()
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(
                command=command,
                every=every,
                tick=tick,
                started_at=now,
                scheduler=f"{socket.gethostname()}:{os.getpid()}"[:200],
            )
        ScheduledRun.objects.filter(started_at__lt=now - KEEP).delete()
    except IntegrityError:
        return False
    except DatabaseError:
        # No database, no run: the command needs it anyway, and the next tick tries again.
        logger.exception("Could not claim a scheduled run", extra={"command": command, "tick": tick})
        return False
    return True
