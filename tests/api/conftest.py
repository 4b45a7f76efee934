"""Fixtures for the API tests: a site with articles, a guide, a paid and a free course, and API clients."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from tests.courses.factories import UserFactory
from tests.courses.world import ACTOR, CANARY, World, build_world, grant, marker

__all__ = ["ACTOR", "CANARY", "World", "grant", "marker"]


@pytest.fixture
def world(db) -> World:
    return build_world(home_slug="home-api")


@pytest.fixture
def student(db):
    return UserFactory()


@pytest.fixture
def staff(db):
    return UserFactory(email="editor@example.com", is_staff=True, is_superuser=True)


def session_token(user) -> str:
    """A signed-in session of this user: an app session token as allauth's headless API hands out, or a browser
    session cookie (both are Django sessions)."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    from django.core.cache import cache

    cache.clear()
    settings.API_RATE_LIMITS = {"sign_in_code": "100/m", "login": "100/m", "checkout": "100/m"}
