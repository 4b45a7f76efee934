"""Fixtures shared by every test: the demo site and free ports for servers the tests start."""

import socket

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from PIL import Image
from wagtail.signal_handlers import disable_reference_index_auto_update

from tests.databases import copy_of, default_connection_on, migrate_template, save_copy
from tests.objectstore import new_store, start_moto


def pytest_configure(config):
    """AVIF renditions are encoded at the encoder's fastest setting: still AVIF, but the default effort made
    encoding a third of the time of every test that renders a page with pictures (each test makes its own)."""
    Image.init()
    save_avif = Image.SAVE["AVIF"]

    def quick_save_avif(image, fp, filename, *args, **kwargs):
        image.encoderinfo.setdefault("speed", 10)
        return save_avif(image, fp, filename, *args, **kwargs)

    Image.register_save("AVIF", quick_save_avif)


@pytest.fixture(autouse=True)
def _empty_caches():
    """Every test starts with empty caches: row ids are reused after each test's rollback, so a rendition
    (or site root path) one test cached would otherwise answer for another test's rows."""
    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _indexing(request, settings):
    """Search and reference indexes follow saved pages only in tests marked `indexing` (see test_settings)."""
    if request.node.get_closest_marker("indexing"):
        backend = settings.WAGTAILSEARCH_BACKENDS["default"]
        settings.WAGTAILSEARCH_BACKENDS = {"default": {**backend, "AUTO_UPDATE": True}}
        yield
        return
    with disable_reference_index_auto_update():
        yield


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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, tmp_path_factory):
    """pytest-django's test database; on SQLite also a migrated file, copied from it before any test ran.

    Tests that need a file (`file_db`) copy that file instead of migrating a second time.
    """
    if connection.vendor != "sqlite":
        return None
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    with django_db_blocker.unblock():
        if "django_migrations" in connection.introspection.table_names():
            return save_copy(connection, path)
        # No collected test asked for the test database (tests/e2e alone), so pytest-django left it empty.
        return migrate_template(path)


@pytest.fixture(scope="session")
def sqlite_template(django_db_setup):
    """The migrated SQLite file every `file_db` copies (None on PostgreSQL, where the test database serves)."""
    return django_db_setup


@pytest.fixture
def file_db(request, sqlite_template, django_db_blocker, tmp_path):
    """A database that takes concurrent writers and other processes, as a URL for DATABASE_URL.

    On SQLite a fresh copy of the migrated template, with the default connection pointed at it; on
    PostgreSQL the test database itself, with the test made transactional so other connections see rows.
    """
    if sqlite_template is None:
        request.getfixturevalue("transactional_db")
        db = connection.settings_dict
        user = db["USER"] or "postgres"
        yield f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        return
    path = copy_of(sqlite_template, tmp_path / "site.sqlite3")
    with django_db_blocker.unblock(), default_connection_on(path):
        yield f"sqlite:///{path}"


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory):
    """moto's S3-compatible server on a free loopback port, one per test process, stopped by its pid."""
    server = start_moto(tmp_path_factory.mktemp("moto"))
    yield server
    server.stop()


@pytest.fixture
def object_store(moto_server, settings):
    """This test's files on the object store: two fresh buckets (public media, private files), STORAGES on them."""
    store = new_store(moto_server)
    settings.STORAGES = {**settings.STORAGES, **store.storages()}
    settings.OBJECT_STORE = store
    return store
