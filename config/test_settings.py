"""Settings for the test suite: the real settings with fast, isolated, in-process services."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("ENV_FILE", "")

from config.settings import *  # noqa: F403

_tmp = Path(tempfile.mkdtemp(prefix="backcare-tests-"))
MEDIA_ROOT = _tmp / "media"
PRIVATE_MEDIA_ROOT = _tmp / "private"
STATIC_ROOT = _tmp / "static"
STATIC_ROOT.mkdir()
STORAGES = {
    **STORAGES,  # noqa: F405
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
WAGTAILADMIN_BASE_URL = "http://testserver"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

# Saving a page in a test does not update Wagtail's search index or reference index: that work was a
# fifth of the suite's time and few tests look at it. Tests marked `indexing` (tests/conftest.py) turn
# both back on, as every real process (`make run`, gunicorn in `make e2e`) has them.
WAGTAILSEARCH_BACKENDS = {"default": {**WAGTAILSEARCH_BACKENDS["default"], "AUTO_UPDATE": False}}  # noqa: F405
# A line for each task started and finished is noise here; warnings and failures still show.
LOGGING["loggers"]["django.tasks"] = {"handlers": ["console"], "level": "WARNING", "propagate": False}  # noqa: F405
# The page cache would carry pages from one test into the next through the process-wide local-memory cache:
# tests of the cache switch it on (tests/core/test_pagecache.py); gunicorn in the outside-in tests has it on.
PAGE_CACHE_ENABLED = False
# Likewise the frame fragments (core/fragments.py), and purges wait for commits that most tests roll back: tests
# that count a request's queries in production's configuration switch them on (tests/demo_content.py).
FRAGMENT_CACHE_ENABLED = False
