"""Backups: one encrypted archive of the database, the uploaded media and the private files, and reading it back.

Called by the `backup` command (core) and the `restore` command (config, which then re-applies the deletion log).

The database is copied first and online (SQLite's backup API, `pg_dump` for PostgreSQL), then the files: uploads
are never overwritten, so the files present after the copy cover every row in it. Inside is a tar stream: the
database, `media/…` (MEDIA_ROOT), `private/…` (PRIVATE_MEDIA_ROOT) and last `manifest.json` (when, which
revision, which database, every file with its size and SHA-256). With the object store configured (S3_BUCKET),
`media/…` and `private/…` are the objects of its public and private places, by the names the rows hold, streamed
from it and written back to it on restore. The stream is encrypted as it is written, in
1 MiB chunks of AES-256-GCM under a key derived from BACKUP_KEY and a random salt; each chunk's nonce carries its
number and whether it is the last, so a reordered, cut or altered archive does not open. The file is created
with mode 0600: it holds buyers' data, sessions and tokens.
"""

import base64
import binascii
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import shutil
import sqlite3
import struct
import subprocess
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import storages
from django.db import connections
from django.utils import timezone

from core import storage as file_storage
from core.models import DeletionLog

logger = logging.getLogger(__name__)

FORMAT = 1
MAGIC = b"BCBACKUP"
SALT_SIZE = 16
CHECK_SIZE = 16
HEADER_SIZE = len(MAGIC) + 1 + SALT_SIZE + CHECK_SIZE
CHUNK = 1024 * 1024
TAG_SIZE = 16
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
FILE_ROOTS = {"media": "MEDIA_ROOT", "private": "PRIVATE_MEDIA_ROOT"}
# The same places as storages: on the object store the backup reads and writes through them.
FILE_STORAGES = {"media": "default", "private": "private"}
NAME = re.compile(r"^backcare-\d{8}T\d{6}Z\.backup$")
MANIFEST_MAX = 64 * 1024 * 1024


class BackupError(Exception):
    """A backup cannot be made or read; the message says why, for the person running the command."""


@dataclass(frozen=True)
class Restored:
    manifest: dict
    files_written: int
    files_present: int
    # The install's own deletion log from before the restore, to add back once the database is migrated.
    kept_deletions: list[tuple[str, datetime]]


# --- The key and the encrypted stream ----------------------------------------------------------------


def new_key() -> str:
    """A fresh BACKUP_KEY: 32 random bytes, URL-safe base64 (the same shape as a Fernet key)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def parse_key(key: str) -> bytes:
    if not key:
        raise BackupError("BACKUP_KEY is not set: set it in the environment (`manage.py backup --new-key` makes one).")
    try:
        raw = base64.urlsafe_b64decode(key.strip().encode())
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise BackupError("BACKUP_KEY must be 32 bytes in URL-safe base64 (`manage.py backup --new-key` makes one).")
    return raw


def _keys(raw: bytes, salt: bytes) -> tuple[bytes, bytes]:
    derived = HKDF(algorithm=hashes.SHA256(), length=64, salt=salt, info=b"backcare-backup-v1").derive(raw)
    return derived[:32], derived[32:]


def _nonce(counter: int, *, final: bool) -> bytes:
    return struct.pack(">QI", counter, 1 if final else 0)


class EncryptingWriter:
    """A write-only file object: what is written goes out encrypted, chunk by chunk, after a header."""

    def __init__(self, raw: BinaryIO, key: bytes):
        salt = secrets.token_bytes(SALT_SIZE)
        cipher_key, check_key = _keys(key, salt)
        prefix = MAGIC + bytes([FORMAT]) + salt
        self.header = prefix + hmac.new(check_key, prefix, hashlib.sha256).digest()[:CHECK_SIZE]
        self.raw = raw
        self.aead = AESGCM(cipher_key)
        self.buffer = bytearray()
        self.counter = 0
        raw.write(self.header)

    def write(self, data: bytes) -> int:
        self.buffer += data
        # Keep at least one byte back, so the chunk written by close() is the only one marked final.
        while len(self.buffer) > CHUNK:
            self._emit(bytes(self.buffer[:CHUNK]), final=False)
            del self.buffer[:CHUNK]
        return len(data)

    def _emit(self, plain: bytes, *, final: bool) -> None:
        sealed = self.aead.encrypt(_nonce(self.counter, final=final), plain, self.header)
        self.raw.write(struct.pack(">I", len(sealed)) + sealed)
        self.counter += 1

    def close(self) -> None:
        self._emit(bytes(self.buffer), final=True)
        self.buffer.clear()


class DecryptingReader:
    """A read-only file object over an encrypted backup; raises BackupError on a wrong key or any damage."""

    def __init__(self, raw: BinaryIO, key: bytes):
        header = raw.read(HEADER_SIZE)
        if len(header) != HEADER_SIZE or not header.startswith(MAGIC):
            raise BackupError("This file is not a backup made by `manage.py backup`.")
        if header[len(MAGIC)] != FORMAT:
            raise BackupError(f"This backup has format {header[len(MAGIC)]}; this release reads format {FORMAT}.")
        salt = header[len(MAGIC) + 1 : len(MAGIC) + 1 + SALT_SIZE]
        cipher_key, check_key = _keys(key, salt)
        expected = hmac.new(check_key, header[:-CHECK_SIZE], hashlib.sha256).digest()[:CHECK_SIZE]
        if not hmac.compare_digest(expected, header[-CHECK_SIZE:]):
            raise BackupError("BACKUP_KEY does not open this backup: it was made with another key.")
        self.header = header
        self.raw = raw
        self.aead = AESGCM(cipher_key)
        self.buffer = bytearray()
        self.counter = 0
        self.done = False
        self.pending = self._read_length()

    def _read_length(self) -> int | None:
        size = self.raw.read(4)
        if not size:
            return None
        if len(size) != 4:
            raise BackupError("This backup is damaged: it ends in the middle of a chunk.")
        (length,) = struct.unpack(">I", size)
        if length < TAG_SIZE or length > CHUNK + TAG_SIZE:
            raise BackupError("This backup is damaged or was altered.")
        return length

    def _next_chunk(self) -> None:
        if self.pending is None:
            raise BackupError("This backup is damaged: it was cut short.")
        sealed = self.raw.read(self.pending)
        if len(sealed) != self.pending:
            raise BackupError("This backup is damaged: it was cut short.")
        self.pending = self._read_length()
        final = self.pending is None
        try:
            plain = self.aead.decrypt(_nonce(self.counter, final=final), sealed, self.header)
        except InvalidTag as error:
            raise BackupError("This backup is damaged or was altered: a part of it fails its check.") from error
        self.counter += 1
        self.buffer += plain
        self.done = final

    def read(self, size: int = -1) -> bytes:
        while not self.done and (size < 0 or len(self.buffer) < size):
            self._next_chunk()
        if size < 0:
            size = len(self.buffer)
        out = bytes(self.buffer[:size])
        del self.buffer[:size]
        return out


# --- Making a backup -----------------------------------------------------------------------------------


def _create_private(path: Path) -> BinaryIO:
    """A new file only its owner may read, created so (never widened, never chmod-ed afterwards)."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def git_revision() -> str | None:
    git = shutil.which("git")
    if not git or not (Path(settings.BASE_DIR) / ".git").exists():
        return None
    try:
        answer = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [git, "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return answer.stdout.strip() or None if answer.returncode == 0 else None


def _vendor(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def _pg_tool(name: str, *, alias: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(
            f"{name} is not installed: install the PostgreSQL client tools (Debian: `apt-get install "
            "postgresql-client`; `make backup` and `make restore` do it with bin/install-pg-client)."
        )
    answer = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)  # noqa: S603
    found = re.search(r"(\d+)(?:\.\d+)?", answer.stdout)
    tool = int(found.group(1)) if found else 0
    connection = connections[alias]
    connection.ensure_connection()
    server = connection.pg_version // 10000
    if tool < server:
        raise BackupError(
            f"{name} is version {tool} but the database server is {server}: install postgresql-client-{server}."
        )
    return path


def _pg_environment(alias: str) -> dict[str, str]:
    database = connections[alias].settings_dict
    env = {**os.environ, "PGDATABASE": database["NAME"], "PGCONNECT_TIMEOUT": "20"}
    for variable, key in (("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD"), ("PGHOST", "HOST"), ("PGPORT", "PORT")):
        if database.get(key):
            env[variable] = str(database[key])
    if database.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = database["OPTIONS"]["sslmode"]
    return env


def _run(command: list[str], *, env: dict[str, str], what: str) -> None:
    answer = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if answer.returncode != 0:
        raise BackupError(f"{what} failed: {answer.stderr.strip()[-2000:]}")


def dump_database(*, into: Path, alias: str = "default") -> Path:
    """An online, consistent copy of the database as one file in `into`."""
    vendor = _vendor(alias)
    target = into / DATABASE_FILES[vendor]
    if vendor == "sqlite":
        source = sqlite3.connect(connections[alias].settings_dict["NAME"], timeout=20)
        copy = sqlite3.connect(target)
        try:
            # One step: the copy is one read transaction, a snapshot; WAL lets writers go on meanwhile.
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
            if copy.execute("PRAGMA quick_check").fetchone() != ("ok",):
                raise BackupError("The copy of the SQLite database fails SQLite's own check.")
        finally:
            copy.close()
            source.close()
        return target
    pg_dump = _pg_tool("pg_dump", alias=alias)
    _run(
        [pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"],
        env=_pg_environment(alias),
        what="pg_dump",
    )
    return target


def _on_object_store(prefix: str) -> bool:
    return file_storage.is_object_store(storages[FILE_STORAGES[prefix]])


def _media_files() -> Iterator[tuple[str, Path]]:
    for prefix, setting in FILE_ROOTS.items():
        if _on_object_store(prefix):
            continue
        root = Path(getattr(settings, setting))
        if not root.is_dir():
            continue
        for folder, directories, names in os.walk(root):
            directories.sort()
            for name in sorted(names):
                path = Path(folder) / name
                if path.is_symlink() or not path.is_file():
                    continue
                yield f"{prefix}/{path.relative_to(root).as_posix()}", path


class _HashingReader:
    def __init__(self, handle: BinaryIO):
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _add(archive: tarfile.TarFile, *, name: str, path: Path) -> dict:
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        info = tarfile.TarInfo(name)
        info.size = size
        info.mode = 0o600
        info.mtime = int(os.fstat(handle.fileno()).st_mtime)
        reader = _HashingReader(handle)
        archive.addfile(info, reader)
    return {"path": name, "size": size, "sha256": reader.digest.hexdigest()}


def _object_store_files() -> Iterator[tuple[str, str, str]]:
    """(archive name, storage alias, stored name) of every object-store file, in name order."""
    for prefix, alias in FILE_STORAGES.items():
        if not _on_object_store(prefix):
            continue
        for found in sorted(file_storage.listing(storages[alias]), key=lambda found: found.name):
            yield f"{prefix}/{found.name}", alias, found.name


def _add_object(archive: tarfile.TarFile, *, name: str, alias: str, stored_name: str) -> dict:
    # The GET is made before the entry's header is written, so a file gone meanwhile leaves the archive whole.
    opened = file_storage.open_object(storages[alias], stored_name)
    try:
        info = tarfile.TarInfo(name)
        info.size = opened.size
        info.mode = 0o600
        info.mtime = int(opened.modified.timestamp())
        reader = _HashingReader(opened.body)
        archive.addfile(info, reader)
    finally:
        opened.body.close()
    return {"path": name, "size": opened.size, "sha256": reader.digest.hexdigest()}


def file_name(when: datetime) -> str:
    return f"backcare-{when.astimezone(UTC):%Y%m%dT%H%M%SZ}.backup"


def create(*, directory: Path, key: str, alias: str = "default", now: datetime | None = None) -> Path:
    """Write a new encrypted backup into `directory` (made 0700 if new) and return its path."""
    raw_key = parse_key(key)
    vendor = _vendor(alias)
    now = now or timezone.now()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    final = directory / file_name(now)
    if final.exists():
        raise BackupError(f"{final.name} already exists; wait a second and try again.")
    partial = directory / f".{final.name}.partial"
    work = directory / f".{final.name}.work"
    work.mkdir(mode=0o700)
    try:
        database = dump_database(into=work, alias=alias)
        entries = []
        with _create_private(partial) as raw:
            writer = EncryptingWriter(raw, raw_key)
            with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as archive:
                entries.append(_add(archive, name=database.name, path=database))
                database.unlink()
                for name, path in _media_files():
                    try:
                        entries.append(_add(archive, name=name, path=path))
                    except FileNotFoundError:
                        # Only thumbnails are ever deleted (Wagtail remakes a rendition); no row needs it.
                        logger.warning("A file went away while the backup ran", extra={"file": name})
                for name, storage_alias, stored_name in _object_store_files():
                    try:
                        entries.append(_add_object(archive, name=name, alias=storage_alias, stored_name=stored_name))
                    except FileNotFoundError:
                        logger.warning("A file went away while the backup ran", extra={"file": name})
                manifest = json.dumps(
                    {
                        "format": FORMAT,
                        "created_at": now.isoformat(),
                        "app": {"name": "backcare", "git_revision": git_revision()},
                        "database": {"vendor": vendor, "file": database.name},
                        "files": entries,
                    },
                    indent=1,
                ).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(manifest)
                info.mode = 0o600
                info.mtime = int(now.timestamp())
                archive.addfile(info, _BytesReader(manifest))
            writer.close()
            raw.flush()
            os.fsync(raw.fileno())
        partial.rename(final)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    logger.info("Backup written", extra={"backup": final.name, "files": len(entries)})
    return final


class _BytesReader:
    def __init__(self, data: bytes):
        self.data = memoryview(data)
        self.position = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.position + size
        out = bytes(self.data[self.position : end])
        self.position += len(out)
        return out


def backups_in(directory: Path) -> list[Path]:
    """The backups this command wrote in `directory`, oldest first (their names sort by time)."""
    if not directory.is_dir():
        return []
    return sorted(path for path in directory.iterdir() if NAME.match(path.name) and path.is_file())


def prune(*, directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups in `directory`; returns what was deleted."""
    old = backups_in(directory)[: -keep or None] if keep > 0 else []
    for path in old:
        path.unlink()
    return old


def newest_age(*, directory: Path, now: datetime | None = None) -> timedelta | None:
    found = backups_in(directory)
    if not found:
        return None
    when = datetime.strptime(found[-1].name, "backcare-%Y%m%dT%H%M%SZ.backup").replace(tzinfo=UTC)
    return (now or timezone.now()) - when


# --- Reading a backup back -------------------------------------------------------------------------------


def _safe_name(name: str, vendor_files: set[str]) -> PurePosixPath:
    path = PurePosixPath(name)
    if (
        path.is_absolute()
        or ".." in path.parts
        or name != path.as_posix()
        or not (name == MANIFEST or name in vendor_files or (len(path.parts) > 1 and path.parts[0] in FILE_ROOTS))
    ):
        raise BackupError(f"This backup holds an unexpected entry ({name!r}); nothing was restored.")
    return path


def unpack(*, source: Path, key: str, into: Path) -> dict:
    """Decrypt and unpack a backup into the empty folder `into` and check every file against the manifest.

    Returns the manifest. Raises BackupError (wrong key, damaged, altered, incomplete) having written nothing
    outside `into`.
    """
    raw_key = parse_key(key)
    found: dict[str, tuple[int, str]] = {}
    manifest_bytes = None
    try:
        handle = source.open("rb")
    except OSError as error:
        raise BackupError(f"Cannot read {source}: {error.strerror}.") from error
    with handle:
        reader = DecryptingReader(handle, raw_key)
        try:
            with tarfile.open(fileobj=reader, mode="r|") as archive:
                for member in archive:
                    path = _safe_name(member.name, set(DATABASE_FILES.values()))
                    if not member.isreg() or member.name in found or (member.name == MANIFEST and manifest_bytes):
                        raise BackupError(f"This backup holds an unexpected entry ({member.name!r}).")
                    content = archive.extractfile(member)
                    if member.name == MANIFEST:
                        if member.size > MANIFEST_MAX:
                            raise BackupError("This backup's manifest is too large.")
                        manifest_bytes = content.read()
                        continue
                    target = into.joinpath(*path.parts)
                    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                    found[member.name] = _copy_out(content, target)
        except tarfile.TarError as error:
            raise BackupError(f"This backup is damaged: {error}.") from error
    if manifest_bytes is None:
        raise BackupError("This backup has no manifest: it is incomplete.")
    try:
        manifest = json.loads(manifest_bytes)
        listed = {entry["path"]: (entry["size"], entry["sha256"]) for entry in manifest["files"]}
        vendor = manifest["database"]["vendor"]
    except (ValueError, KeyError, TypeError) as error:
        raise BackupError("This backup's manifest cannot be read.") from error
    if listed != found:
        differing = sorted(set(listed.items()) ^ set(found.items()))
        names = sorted({name for name, _ in differing})
        raise BackupError(f"This backup's files do not match its manifest: {', '.join(names[:10])}.")
    if DATABASE_FILES.get(vendor) not in found:
        raise BackupError("This backup holds no copy of the database.")
    return manifest


def _copy_out(content: BinaryIO, target: Path) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    with _create_private(target) as out:
        while block := content.read(CHUNK):
            digest.update(block)
            size += len(block)
            out.write(block)
    return size, digest.hexdigest()


def is_empty_install(*, alias: str = "default") -> bool:
    """No account exists yet: a freshly migrated database, or one with no tables at all."""
    user_model = get_user_model()
    connection = connections[alias]
    if user_model._meta.db_table not in connection.introspection.table_names():
        return True
    return not user_model.objects.using(alias).exists()


def conflicts(*, staged: Path, manifest: dict) -> list[str]:
    """Files the install already holds under a backed-up name with other content (restoring would replace them)."""
    clashing = []
    for entry in manifest["files"]:
        prefix, _, rest = entry["path"].partition("/")
        if prefix not in FILE_ROOTS:
            continue
        if _on_object_store(prefix):
            if _object_differs(alias=FILE_STORAGES[prefix], name=rest, entry=entry):
                clashing.append(entry["path"])
            continue
        target = Path(getattr(settings, FILE_ROOTS[prefix])) / rest
        if target.exists() and (target.stat().st_size != entry["size"] or _sha256(target) != entry["sha256"]):
            clashing.append(entry["path"])
    return clashing


def _object_differs(*, alias: str, name: str, entry: dict) -> bool:
    try:
        opened = file_storage.open_object(storages[alias], name)
    except FileNotFoundError:
        return False
    digest = hashlib.sha256()
    try:
        if opened.size != entry["size"]:
            return True
        for block in opened.body.iter_chunks(CHUNK):
            digest.update(block)
    finally:
        opened.body.close()
    return digest.hexdigest() != entry["sha256"]


def _load_sqlite(*, staged: Path, alias: str) -> None:
    name = connections[alias].settings_dict["NAME"]
    connections[alias].close()
    source = sqlite3.connect(staged)
    target = sqlite3.connect(name, timeout=20)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
    finally:
        target.close()
        source.close()


# Empties the schema the restore goes into (a freshly migrated install has the same tables, made empty).
DROP_TABLES = """DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() LOOP
        EXECUTE 'DROP TABLE IF EXISTS ' || quote_ident(r.tablename) || ' CASCADE';
    END LOOP;
END $$;
"""


def _load_postgresql(*, staged: Path, work: Path, alias: str) -> None:
    pg_restore = _pg_tool("pg_restore", alias=alias)
    psql = _pg_tool("psql", alias=alias)
    env = _pg_environment(alias)
    script = work / "restore.sql"
    prelude = work / "prelude.sql"
    _run(
        [pg_restore, "--no-owner", "--no-privileges", f"--file={script}", str(staged)],
        env=env,
        what="pg_restore",
    )
    with _create_private(prelude) as out:
        out.write(DROP_TABLES.encode())
    connections[alias].close()
    # One transaction for emptying and loading: a failure leaves the database as it was.
    options = ["--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--single-transaction"]
    _run(
        [psql, *options, "--file", str(prelude), "--file", str(script)],
        env=env,
        what="Loading the database with psql",
    )


def _place_files(*, staged: Path, manifest: dict) -> tuple[int, int]:
    written = present = 0
    for entry in manifest["files"]:
        prefix, _, rest = entry["path"].partition("/")
        if prefix not in FILE_ROOTS:
            continue
        if _on_object_store(prefix):
            storage = storages[FILE_STORAGES[prefix]]
            if storage.exists(rest):
                present += 1
                continue
            with (staged / entry["path"]).open("rb") as content:
                file_storage.write_exact(storage, rest, content)
            written += 1
            continue
        target = Path(getattr(settings, FILE_ROOTS[prefix])) / rest
        if target.exists():
            present += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.restoring")
        shutil.copyfile(staged / entry["path"], temporary)
        temporary.replace(target)
        written += 1
    return written, present


def restore(*, source: Path, key: str, work: Path, force: bool = False, alias: str = "default") -> Restored:
    """Bring a backup back into this install: database, media and private files, deletion log kept.

    Everything is decrypted and checked into `work` (an empty private folder) first; only then is anything in
    the install touched. Refuses an install that already has accounts unless `force`. The caller migrates and
    re-applies the deletion log afterwards (`restore` command).
    """
    manifest = unpack(source=source, key=key, into=work)
    vendor = _vendor(alias)
    if manifest["database"]["vendor"] != vendor:
        made = manifest["database"]["vendor"]
        raise BackupError(f"This is a backup of a {made} database; this install uses {vendor}.")
    if not force and not is_empty_install(alias=alias):
        raise BackupError("This install already has accounts: restore into an empty install (or pass --force).")
    clashing = conflicts(staged=work, manifest=manifest)
    if clashing:
        raise BackupError(f"Files with these names already hold other content: {', '.join(clashing[:10])}.")
    # Deletions logged here after the backup was taken must survive the restore.
    kept_log = []
    if DeletionLog._meta.db_table in connections[alias].introspection.table_names():
        kept_log = list(DeletionLog.objects.using(alias).values_list("email_hash", "deleted_at"))
    staged_database = work / DATABASE_FILES[vendor]
    if vendor == "sqlite":
        _load_sqlite(staged=staged_database, alias=alias)
    else:
        _load_postgresql(staged=staged_database, work=work, alias=alias)
    written, present = _place_files(staged=work, manifest=manifest)
    logger.info("Backup restored", extra={"backup": source.name, "files_written": written})
    return Restored(manifest=manifest, files_written=written, files_present=present, kept_deletions=kept_log)


def restore_deletion_log(*, rows: list[tuple[str, datetime]], alias: str = "default") -> int:
    """Add the logged deletions the restored database lacks; returns how many."""
    have = set(DeletionLog.objects.using(alias).values_list("email_hash", "deleted_at"))
    missing = [DeletionLog(email_hash=value, deleted_at=when) for value, when in rows if (value, when) not in have]
    DeletionLog.objects.using(alias).bulk_create(missing)
    return len(missing)
