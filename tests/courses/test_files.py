"""Lesson files (courses/files.py and the lesson file view): private storage, access checks, byte ranges."""

from django.urls import reverse

from courses.blocks import file_ids_in
from courses.models import LessonFile
from tests.courses.conftest import grant


def _url(lesson):
    (file_id,) = file_ids_in(lesson.body)
    return reverse("courses:lesson_file", args=[lesson.pk, file_id])


def test_paid_files_live_outside_media_root_and_no_media_url_reaches_them(client, world, settings):
    settings.SERVE_MEDIA = True
    lesson_file = LessonFile.objects.first()

    path = lesson_file.file.path
    response = client.get(f"/media/{lesson_file.file.name}")

    assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not path.startswith(str(settings.MEDIA_ROOT))
    assert response.status_code == 404


def test_range_request_gets_206_with_just_those_bytes(client, world, student):
    grant(student, world.product)
    client.force_login(student)
    whole = b"".join(client.get(_url(world.paid_lesson)).streaming_content)

    response = client.get(_url(world.paid_lesson), HTTP_RANGE="bytes=5-14")

    assert response.status_code == 206
    assert b"".join(response.streaming_content) == whole[5:15]
    assert response["Content-Range"] == f"bytes 5-14/{len(whole)}"
    assert response["Cache-Control"] == "private, no-store"


def test_suffix_range_gets_the_last_bytes(client, world, student):
    grant(student, world.product)
    client.force_login(student)
    whole = b"".join(client.get(_url(world.paid_lesson)).streaming_content)

    response = client.get(_url(world.paid_lesson), HTTP_RANGE="bytes=-4")

    assert response.status_code == 206
    assert b"".join(response.streaming_content) == whole[-4:]


def test_unsatisfiable_range_is_416(client, world, student):
    grant(student, world.product)
    client.force_login(student)

    response = client.get(_url(world.paid_lesson), HTTP_RANGE="bytes=999999-")

    assert response.status_code == 416
    assert response["Content-Range"].startswith("bytes */")


def test_a_file_from_another_lesson_is_404(client, world, student):
    (paid_file,) = file_ids_in(world.paid_lesson.body)
    client.force_login(student)

    response = client.get(reverse("courses:lesson_file", args=[world.paid_preview.pk, paid_file]))

    assert response.status_code == 404


def test_locked_file_range_is_still_403(client, world, student):
    client.force_login(student)

    response = client.get(_url(world.paid_lesson), HTTP_RANGE="bytes=0-10")

    assert response.status_code == 403
