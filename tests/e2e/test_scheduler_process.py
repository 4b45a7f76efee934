"""The scheduler as a process: SIGTERM (a deploy, a restart) stops it promptly and cleanly, idle or busy."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _start_scheduler(code: str):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(DJANGO_SETTINGS_MODULE="tests.config.scheduler_settings", SCHEDULER_TEST_CODE=code, ENV_FILE="")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "scheduler"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    for line in process.stdout:  # Django's shell says what it imported first
        if line.strip() == "started":
            return process
    pytest.fail(f"the scheduler exited with {process.wait()} before running its command")


def _seconds_to_exit_after_sigterm(process) -> float:
    time.sleep(0.5)  # let the scheduler reach where it was going: its wait, or the command's sleep
    sent = time.monotonic()
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=90)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return time.monotonic() - sent


def test_an_idle_scheduler_exits_on_sigterm_at_once():
    process = _start_scheduler("print('started', flush=True)")

    seconds = _seconds_to_exit_after_sigterm(process)

    assert seconds < 30  # not the hour to its next run: well under it even on a loaded machine
    assert process.returncode == 0


def test_sigterm_interrupts_a_long_command_within_a_few_seconds():
    process = _start_scheduler("import time; print('started', flush=True); time.sleep(120)")

    seconds = _seconds_to_exit_after_sigterm(process)
    output = process.stdout.read()

    assert seconds < 60  # not the 120 s the command sleeps: interrupted ~2 s after SIGTERM, plus load
    assert process.returncode == 0
    assert "Stopped while a scheduled command was still running" in output
