"""Where uploaded files live: public media and paid files, on local disk or an S3-compatible object store.

Models name `private_storage` for paid files; the lesson-file view reads byte ranges through `chunks`; the backup
lists, reads and writes both places through `listing`, `chunks` and `write_exact`. settings.STORAGES says which
backend serves each (config/object_storage.py for the object store).
"""

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from botocore.exceptions import BotoCoreError, ClientError
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.crypto import get_random_string
from django.utils.functional import LazyObject, empty
from storages.backends import s3
from storages.utils import clean_name

# Folders of the default storage that are not public: Wagtail's documents, which only its privacy-checking view
# serves. On the object store they live in the private place, under the same names.
PRIVATE_MEDIA_FOLDERS = frozenset({"documents"})
CHUNK = 64 * 1024


class _PrivateStorage(LazyObject):
    def _setup(self):
        self._wrapped = storages["private"]


private = _PrivateStorage()


def private_storage():
    """Paid files (guides, lesson files): no URL reaches them except an access-checked view."""
    return private


@receiver(setting_changed)
def _storages_changed(*, setting, **kwargs):
    # Django resets its own storages when STORAGES changes (tests); the paid files' storage follows.
    if setting == "STORAGES":
        private._wrapped = empty


def _top_folder(name: str) -> str:
    return clean_name(name).lstrip("/").split("/", 1)[0]


class S3Storage(s3.S3Storage):
    """django-storages' S3 storage that never overwrites: every new name goes into a folder of its own.

    Checking that a name is free and then writing is two steps, and two servers saving "guide.pdf" at the same
    moment would both find it free; a random folder in every name makes that collision practically impossible,
    and keeps the file's own name (what a buyer's download is called) as it was uploaded.
    """

    def get_available_name(self, name, max_length=None):
        folder, filename = posixpath.split(clean_name(name))
        unique = posixpath.join(folder, get_random_string(10), filename)
        return super().get_available_name(unique, max_length)


class MediaStorage(Storage):
    """The default storage on the object store: pictures in the public place, Wagtail's documents in the private.

    Documents may sit in restricted collections, so none of them is ever a public object; Wagtail's document view
    checks the collection and streams them through the app (WAGTAILDOCS_SERVE_METHOD = "serve_view").
    """

    def __init__(self, *, public: dict, private: dict):
        self.public = S3Storage(**public)
        self.private = S3Storage(**private)

    def pick(self, name: str) -> S3Storage:
        return self.private if _top_folder(name) in PRIVATE_MEDIA_FOLDERS else self.public

    def _open(self, name, mode="rb"):
        return self.pick(name)._open(name, mode)

    def _save(self, name, content):
        return self.pick(name)._save(name, content)

    def get_valid_name(self, name):
        return self.public.get_valid_name(name)

    def get_available_name(self, name, max_length=None):
        return self.pick(name).get_available_name(name, max_length)

    def delete(self, name):
        self.pick(name).delete(name)

    def exists(self, name):
        return self.pick(name).exists(name)

    def listdir(self, path):
        return self.pick(path).listdir(path)

    def size(self, name):
        return self.pick(name).size(name)

    def url(self, name):
        if self.pick(name) is self.private:
            # NotImplementedError is how a storage says "no address"; Wagtail's document view then streams the file.
            raise NotImplementedError("Documents have no public address: Wagtail's document view serves them.")
        return self.public.url(name)

    def get_modified_time(self, name):
        return self.pick(name).get_modified_time(name)


def unwrap(storage):
    """The storage behind a lazy one (the paid files' storage, Django's default_storage)."""
    if isinstance(storage, LazyObject):
        if storage._wrapped is empty:
            storage._setup()
        return storage._wrapped
    return storage


def is_object_store(storage) -> bool:
    return isinstance(unwrap(storage), S3Storage | MediaStorage)


class StorageUnavailableError(Exception):
    """The file store did not answer (the object store is down or refuses us): the file is not gone."""


def read_bytes(storage, name: str) -> bytes:
    """A whole file (a guide to stamp); FileNotFoundError if it is gone, StorageUnavailableError if the store fails."""
    try:
        with storage.open(name, "rb") as handle:
            return handle.read()
    except (BotoCoreError, ClientError) as error:
        raise StorageUnavailableError(str(error)) from error


def file_size(storage, name: str) -> int:
    """The file's size; FileNotFoundError if it is gone, StorageUnavailableError if the store fails."""
    try:
        return storage.size(name)
    except (BotoCoreError, ClientError) as error:
        raise StorageUnavailableError(str(error)) from error


@dataclass(frozen=True)
class StoredFile:
    name: str
    size: int
    modified: datetime


def _list_s3(storage: S3Storage) -> Iterator[StoredFile]:
    prefix = f"{storage.location}/" if storage.location else ""
    paginator = storage.connection.meta.client.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=storage.bucket_name, Prefix=prefix):
        for entry in page.get("Contents", ()):
            if entry["Key"].endswith("/"):
                continue
            yield StoredFile(name=entry["Key"][len(prefix) :], size=entry["Size"], modified=entry["LastModified"])


def listing(storage) -> Iterator[StoredFile]:
    """Every file an object-store storage holds, by the name its FileFields use (documents under the media)."""
    storage = unwrap(storage)
    if isinstance(storage, MediaStorage):
        yield from _list_s3(storage.public)
        yield from (found for found in _list_s3(storage.private) if _top_folder(found.name) in PRIVATE_MEDIA_FOLDERS)
    elif isinstance(storage, S3Storage):
        # The private place also holds the media's documents; those belong to the default storage's listing.
        yield from (found for found in _list_s3(storage) if _top_folder(found.name) not in PRIVATE_MEDIA_FOLDERS)
    else:
        raise TypeError(f"{type(storage).__name__} is not an object-store storage")


def _s3_for(storage, name: str) -> S3Storage | None:
    storage = unwrap(storage)
    if isinstance(storage, MediaStorage):
        return storage.pick(name)
    return storage if isinstance(storage, S3Storage) else None


@dataclass
class OpenedObject:
    size: int
    modified: datetime
    body: object  # botocore's streaming body: read(n), iter_chunks(n), close()


def open_object(storage, name: str, *, start: int = 0, length: int | None = None) -> OpenedObject:
    """One GET of an object-store file (or the byte range asked for); FileNotFoundError when it is gone."""
    s3_storage = _s3_for(storage, name)
    if s3_storage is None:
        raise TypeError("open_object is for the object store")
    end = "" if length is None else str(start + length - 1)
    key = s3_storage._normalize_name(clean_name(name))
    client = s3_storage.connection.meta.client
    # No Range for a whole file: S3 refuses "bytes=0-" on an empty object.
    ranged = {"Range": f"bytes={start}-{end}"} if start or length is not None else {}
    try:
        answer = client.get_object(Bucket=s3_storage.bucket_name, Key=key, **ranged)
    except client.exceptions.NoSuchKey as error:
        raise FileNotFoundError(name) from error
    return OpenedObject(size=answer["ContentLength"], modified=answer["LastModified"], body=answer["Body"])


def chunks(storage, name: str, *, start: int = 0, length: int | None = None) -> Iterator[bytes]:
    """The file's bytes from `start` (`length` of them, or to the end), a chunk at a time.

    On the object store one ranged GET streams them: a seek in django-storages' file object would first copy the
    whole object (a lesson video) into this server's memory or a temporary file, for every range a player asks.
    """
    if _s3_for(storage, name) is None:
        yield from _local_chunks(storage, name, start=start, length=length)
        return
    if length == 0:
        return
    body = open_object(storage, name, start=start, length=length).body
    try:
        yield from body.iter_chunks(CHUNK)
    finally:
        body.close()


def _local_chunks(storage, name: str, *, start: int, length: int | None) -> Iterator[bytes]:
    with storage.open(name, "rb") as handle:
        handle.seek(start)
        remaining = length
        while remaining is None or remaining > 0:
            data = handle.read(CHUNK if remaining is None else min(CHUNK, remaining))
            if not data:
                break
            if remaining is not None:
                remaining -= len(data)
            yield data


def write_exact(storage, name: str, content) -> None:
    """Store `content` under exactly `name` (a restore puts files back where their rows point)."""
    s3_storage = _s3_for(storage, name)
    if s3_storage is None:
        raise TypeError("write_exact is for the object store; the backup writes local files itself")
    s3_storage._save(name, File(content, name=posixpath.basename(name)))
