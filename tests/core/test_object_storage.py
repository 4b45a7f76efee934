"""Files on an S3-compatible object store (config/object_storage.py, core/storage.py), against moto's server.

Uploads land in their bucket, private objects are not readable by anyone who asks the store directly, names never
collide, renditions are made once, and a backup brings the buckets' files back.
"""

import hashlib
import io
import threading

import pytest
import requests
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.storage import default_storage, storages
from django.core.management import call_command
from django.db import connection, connections
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image, Rendition
from wagtail.models import Collection, CollectionViewRestriction

from config.object_storage import ObjectStorageConfigError, ObjectStore
from core import backups
from core import storage as file_storage
from courses.models import LessonFile
from shop.models import ProductFile
from tests.databases import copy_of, default_connection_on
from tests.objectstore import keys, new_store
from tests.shop.factories import ProductFactory, UserFactory

KEY = backups.new_key()


def _png(colour="red") -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), colour).save(buffer, "PNG")
    return buffer.getvalue()


def _anonymous_get(store: ObjectStore, bucket: str, key: str) -> requests.Response:
    return requests.get(f"{store.endpoint_url}/{bucket}/{key}", timeout=10)


def test_one_bucket_needs_two_separate_prefixes():
    for media, private in (("media", "media"), ("", "private"), ("files", "files/private"), ("a/b", "a")):
        with pytest.raises(ObjectStorageConfigError):
            ObjectStore(bucket="site", media_prefix=media, private_prefix=private).storages()

    ObjectStore(bucket="site", media_prefix="media", private_prefix="private").storages()
    ObjectStore(bucket="site", private_bucket="site-private", media_prefix="", private_prefix="").storages()


@pytest.mark.django_db
def test_uploads_land_in_their_bucket_and_only_pictures_are_readable_from_the_store(object_store, moto_server):
    guide = ProductFile.objects.create(
        product=ProductFactory(), title="Guide", file=ContentFile(b"%PDF-1.4 paid guide", name="guide.pdf")
    )
    lesson = LessonFile.objects.create(title="Worksheet", file=ContentFile(b"lesson bytes", name="sheet.txt"))
    members = Collection.get_first_root_node().add_child(name="Members")
    CollectionViewRestriction.objects.create(collection=members, restriction_type=CollectionViewRestriction.LOGIN)
    document = Document.objects.create(
        title="Members' sheet", collection=members, file=ContentFile(b"members only", name="members.pdf")
    )
    picture = Image.objects.create(title="Cover", file=ImageFile(io.BytesIO(_png()), name="cover.png"))

    public, private = keys(moto_server, object_store.bucket), keys(moto_server, object_store.private_bucket)

    assert public == [picture.file.name]
    assert picture.file.name.startswith("original_images/")
    assert picture.file.name.endswith("/cover.png")
    assert sorted(private) == sorted([guide.file.name, lesson.file.name, document.file.name])
    assert document.file.name.startswith("documents/")
    for name in private:
        answer = _anonymous_get(object_store, object_store.private_bucket, name)
        assert answer.status_code == 403, name
        assert b"paid guide" not in answer.content
    shown = requests.get(picture.file.url, timeout=10)
    assert shown.status_code == 200
    assert shown.content == _png()
    assert picture.file.url.startswith(f"{object_store.endpoint_url}/{object_store.bucket}/original_images/")


@pytest.mark.django_db
def test_two_uploads_with_one_name_both_keep_their_bytes(object_store, moto_server):
    first = ProductFile.objects.create(product=ProductFactory(), title="A", file=ContentFile(b"first", name="g.pdf"))
    second = ProductFile.objects.create(product=ProductFactory(), title="B", file=ContentFile(b"second", name="g.pdf"))

    assert first.file.name != second.file.name
    assert first.file.name.endswith("/g.pdf")
    assert second.file.name.endswith("/g.pdf")
    assert len(keys(moto_server, object_store.private_bucket)) == 2
    first.file.open("rb")
    second.file.open("rb")
    assert (first.file.read(), second.file.read()) == (b"first", b"second")


@pytest.mark.django_db
def test_ranges_of_a_private_file_are_read_from_the_store_without_the_rest(object_store):
    lesson = LessonFile.objects.create(title="Video", file=ContentFile(bytes(range(256)) * 4, name="clip.mp4"))

    part = b"".join(file_storage.chunks(lesson.file.storage, lesson.file.name, start=250, length=10))
    whole = b"".join(file_storage.chunks(lesson.file.storage, lesson.file.name))

    assert part == (bytes(range(256)) * 4)[250:260]
    assert whole == bytes(range(256)) * 4


@pytest.mark.django_db
def test_a_document_has_no_address_on_the_store(object_store):
    document = Document.objects.create(title="Sheet", file=ContentFile(b"sheet", name="sheet.pdf"))

    with pytest.raises(NotImplementedError, match="no public address"):
        default_storage.url(document.file.name)


@pytest.mark.django_db
def test_a_rendition_is_made_once_and_served_from_the_public_bucket(object_store, moto_server):
    picture = Image.objects.create(title="Cover", file=ImageFile(io.BytesIO(_png()), name="cover.png"))

    first = Image.objects.get(pk=picture.pk).get_rendition("fill-32x32")
    again = Image.objects.get(pk=picture.pk).get_rendition("fill-32x32")

    assert first.pk == again.pk
    assert Rendition.objects.filter(image=picture).count() == 1
    made = [name for name in keys(moto_server, object_store.bucket) if name.startswith("images/")]
    assert made == [first.file.name]
    assert requests.get(first.url, timeout=10).status_code == 200


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a SQLite file takes the two servers' writers here")
def test_two_servers_asking_for_a_new_rendition_at_once_get_the_same_one(object_store, moto_server, file_db):
    picture = Image.objects.create(title="Cover", file=ImageFile(io.BytesIO(_png("blue")), name="cover.png"))
    start = threading.Barrier(2)
    made, errors = [], []

    def server():
        try:
            image = Image.objects.get(pk=picture.pk)
            start.wait(timeout=10)
            made.append(image.get_rendition("fill-40x40").pk)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=server) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(made) == 2
    assert made[0] == made[1]
    assert Rendition.objects.filter(image=picture).count() == 1
    rendition = Rendition.objects.get(image=picture)
    assert requests.get(rendition.url, timeout=10).status_code == 200


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="restores into a SQLite file; PostgreSQL: tests/e2e")
@pytest.mark.usefixtures("file_db", "object_store")
def test_backup_and_restore_bring_back_the_buckets_files(moto_server, tmp_path, settings, sqlite_template):
    UserFactory(email="buyer@example.com")
    guide = ProductFile.objects.create(
        product=ProductFactory(), title="Guide", file=ContentFile(b"%PDF-1.4 the guide" * 1000, name="guide.pdf")
    )
    document = Document.objects.create(title="Sheet", file=ContentFile(b"sheet bytes", name="sheet.pdf"))
    picture = Image.objects.create(title="Cover", file=ImageFile(io.BytesIO(_png()), name="cover.png"))
    stored = {
        f"private/{guide.file.name}": b"%PDF-1.4 the guide" * 1000,
        f"media/{document.file.name}": b"sheet bytes",
        f"media/{picture.file.name}": _png(),
    }

    path = backups.create(directory=tmp_path / "backups", key=KEY)
    manifest = backups.unpack(source=path, key=KEY, into=tmp_path / "out")

    listed = {entry["path"]: entry["sha256"] for entry in manifest["files"] if "/" in entry["path"]}
    assert listed == {name: _sha(content) for name, content in stored.items()}

    # A new install: empty buckets and an empty database.
    fresh_store = new_store(moto_server)
    settings.STORAGES = {**settings.STORAGES, **fresh_store.storages()}
    settings.BACKUP_KEY = KEY
    fresh = copy_of(sqlite_template, tmp_path / "fresh.sqlite3")
    with default_connection_on(fresh):
        call_command("restore", str(path), stdout=io.StringIO())
        restored_guide = ProductFile.objects.get(pk=guide.pk)
        with restored_guide.file.open("rb") as handle:
            guide_bytes = handle.read()
        restored_document = Document.objects.get(pk=document.pk)
        with restored_document.file.open("rb") as handle:
            document_bytes = handle.read()

    assert guide_bytes == stored[f"private/{guide.file.name}"]
    assert document_bytes == b"sheet bytes"
    assert keys(moto_server, fresh_store.bucket) == [picture.file.name]
    assert sorted(keys(moto_server, fresh_store.private_bucket)) == sorted([guide.file.name, document.file.name])
    assert _anonymous_get(fresh_store, fresh_store.private_bucket, guide.file.name).status_code == 403
    assert storages["default"].exists(picture.file.name)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="restores into a SQLite file; PostgreSQL: tests/e2e")
@pytest.mark.usefixtures("file_db")
def test_a_backup_taken_on_local_disk_restores_onto_the_store(moto_server, tmp_path, settings, sqlite_template):
    settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT = tmp_path / "media", tmp_path / "private"
    local = {
        "original_images/cover.png": (settings.MEDIA_ROOT, _png()),
        "documents/sheet.pdf": (settings.MEDIA_ROOT, b"members' sheet"),
        "products/guide.pdf": (settings.PRIVATE_MEDIA_ROOT, b"%PDF-1.4 guide"),
    }
    for name, (root, content) in local.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
    path = backups.create(directory=tmp_path / "backups", key=KEY)

    store = new_store(moto_server)
    settings.STORAGES = {**settings.STORAGES, **store.storages()}
    settings.BACKUP_KEY = KEY
    with default_connection_on(copy_of(sqlite_template, tmp_path / "fresh.sqlite3")):
        call_command("restore", str(path), stdout=io.StringIO())

    assert keys(moto_server, store.bucket) == ["original_images/cover.png"]
    assert keys(moto_server, store.private_bucket) == ["documents/sheet.pdf", "products/guide.pdf"]
    for name, (_, content) in local.items():
        with storages["private" if name.startswith("products/") else "default"].open(name, "rb") as handle:
            assert handle.read() == content
