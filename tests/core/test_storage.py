"""Every paid file, the shop's and the courses', is stored by the one private storage."""

from django.core.files.storage import storages

from core.storage import private_storage
from courses.models import LessonFile
from shop.models import ProductFile


def test_guide_and_lesson_files_share_the_one_private_storage():
    for model in (ProductFile, LessonFile):
        field = model._meta.get_field("file")
        assert field._storage_callable is private_storage
        assert field.storage is storages["private"]
        assert field.storage is not storages["default"]
