"""Settings for the gunicorn that the outside-in tests start: production settings, test-sized services.

Everything a person meets is the real thing (DEBUG off, WhiteNoise, the local mailbox, real sessions and
CSRF); only what would make each test slow or leave the machine is swapped: tasks run at once, passwords
hash cheaply, and static files come from the source folders instead of a collected manifest.
"""

from config.settings import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
