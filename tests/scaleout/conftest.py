"""Scale-out from outside: two gunicorn servers, two task workers and two schedulers sharing one PostgreSQL
database, one Redis and one file store, as docs/deploy.md runs them.

Each fixture owns one shared service, so another can be swapped in without touching the test:
`scaleout_database` (a PostgreSQL database made and dropped for this run), `scaleout_redis` (the machine's
Redis under a prefix of this run's own, or a `redis-server` started on a free port), `scaleout_storage` (an
S3-compatible store, moto in server mode on a free loopback port, that every process keeps its files on),
`fake_stripe`. `cluster` starts and stops the processes by their pids.
"""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from config.object_storage import ObjectStore
from tests import processes
from tests.databases import default_connection_on, drop_database, postgres_url
from tests.e2e.conftest import TEST_PROCESS_ONLY, LiveSite
from tests.e2e.test_shop_payments import WEBHOOK_SECRET, fake_stripe  # noqa: F401 - the fixture
from tests.objectstore import MotoServer, keys, store_env

ROOT = Path(__file__).resolve().parents[2]
TICK_SECONDS = 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def scaleout_database(django_db_blocker):
    """A PostgreSQL database of this run's own (unique name), migrated, dropped afterwards; this process's ORM
    reads and writes it while the test runs."""
    if connection.vendor != "postgresql":
        pytest.skip("the scale-out test runs on PostgreSQL: DATABASE_URL=postgres://… (see .ci/run)")
    from psycopg import sql

    from tests.databases import _maintenance

    name = f"scaleout_{secrets.token_hex(6)}"
    with django_db_blocker.unblock():
        with _maintenance() as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            with default_connection_on(name):
                call_command("migrate", verbosity=0)
                yield postgres_url(name)
        finally:
            drop_database(name)


@dataclass
class Redis:
    url: str
    prefix: str
    process: subprocess.Popen | None = None

    def forget_everything(self) -> int:
        """Delete every key of this run, as a Redis restart without persistence would; how many there were."""
        import redis

        client = redis.Redis.from_url(self.url)
        keys = list(client.scan_iter(match=f"{self.prefix}:*"))
        if keys:
            client.delete(*keys)
        return len(keys)


@pytest.fixture
def scaleout_redis(tmp_path):
    """The Redis on 127.0.0.1:6379 when one answers (keys under this run's prefix, deleted afterwards), else a
    `redis-server` of this run's own on a free port, without persistence."""
    import redis

    prefix = f"scaleout-{secrets.token_hex(6)}"
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
        found = Redis(url="redis://127.0.0.1:6379/0", prefix=prefix)
    except redis.RedisError:
        server = shutil.which("redis-server")
        if server is None:
            pytest.fail(
                "no Redis answers on 127.0.0.1:6379 and redis-server is not installed (apt install redis-server)"
            )
        port = free_port()
        process = subprocess.Popen(
            [server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
        )
        found = Redis(url=f"redis://127.0.0.1:{port}/0", prefix=prefix, process=process)
        deadline = time.monotonic() + 20
        while True:
            try:
                redis.Redis(host="127.0.0.1", port=port).ping()
                break
            except redis.RedisError:
                if time.monotonic() > deadline:
                    process.kill()
                    pytest.fail("redis-server did not answer within 20 seconds")
                time.sleep(0.1)
    yield found
    if found.process is not None:
        found.process.terminate()
        found.process.wait(timeout=20)
    else:
        found.forget_everything()


@dataclass
class SharedStorage:
    """The object store every process keeps its files on, and the local folders none of them may use."""

    server: MotoServer
    store: ObjectStore
    local_folders: list[Path]

    @property
    def env(self) -> dict[str, str]:
        # The folders are named so that a process falling back to local disk would write where the test looks.
        return {
            **store_env(self.store),
            "MEDIA_ROOT": str(self.local_folders[0]),
            "PRIVATE_MEDIA_ROOT": str(self.local_folders[1]),
            "SERVE_MEDIA": "0",
        }

    def public_keys(self) -> list[str]:
        return keys(self.server, self.store.bucket)

    def private_keys(self) -> list[str]:
        return keys(self.server, self.store.private_bucket)

    def public_url(self, key: str) -> str:
        return f"{self.store.endpoint_url}/{self.store.bucket}/{key}"

    def private_url(self, key: str) -> str:
        return f"{self.store.endpoint_url}/{self.store.private_bucket}/{key}"

    def files_on_local_disk(self) -> list[str]:
        return sorted(
            str(path)
            for folder in self.local_folders
            if folder.exists()
            for path in folder.rglob("*")
            if path.is_file()
        )


@pytest.fixture
def scaleout_storage(moto_server, object_store, settings, tmp_path):
    """Every process's files on one S3-compatible store: moto's server on a free loopback port, with a public
    bucket (read by anyone, by bucket policy) and a private one (tests/objectstore.py). The servers, workers and
    schedulers get it as S3_* variables; this process's storages are switched to it by `object_store`. The local
    media folders of the servers and of this process are watched: nothing may land there."""
    local = tmp_path / "local-disk"
    return SharedStorage(
        server=moto_server,
        store=object_store,
        local_folders=[
            local / "media",
            local / "private",
            Path(settings.MEDIA_ROOT),
            Path(settings.PRIVATE_MEDIA_ROOT),
        ],
    )


@dataclass
class Cluster:
    env: dict
    run_dir: Path
    tick_file: Path
    sites: dict = field(default_factory=dict)
    workers: list = field(default_factory=list)
    schedulers: list = field(default_factory=list)
    others: list = field(default_factory=list)

    def _log(self, name: str):
        return (self.run_dir / f"{name}.log").open("ab")

    def start_web(self, name: str, port: int) -> LiveSite:
        env = {**self.env, "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": "2"}
        with self._log(f"web-{name}") as log:
            process = subprocess.Popen(
                [str(Path(sys.executable).with_name("gunicorn")), "config.wsgi", "--config", "config/gunicorn.conf.py"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        site = LiveSite(url=f"http://127.0.0.1:{port}", process=process, log_path=self.run_dir / f"web-{name}.log")
        self.sites[name] = site
        processes.wait_until_serving(process, site.url + "/healthz", seconds=90, log=site.log)
        return site

    def _manage(self, name: str, *arguments: str) -> subprocess.Popen:
        with self._log(name) as log:
            return subprocess.Popen(
                [sys.executable, "manage.py", *arguments], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )

    def start_workers(self, count: int = 2) -> None:
        for number in range(count):
            self.workers.append(self._manage(f"worker-{number}", "db_worker", "--queue-name", "*", "--interval", "0.5"))

    def stop_workers(self) -> None:
        processes.stop(self.workers)
        self.workers.clear()

    def start_schedulers(self, count: int = 2) -> None:
        for number in range(count):
            self.schedulers.append(self._manage(f"scheduler-{number}", "scheduler"))

    def stop_schedulers(self) -> None:
        processes.stop(self.schedulers)
        self.schedulers.clear()

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-4000:]}" for path in self.run_dir.glob("*.log")
        )


@pytest.fixture
def cluster(scaleout_database, scaleout_redis, scaleout_storage, fake_stripe, settings, tmp_path):  # noqa: PLR0917, F811
    """The processes of one install, all on the shared services above; this process uses the same cache."""
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    tick_file = run_dir / "ticks.txt"
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": scaleout_redis.url,
            "KEY_PREFIX": scaleout_redis.prefix,
        },
    }
    settings.PAGE_CACHE_ENABLED = True
    public_port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in TEST_PROCESS_ONLY}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.scaleout.server_settings",
        ENV_FILE="",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=scaleout_database,
        CACHE_URL=scaleout_redis.url,
        CACHE_KEY_PREFIX=scaleout_redis.prefix,
        STATIC_ROOT=str(run_dir / "static"),
        WAGTAILADMIN_BASE_URL=f"http://127.0.0.1:{public_port}",
        STRIPE_API_BASE=str(settings.STRIPE_API_BASE),
        STRIPE_SECRET_KEY=str(settings.STRIPE_SECRET_KEY),
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        STRIPE_MAX_NETWORK_RETRIES="0",
        SHOP_DEMO="0",
        API_RATE_CHECKOUT="2/d",
        SCALEOUT_TICK_FILE=str(tick_file),
        SCALEOUT_TICK_SECONDS=str(TICK_SECONDS),
        **scaleout_storage.env,
    )
    found = Cluster(env=env, run_dir=run_dir, tick_file=tick_file)
    found.public_port = public_port
    yield found
    processes.stop([site.process for site in found.sites.values()] + found.workers + found.schedulers)
    for site in found.sites.values():
        for client in site.clients:
            client.close()
