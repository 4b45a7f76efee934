"""Settings for processes the crash scenarios kill: the outside-in server settings plus the crash app.

RELIABILITY_TASKS=db keeps e-mails for the task worker (as in production) instead of sending them at once.
"""

import os

from tests.e2e.server_settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.reliability.crashapp"]  # noqa: F405
if os.environ.get("RELIABILITY_TASKS") == "db":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
