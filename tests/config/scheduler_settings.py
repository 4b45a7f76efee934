"""Settings for the scheduler process that tests/e2e/test_scheduler_process.py starts: one command, from the env."""

import os

from config.test_settings import *  # noqa: F403

# Django's shell runs the test's code: it prints when it starts, then takes as long as the test says.
SCHEDULED_COMMANDS = [("shell", ["-c", os.environ.get("SCHEDULER_TEST_CODE", "")], 3600)]
