"""Fixtures shared by every test: the demo site and free ports for servers the tests start."""

import socket

import pytest
from django.core.cache import caches
from django.core.management import call_command


@pytest.fixture(autouse=True)
def _empty_caches():
    """Every test starts with empty caches: row ids are reused after each test's rollback, so a rendition
    (or site root path) one test cached would otherwise answer for another test's rows."""
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def demo_site(db):
    """The demo content, as `make run` loads it."""
    call_command("load_demo", stdout=None)


@pytest.fixture
def free_port():
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
