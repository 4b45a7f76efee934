"""Fixtures for the courses tests: the shared world of courses and lessons, users, and race databases."""

import pytest
from django.core.cache import cache

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
def race_db(file_db):
    """A database that takes concurrent writers (see `file_db`); on PostgreSQL the test carries `race_marks`."""
    return file_db


def race_marks() -> list:
    """Marks for a race test: none on SQLite (race_db brings its own file), a transactional test elsewhere."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return []
    return [pytest.mark.django_db(transaction=True, serialized_rollback=True)]
