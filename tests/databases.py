"""Databases of their own for tests that need concurrent writers or a second process (races, gunicorn).

The in-memory test database refuses a second writer and cannot be opened by another process, so such tests
point the default connection at a file. Migrating costs tens of seconds, so the in-memory database that
pytest-django migrated is saved to a file once per test session (per xdist worker), before any test runs,
and each such test gets a copy of that file.

On PostgreSQL, `copy_database` does the same with `CREATE DATABASE … TEMPLATE`: the browser journeys each
get a fresh copy of a database holding the demo, instead of loading it into the shared test database.
"""

import shutil
import sqlite3
from contextlib import closing, contextmanager
from pathlib import Path

from django.core.management import call_command
from django.db import connections


@contextmanager
def default_connection_on(name: Path | str):
    """Point the default connection at another database (a SQLite file, a PostgreSQL database's name)."""
    saved_settings, saved_connection = connections.settings["default"], connections["default"]
    connections.settings["default"] = {**saved_settings, "NAME": str(name)}
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


def postgres_url(name: str) -> str:
    """The URL of the PostgreSQL database `name` on the test server, for a started server's DATABASE_URL."""
    db = connections["default"].settings_dict
    user = db["USER"] or "postgres"
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _maintenance():
    """A connection to the server's `postgres` database: CREATE and DROP DATABASE cannot run inside the one copied."""
    import psycopg

    db = connections["default"].settings_dict
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"] or "postgres",
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


def copy_database(source: str, target: str) -> str:
    """Create the PostgreSQL database `target` as a copy of `source` (replacing any earlier `target`).

    PostgreSQL copies a template only while nobody else is connected to it, so this process's connections
    are closed first.
    """
    from psycopg import sql

    connections.close_all()
    with _maintenance() as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target)))
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(target), sql.Identifier(source)))
    return target


def drop_database(name: str) -> None:
    from psycopg import sql

    with _maintenance() as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
