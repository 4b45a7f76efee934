"""Outside-in: a backup taken while people are buying (gunicorn, signed Stripe webhooks) restores into a fresh
database with nothing missing: every order paid before it started, every entitlement, page and file, with equal
checksums, and no paid order without its access or receipt (the copy is one consistent moment)."""

import hashlib
import io
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.models import Page

from core import backups
from shop.models import Order, ProductFile
from shop.stripe_gateway import sign_payload
from tests.e2e.conftest import ROOT, TEST_PROCESS_ONLY
from tests.fakestripe.server import FakeStripe
from tests.shop.factories import ProductFactory

WEBHOOK_SECRET = "whsec_backup_e2e"
BUYERS = 24
KEY = backups.new_key()


@pytest.fixture
def fake_stripe(settings):
    fake = FakeStripe(secret_key="sk_test_backup")
    settings.STRIPE_API_BASE = fake.start()
    settings.STRIPE_SECRET_KEY = "sk_test_backup"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.SHOP_DEMO = False
    yield fake
    fake.stop()


def _manage(*arguments: str, database_url: str, media: Path, private: Path) -> subprocess.CompletedProcess:
    """Run a management command as its own process, as an operator would (production settings)."""
    env = {key: value for key, value in os.environ.items() if key not in TEST_PROCESS_ONLY}
    env.update(
        ENV_FILE="",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(media),
        PRIVATE_MEDIA_ROOT=str(private),
        BACKUP_KEY=KEY,
    )
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _buy(site, fake_stripe, number: int) -> None:
    browser = site.client()
    started = site.submit(
        browser, "/shop/buy/backup-guide/", {"token": f"backup-{number}", "price": "1900", "consent": "on"}
    )
    assert started.status_code == 303, started.text
    session_id = started.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    event = fake_stripe.complete(session_id, email=f"buyer{number}@example.com")
    payload = json.dumps(event).encode()
    answer = site.post(
        "/shop/stripe/webhook/",
        data=payload,
        headers={
            "Content-Type": "application/json",
            "Stripe-Signature": sign_payload(payload=payload, secret=WEBHOOK_SECRET),
        },
    )
    assert answer.status_code == 200, answer.text


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(root: Path) -> dict[str, str]:
    return {path.relative_to(root).as_posix(): _sha(path) for path in root.rglob("*") if path.is_file()}


QUERIES = {
    "orders": "SELECT id, status, amount_paid, email, receipt_number FROM shop_order ORDER BY id",
    "entitlements": "SELECT id, user_id, product_id, order_id, status FROM shop_entitlement ORDER BY id",
    "pages": "SELECT id, title, url_path, live FROM wagtailcore_page ORDER BY id",
    "receipts": "SELECT key FROM core_outboxemail WHERE key LIKE 'receipt-order-%' ORDER BY key",
    "users": "SELECT id, email FROM auth_user ORDER BY id",
    "product_files": "SELECT file FROM shop_productfile ORDER BY id",
    "image_files": "SELECT file FROM wagtailimages_image ORDER BY id",
}


def _read(url: str) -> dict[str, list[tuple]]:
    """Every table the check compares, read straight from the database file or server behind `url`."""
    if url.startswith("sqlite:///"):
        with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as db:
            return {name: [tuple(row) for row in db.execute(sql)] for name, sql in QUERIES.items()}
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as db:
        return {name: [tuple(row) for row in db.execute(sql).fetchall()] for name, sql in QUERIES.items()}


@pytest.fixture
def fresh_database(live_db, sqlite_template, tmp_path):
    """An empty install's database: a freshly migrated SQLite file, or an empty PostgreSQL database."""
    if sqlite_template is not None:
        path = tmp_path / "fresh.sqlite3"
        path.write_bytes(Path(sqlite_template).read_bytes())
        yield f"sqlite:///{path}"
        return
    import psycopg

    server, _, name = live_db.rpartition("/")
    fresh = f"{name}_restored"
    admin_url = f"{server}/postgres".replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        admin.execute(f'CREATE DATABASE "{fresh}"')
    yield f"{server}/{fresh}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')


def test_a_backup_taken_during_checkouts_restores_everything_into_a_fresh_install(
    fake_stripe, live_db, start_live_site, fresh_database, tmp_path
):
    product = ProductFactory(name="Backup guide", slug="backup-guide", price_amount=1900, currency="usd")
    ProductFile.objects.create(
        product=product, title="Guide", file=ContentFile(b"%PDF-1.4 the paid guide " + os.urandom(20_000), name="g.pdf")
    )
    picture = io.BytesIO()
    PILImage.new("RGB", (64, 48), "#0b6b5c").save(picture, "PNG")
    Image.objects.create(title="Cover", file=ImageFile(picture, name="cover.png"))
    Page.objects.get(depth=1).add_child(instance=Page(title="Kept page", slug="kept-page"))
    site = start_live_site(workers=3, API_RATE_CHECKOUT="")
    paid_before: list = []
    counter = iter(range(BUYERS))
    lock = threading.Lock()

    def buyer():
        while True:
            with lock:
                number = next(counter, None)
            if number is None:
                return
            _buy(site, fake_stripe, number)

    with ThreadPoolExecutor(max_workers=3) as pool:
        buyers = [pool.submit(buyer) for _ in range(3)]
        while Order.objects.filter(status="paid").count() < BUYERS // 3:
            threading.Event().wait(0.05)
        before = _read(live_db)
        paid_before = [row for row in before["orders"] if row[1] == "paid"]
        taken = _manage(
            "backup",
            "--dir",
            str(tmp_path / "backups"),
            database_url=live_db,
            media=settings.MEDIA_ROOT,
            private=settings.PRIVATE_MEDIA_ROOT,
        )
        for future in buyers:
            future.result()
    assert taken.returncode == 0, taken.stderr
    after = _read(live_db)
    assert len([row for row in after["orders"] if row[1] == "paid"]) == BUYERS
    # Checkouts were still running while the copy was made.
    assert len(paid_before) < BUYERS
    (archive,) = (tmp_path / "backups").iterdir()
    media, private = tmp_path / "restored-media", tmp_path / "restored-private"

    restored_run = _manage("restore", str(archive), database_url=fresh_database, media=media, private=private)

    assert restored_run.returncode == 0, restored_run.stderr
    restored = _read(fresh_database)
    restored_orders = {row[0]: row for row in restored["orders"]}
    assert all(restored_orders.get(row[0]) == row for row in paid_before)
    for name in ("pages", "product_files", "image_files"):
        assert restored[name] == before[name], name
    # One consistent moment: whatever was paid in the copy has its access and its receipt, and nothing else.
    paid_ids = {row[0] for row in restored["orders"] if row[1] == "paid"}
    assert {row[3] for row in restored["entitlements"]} == paid_ids
    assert {row[0] for row in restored["receipts"]} == {f"receipt-order-{pk}" for pk in paid_ids}
    after_entitlements = {row[0]: row for row in after["entitlements"]}
    assert all(after_entitlements[row[0]] == row for row in restored["entitlements"])
    # Every file came back byte for byte, and every file a row names is there.
    assert _files(media) == _files(Path(settings.MEDIA_ROOT))
    assert _files(private) == _files(Path(settings.PRIVATE_MEDIA_ROOT))
    assert all((private / path).is_file() for (path,) in restored["product_files"])
    assert all((media / path).is_file() for (path,) in restored["image_files"])


def test_a_tampered_backup_restores_nothing(fake_stripe, live_db, start_live_site, fresh_database, tmp_path):
    ProductFactory(name="Backup guide", slug="backup-guide", price_amount=1900, currency="usd")
    site = start_live_site(workers=1, API_RATE_CHECKOUT="")
    _buy(site, fake_stripe, 1)
    media, private = tmp_path / "restored-media", tmp_path / "restored-private"
    taken = _manage(
        "backup",
        "--dir",
        str(tmp_path / "b"),
        database_url=live_db,
        media=settings.MEDIA_ROOT,
        private=settings.PRIVATE_MEDIA_ROOT,
    )
    assert taken.returncode == 0, taken.stderr
    (archive,) = (tmp_path / "b").iterdir()
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0x40
    archive.write_bytes(bytes(data))
    empty = _read(fresh_database) if fresh_database.startswith("sqlite") else None

    answer = _manage("restore", str(archive), database_url=fresh_database, media=media, private=private)

    assert answer.returncode != 0
    assert "damaged or was altered" in answer.stderr
    assert not media.exists()
    assert not private.exists()
    if empty is not None:
        assert _read(fresh_database) == empty
