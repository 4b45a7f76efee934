"""Fixtures shared by every test: the demo site and free ports for servers the tests start."""

import socket

import pytest
from django.core.management import call_command


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
