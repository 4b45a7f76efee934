"""Fixtures for the courses tests: the shared world of courses and lessons, users, and race databases."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, connections

from tests.courses.factories import UserFactory
from tests.courses.world import ACTOR, CANARY, World, build_world, grant, marker

__all__ = ["ACTOR", "CANARY", "World", "build_world", "grant", "marker"]


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The sign-up throttle lives in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def student(db):
    return UserFactory()


@pytest.fixture
def staff(db):
    return UserFactory(email="editor@example.com", is_staff=True)


@pytest.fixture
def race_db(request, django_db_setup, django_db_blocker, tmp_path):
    """A database that takes concurrent writers: a fresh SQLite file, or PostgreSQL's test database.

    The in-memory SQLite test database refuses a second writer outright ("database table is locked"), so on
    SQLite the default connection points at a migrated file for the test. On PostgreSQL the test must carry
    `race_marks` (transactional, with the migration data restored), so threads see committed rows.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with django_db_blocker.unblock():
        saved_settings, saved_connection = connections.settings["default"], connections["default"]
        connections.settings["default"] = {**saved_settings, "NAME": str(tmp_path / "race.sqlite3")}
        file_connection = connections.create_connection("default")
        connections["default"] = file_connection
        call_command("migrate", verbosity=0)
        try:
            yield
        finally:
            file_connection.close()
            connections.settings["default"] = saved_settings
            connections["default"] = saved_connection


def race_marks() -> list:
    """Marks for a race test: none on SQLite (race_db brings its own file), a transactional test elsewhere."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return []
    return [pytest.mark.django_db(transaction=True, serialized_rollback=True)]
