"""Wraps the step functions of fulfilment and of the outbox so that the process SIGKILLs itself at one step.

RELIABILITY_CRASH_ARM names a file. The test arms a crash by writing a step's name into it; the next process to
reach that step deletes the file and dies (one crash per arming, however many workers race), so a delivery
is killed at that step and the redelivery after it passes. One server serves every step.
"""

import functools
import importlib
import os
import signal
from pathlib import Path

from django.apps import AppConfig

# Each step: (module, function, "before" or "after" the call). fulfil_checkout runs one transaction, so the
# first four die inside it; "answered" dies after it committed, before the HTTP answer leaves.
STEPS = {
    "claimed": ("shop.fulfillment", "_claim", "after"),
    "paid": ("shop.fulfillment", "_apply_access", "before"),
    "granted": ("shop.fulfillment", "_apply_access", "after"),
    "before-receipt": ("core.outbox", "enqueue_email", "before"),
    "answered": ("shop.webhooks", "handle", "after"),
    # The outbox worker: claimed but not yet sent, and sent but not yet marked sent.
    "mail-claimed": ("core.outbox", "render", "before"),
    "mail-sent": ("config.mail", "LocalMailboxBackend.send_messages", "after"),
}


def _die_if_armed(arm: Path, step: str) -> None:
    try:
        if arm.read_text() != step:
            return
        arm.unlink()
    except FileNotFoundError:
        return  # not armed, or another worker took this crash
    os.kill(os.getpid(), signal.SIGKILL)


def _wrap(function, *, arm: Path, step: str, when: str):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        if when == "before":
            _die_if_armed(arm, step)
        result = function(*args, **kwargs)
        if when == "after":
            _die_if_armed(arm, step)
        return result

    return wrapper


class CrashConfig(AppConfig):
    name = "tests.reliability.crashapp"
    label = "reliability_crash"

    def ready(self):
        arm = os.environ.get("RELIABILITY_CRASH_ARM", "")
        if not arm:
            return
        for step, (module_name, dotted, when) in STEPS.items():
            owner = importlib.import_module(module_name)
            *path, function_name = dotted.split(".")
            for name in path:
                owner = getattr(owner, name)
            wrapped = _wrap(getattr(owner, function_name), arm=Path(arm), step=step, when=when)
            setattr(owner, function_name, wrapped)
