"""Settings for the scheduler processes that tests/e2e/test_scheduler_process.py starts: one command and its
interval, from the env."""

import os

from config.test_settings import *  # noqa: F403

# Django's shell runs the test's code: it prints when it starts, then takes as long as the test says.
SCHEDULED_COMMANDS = [
    ("shell", ["-c", os.environ.get("SCHEDULER_TEST_CODE", "")], int(os.environ.get("SCHEDULER_TEST_EVERY", "3600")))
]
