"""Site-wide plumbing views: the health check and uploaded media in embedded mode."""

import logging
import posixpath

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import Http404, JsonResponse
from django.views import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

# The folders of MEDIA_ROOT that hold files anyone may fetch: Wagtail's original images, their renditions
# and admin avatars. Documents (MEDIA_ROOT/documents/) are not among them: only Wagtail's document view at
# /documents/<id>/<name>, which checks the privacy of the document's collection, may serve them.
PUBLIC_MEDIA_FOLDERS = frozenset({"images", "original_images", "avatar_images"})


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers a query, 503 when it does not (for load balancers and uptime checks)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database does not answer")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def media(request, path):
    """Public uploaded media in embedded mode (SERVE_MEDIA=1); elsewhere the web server or a CDN serves them."""
    if not settings.SERVE_MEDIA:
        raise Http404("Media are served by the web server.")
    # The same normalisation static.serve applies, so "images/../documents/x" is judged as "documents/x".
    path = posixpath.normpath(path).lstrip("/")
    if path.split("/", 1)[0] not in PUBLIC_MEDIA_FOLDERS:
        raise Http404("Not a public media file.")
    response = static.serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = "public, max-age=86400"
    return response
