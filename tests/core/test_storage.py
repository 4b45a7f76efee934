"""Every paid file, the shop's and the courses', is stored by the one private storage."""

from django.core.files.storage import storages

from core.storage import private_storage, unwrap
from courses.models import LessonFile
from shop.models import ProductFile


def test_guide_and_lesson_files_share_the_one_private_storage():
    for model in (ProductFile, LessonFile):
        field = model._meta.get_field("file")
        assert field._storage_callable is private_storage
        assert unwrap(field.storage) is storages["private"]
        assert unwrap(field.storage) is not storages["default"]


def test_the_private_storage_follows_a_change_of_storages(settings, tmp_path):
    field = ProductFile._meta.get_field("file")
    before = unwrap(field.storage)

    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }

    assert unwrap(field.storage) is not before
    assert unwrap(field.storage).location == str(tmp_path)
