"""Lesson files on the object store: whole files and ranges streamed from it, and a file gone (from the store or
from disk) answers a plain 503 page rather than a server error."""

from django.urls import reverse

from courses.blocks import file_ids_in
from courses.models import LessonFile
from tests.courses.conftest import grant
from tests.objectstore import keys


def _url(lesson):
    (file_id,) = file_ids_in(lesson.body)
    return reverse("courses:lesson_file", args=[lesson.pk, file_id]), LessonFile.objects.get(pk=file_id)


def test_a_range_of_a_lesson_file_on_the_store_is_just_those_bytes(object_store, moto_server, client, world, student):
    url, lesson_file = _url(world.paid_lesson)
    assert lesson_file.file.name in keys(moto_server, object_store.private_bucket)
    with lesson_file.file.open("rb") as handle:
        content = handle.read()
    grant(student, world.product)
    client.force_login(student)

    whole = client.get(url)
    part = client.get(url, HTTP_RANGE="bytes=3-9")

    assert whole.status_code == 200
    assert b"".join(whole.streaming_content) == content
    assert part.status_code == 206
    assert b"".join(part.streaming_content) == content[3:10]


def test_a_lesson_file_gone_from_the_store_is_a_plain_503(object_store, client, world, student):
    url, lesson_file = _url(world.paid_lesson)
    lesson_file.file.storage.delete(lesson_file.file.name)
    grant(student, world.product)
    client.force_login(student)

    response = client.get(url)

    assert response.status_code == 503
    assert b"cannot be opened right now" in response.content
    assert response["Cache-Control"] == "private, no-store"


def test_a_lesson_file_gone_from_disk_is_a_plain_503(client, world, student):
    url, lesson_file = _url(world.paid_lesson)
    lesson_file.file.storage.delete(lesson_file.file.name)
    grant(student, world.product)
    client.force_login(student)

    assert client.get(url).status_code == 503
