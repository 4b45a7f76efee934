"""core.backups: the archive's manifest, its encryption, refusing a wrong key or an altered file, mode 0600,
keeping the newest N, and restoring into an empty database with the deletion log re-applied."""

import hashlib
import io
import os
import sqlite3
import stat
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from core import backups, deletions
from core.models import DeletionLog
from tests.databases import copy_of, default_connection_on
from tests.shop.factories import UserFactory

KEY = backups.new_key()


@pytest.fixture
def files(settings, tmp_path):
    """MEDIA_ROOT and PRIVATE_MEDIA_ROOT of this test alone, with a picture and a paid PDF in them."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    picture = settings.MEDIA_ROOT / "original_images" / "cover.png"
    guide = settings.PRIVATE_MEDIA_ROOT / "products" / "guide.pdf"
    for path, content in ((picture, b"\x89PNG picture"), (guide, os.urandom(300_000))):
        path.parent.mkdir(parents=True)
        path.write_bytes(content)
    return {"media/original_images/cover.png": picture, "private/products/guide.pdf": guide}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _take(file_db, tmp_path) -> Path:
    return backups.create(directory=tmp_path / "backups", key=KEY)


def test_the_manifest_lists_the_database_and_every_file_with_size_and_checksum(file_db, files, tmp_path):
    UserFactory(email="kept@example.com")

    path = _take(file_db, tmp_path)
    manifest = backups.unpack(source=path, key=KEY, into=tmp_path / "out")

    listed = {entry["path"]: entry for entry in manifest["files"]}
    database_file = "database.sqlite3" if connection.vendor == "sqlite" else "database.pgdump"
    assert set(listed) == {database_file, *files}
    for name, original in files.items():
        assert listed[name]["size"] == original.stat().st_size
        assert listed[name]["sha256"] == _sha(original)
    if connection.vendor != "sqlite":
        assert manifest["database"] == {"vendor": "postgresql", "file": database_file}
        return
    assert manifest["database"] == {"vendor": "sqlite", "file": "database.sqlite3"}
    assert manifest["format"] == 1
    assert abs(timezone.now() - datetime.fromisoformat(manifest["created_at"])) < timedelta(minutes=1)
    with closing(sqlite3.connect(tmp_path / "out" / "database.sqlite3")) as copy:
        assert copy.execute("SELECT email FROM auth_user").fetchall() == [("kept@example.com",)]


def test_the_backup_is_encrypted_and_made_with_mode_0600_whatever_the_umask(file_db, files, tmp_path):
    previous = os.umask(0)
    try:
        path = _take(file_db, tmp_path)
    finally:
        os.umask(previous)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    data = path.read_bytes()
    assert data.startswith(backups.MAGIC)
    for needle in (b"SQLite format 3", b"PNG picture", b"manifest.json", b"auth_user"):
        assert needle not in data
    assert list(path.parent.iterdir()) == [path]  # no plain copy or partial file left behind


def test_a_wrong_key_is_named_as_such_and_nothing_is_written(file_db, files, tmp_path):
    path = _take(file_db, tmp_path)
    out = tmp_path / "out"
    out.mkdir()

    with pytest.raises(backups.BackupError, match="another key"):
        backups.unpack(source=path, key=backups.new_key(), into=out)

    assert list(out.iterdir()) == []


@pytest.mark.parametrize("where", [0.1, 0.5, 0.999])
def test_an_altered_byte_anywhere_refuses_the_backup_before_anything_is_restored(
    file_db, files, tmp_path, where, settings
):
    settings.BACKUP_KEY = KEY
    path = _take(file_db, tmp_path)
    data = bytearray(path.read_bytes())
    data[int(len(data) * where)] ^= 0x01
    path.write_bytes(bytes(data))
    for original in files.values():
        original.unlink()
    user_count = get_user_model().objects.count()

    with pytest.raises(CommandError, match="damaged or was altered"):
        call_command("restore", str(path), force=True, stdout=io.StringIO())

    assert get_user_model().objects.count() == user_count
    assert not any(original.exists() for original in files.values())


def test_a_backup_cut_short_is_refused(file_db, files, tmp_path):
    path = _take(file_db, tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 4 - 1000])

    with pytest.raises(backups.BackupError, match=r"cut short|damaged"):
        backups.unpack(source=path, key=KEY, into=tmp_path)


def test_chunks_cannot_be_dropped_at_the_end_or_reordered(monkeypatch):
    monkeypatch.setattr(backups, "CHUNK", 100)
    raw = io.BytesIO()
    writer = backups.EncryptingWriter(raw, backups.parse_key(KEY))
    writer.write(bytes(range(250)))
    writer.close()
    sealed = raw.getvalue()
    header, body = sealed[: backups.HEADER_SIZE], sealed[backups.HEADER_SIZE :]
    chunk = 4 + 100 + backups.TAG_SIZE
    first, second, last = body[:chunk], body[chunk : 2 * chunk], body[2 * chunk :]

    whole = backups.DecryptingReader(io.BytesIO(sealed), backups.parse_key(KEY)).read()
    assert whole == bytes(range(250))
    for damaged in (header + first + second, header + second + first + last):
        with pytest.raises(backups.BackupError):
            backups.DecryptingReader(io.BytesIO(damaged), backups.parse_key(KEY)).read()


def test_a_malformed_key_is_refused_with_how_to_make_one():
    for key in ("", "short", "x" * 44):
        with pytest.raises(backups.BackupError, match="BACKUP_KEY"):
            backups.parse_key(key)


def test_prune_keeps_the_newest_backups_and_nothing_else(tmp_path):
    start = timezone.now()
    names = [backups.file_name(start - timedelta(days=days)) for days in range(5)]
    for name in [*names, "notes.txt"]:
        (tmp_path / name).write_bytes(b"x")

    deleted = backups.prune(directory=tmp_path, keep=2)

    assert sorted(path.name for path in deleted) == sorted(names[2:])
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([*names[:2], "notes.txt"])


def test_the_scheduled_backup_runs_once_a_day_and_keeps_backup_keep(file_db, files, tmp_path, settings):
    settings.BACKUP_KEY, settings.BACKUP_DIR, settings.BACKUP_KEEP = KEY, str(tmp_path / "nightly"), 2
    Path(settings.BACKUP_DIR).mkdir()
    for days in (3, 2):
        (Path(settings.BACKUP_DIR) / backups.file_name(timezone.now() - timedelta(days=days))).write_bytes(b"old")

    call_command("backup", scheduled=True, stdout=io.StringIO())
    call_command("backup", scheduled=True, stdout=io.StringIO())

    kept = backups.backups_in(Path(settings.BACKUP_DIR))
    assert len(kept) == 2
    assert kept[0].read_bytes() == b"old"
    assert kept[1].read_bytes().startswith(backups.MAGIC)


def test_the_scheduled_backup_is_off_without_a_key_or_folder(file_db, settings, tmp_path):
    settings.BACKUP_KEY, settings.BACKUP_DIR = "", str(tmp_path / "nightly")
    out = io.StringIO()

    call_command("backup", scheduled=True, stdout=out)

    assert "off" in out.getvalue()
    assert not (tmp_path / "nightly").exists()


# Restores into a fresh SQLite file install; on PostgreSQL the restore is walked by tests/e2e/test_backup_restore.py.
@pytest.mark.skipif(connection.vendor != "sqlite", reason="restores into a SQLite file; PostgreSQL: tests/e2e")
def test_restore_brings_back_rows_and_files_into_an_empty_install_and_deletes_a_deleted_person_again(
    file_db, files, tmp_path, settings, sqlite_template
):
    UserFactory(email="stays@example.com")
    UserFactory(email="leaves@example.com")
    path = _take(file_db, tmp_path)
    settings.BACKUP_KEY = KEY
    fresh = copy_of(sqlite_template, tmp_path / "fresh.sqlite3")
    settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT = tmp_path / "media2", tmp_path / "private2"

    with default_connection_on(fresh):
        # The new install logged a deletion after the backup was taken (its own log survives the restore).
        deletions.record(emails=["leaves@example.com"], when=timezone.now() + timedelta(seconds=1))
        call_command("restore", str(path), stdout=io.StringIO())
        emails = set(get_user_model().objects.values_list("email", flat=True))
        logged = DeletionLog.objects.count()

    assert emails == {"stays@example.com"}
    assert logged == 1
    for name, original in files.items():
        restored = tmp_path / name.replace("media/", "media2/", 1).replace("private/", "private2/", 1)
        assert _sha(restored) == _sha(original)


def test_restore_refuses_an_install_that_already_has_accounts(file_db, files, tmp_path, settings):
    path = _take(file_db, tmp_path)
    settings.BACKUP_KEY = KEY
    UserFactory(email="someone@example.com")

    with pytest.raises(CommandError, match="already has accounts"):
        call_command("restore", str(path), stdout=io.StringIO())

    assert get_user_model().objects.filter(email="someone@example.com").exists()


def test_restore_refuses_to_replace_a_file_with_other_content(file_db, files, tmp_path, settings):
    path = _take(file_db, tmp_path)
    settings.BACKUP_KEY = KEY
    files["private/products/guide.pdf"].write_bytes(b"another guide")

    with pytest.raises(CommandError, match="other content"):
        call_command("restore", str(path), force=True, stdout=io.StringIO())

    assert files["private/products/guide.pdf"].read_bytes() == b"another guide"


def test_restore_check_verifies_without_changing_anything(file_db, files, tmp_path, settings):
    path = _take(file_db, tmp_path)
    settings.BACKUP_KEY = KEY
    out = io.StringIO()

    call_command("restore", str(path), check=True, stdout=out)

    assert "is intact: 3 file(s)" in out.getvalue()
