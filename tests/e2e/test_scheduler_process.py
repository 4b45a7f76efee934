"""The scheduler as a process: SIGTERM (a deploy, a restart) stops it promptly and cleanly, idle or busy."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _start_scheduler(code: str, database_url: str):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.config.scheduler_settings",
        SCHEDULER_TEST_CODE=code,
        ENV_FILE="",
        # A migrated database: the scheduler claims each tick there before it runs the command.
        DATABASE_URL=database_url,
    )
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


def test_an_idle_scheduler_exits_on_sigterm_at_once(file_db):
    process = _start_scheduler("print('started', flush=True)", file_db)

    seconds = _seconds_to_exit_after_sigterm(process)

    assert seconds < 30  # not the hour to its next run: well under it even on a loaded machine
    assert process.returncode == 0


def test_sigterm_interrupts_a_long_command_within_a_few_seconds(file_db):
    process = _start_scheduler("import time; print('started', flush=True); time.sleep(120)", file_db)

    seconds = _seconds_to_exit_after_sigterm(process)
    output = process.stdout.read()

    assert seconds < 60  # not the 120 s the command sleeps: interrupted ~2 s after SIGTERM, plus load
    assert process.returncode == 0
    assert "Stopped while a scheduled command was still running" in output


def test_two_schedulers_run_each_tick_of_a_command_once(file_db, tmp_path):
    from config.models import ScheduledRun

    runs = tmp_path / "runs.txt"
    code = "import os, time; open(os.environ['RUNS_FILE'], 'a').write(f'{os.getpid()} {time.time()}\\n')"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.config.scheduler_settings",
        SCHEDULER_TEST_CODE=code,
        SCHEDULER_TEST_EVERY="1",
        RUNS_FILE=str(runs),
        ENV_FILE="",
        DATABASE_URL=file_db,
    )
    schedulers = [
        subprocess.Popen([sys.executable, "manage.py", "scheduler"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        for _ in range(2)
    ]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(runs.read_text().splitlines() if runs.exists() else []) < 6:
            time.sleep(0.2)
    finally:
        for process in schedulers:
            process.send_signal(signal.SIGTERM)
        for process in schedulers:
            process.wait(timeout=60)

    executions = runs.read_text().splitlines()
    ticks = sorted(ScheduledRun.objects.filter(every=1).values_list("tick", flat=True))
    assert len(executions) >= 6
    assert len(executions) == len(ticks)  # one execution per claimed tick, none claimed twice (a unique key)
    assert {line.split()[0] for line in executions} <= {str(process.pid) for process in schedulers}
