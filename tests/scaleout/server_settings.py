"""Settings for the processes tests/scaleout starts: production settings, as docs/deploy.md runs them.

Only what would make the test slow or unreadable changes: passwords hash cheaply, static files come from the
source folders, and the schedulers leave two commands out (`send_outbox`, the fallback for a task that was lost,
would send e-mails the test expects the stopped workers to hold back; `reconcile_stripe` talks to Stripe) and run
one more: a marker command every SCALEOUT_TICK_SECONDS that writes down each run, so the test can count them.
"""

import os

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

SCHEDULED_COMMANDS = [
    entry
    for entry in SCHEDULED_COMMANDS  # noqa: F405
    if entry[0] not in {"send_outbox", "reconcile_stripe"}
]
if os.environ.get("SCALEOUT_TICK_FILE"):
    _record_run = (
        "import os, time; open(os.environ['SCALEOUT_TICK_FILE'], 'a').write(f'{os.getpid()} {time.time()}\\n')"
    )
    SCHEDULED_COMMANDS.append(("shell", ["-c", _record_run], int(os.environ["SCALEOUT_TICK_SECONDS"])))
