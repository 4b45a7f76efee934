"""A file SQLite database for tests that need concurrent writers or a second process (races, gunicorn).

The in-memory test database refuses a second writer and cannot be opened by another process, so such tests
point the default connection at a file. Migrating costs tens of seconds, so the in-memory database that
pytest-django migrated is saved to a file once per test session (per xdist worker), before any test runs,
and each such test gets a copy of that file.
"""

import shutil
import sqlite3
from contextlib import closing, contextmanager
from pathlib import Path

from django.core.management import call_command
from django.db import connections


@contextmanager
def default_connection_on(path: Path):
    """Point the default connection at the SQLite file `path` for the duration of the block."""
    saved_settings, saved_connection = connections.settings["default"], connections["default"]
    connections.settings["default"] = {**saved_settings, "NAME": str(path)}
    file_connection = connections.create_connection("default")
    connections["default"] = file_connection
    try:
        yield
    finally:
        file_connection.close()
        connections.settings["default"] = saved_settings
        connections["default"] = saved_connection


def migrate_template(path: Path) -> Path:
    with default_connection_on(path):
        call_command("migrate", verbosity=0)
        connections["default"].close()
    return path


def save_copy(connection, path: Path) -> Path:
    """Write the SQLite database behind `connection` (in memory or not) to the file `path`."""
    connection.ensure_connection()
    with closing(sqlite3.connect(path)) as target:
        connection.connection.backup(target)
    return path


def copy_of(template: Path, destination: Path) -> Path:
    shutil.copyfile(template, destination)
    return destination
