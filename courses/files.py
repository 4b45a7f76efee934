"""Serving lesson files: the checks live in the view; this answers whole files and HTTP byte ranges.

The bytes come through `core.storage.chunks`: from local disk, or streamed from the object store by ranged reads.
"""

import logging
import re

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

from core import storage
from core.errors import DomainError
from courses.models import LessonFile

logger = logging.getLogger(__name__)

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def parse_range(header: str, size: int) -> tuple[int, int] | bool | None:
    """(start, end) inclusive for one satisfiable range; None to send the whole file; False if unsatisfiable."""
    match = _RANGE.match(header.strip())
    if not match:
        return None  # several ranges or another unit: the whole file is a valid answer
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        length = int(last)
        if length == 0:
            return False
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or start > end:
        return False
    return start, end


class LessonFileUnavailableError(DomainError):
    """The file is gone from storage or the store does not answer: our fault, not the student's."""

    status = 503
    code = "file_unavailable"
    title = "File unavailable"
    message = "This file cannot be opened right now. We have been told; please try again later."


def respond(*, request, lesson_file: LessonFile) -> HttpResponse:
    """The file, or the byte range asked for (206), so phones can play and seek videos."""
    try:
        size = storage.file_size(lesson_file.file.storage, lesson_file.file.name)
    except (FileNotFoundError, storage.StorageUnavailableError) as error:
        logger.exception("Could not open a lesson file", extra={"lesson_file_id": lesson_file.pk})
        raise LessonFileUnavailableError from error
    wanted = parse_range(request.headers.get("Range", ""), size) if request.headers.get("Range") else None
    if wanted is False:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    elif wanted is None and not storage.is_object_store(lesson_file.file.storage):
        response = FileResponse(lesson_file.file.open("rb"), content_type=lesson_file.content_type)
        response["Content-Length"] = str(size)
    elif wanted is None:
        response = StreamingHttpResponse(
            storage.chunks(lesson_file.file.storage, lesson_file.file.name), content_type=lesson_file.content_type
        )
        response["Content-Length"] = str(size)
    else:
        start, end = wanted
        response = StreamingHttpResponse(
            storage.chunks(lesson_file.file.storage, lesson_file.file.name, start=start, length=end - start + 1),
            status=206,
            content_type=lesson_file.content_type,
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    attachment = not lesson_file.content_type.startswith(("video/", "audio/"))
    response["Content-Disposition"] = content_disposition_header(attachment, lesson_file.filename)
    return response
