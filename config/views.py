"""Site-wide plumbing views: the health check and uploaded media in embedded mode."""

import logging
import posixpath

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, JsonResponse
from django.views import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config import health

logger = logging.getLogger(__name__)

# The folders of MEDIA_ROOT that hold files anyone may fetch: Wagtail's original images, their renditions
# and admin avatars. Documents (MEDIA_ROOT/documents/) are not among them: only Wagtail's document view at
# /documents/<id>/<name>, which checks the privacy of the document's collection, may serve them.
PUBLIC_MEDIA_FOLDERS = frozenset({"images", "original_images", "avatar_images"})


@never_cache
@require_GET
def healthz(request):
    """The site's health as JSON (config.health): 200 when everything is within its limits, 503 when not.

    `?scope=database` looks only at the database, for a load balancer deciding whether this instance can serve.
    """
    try:
        if request.GET.get("scope") == "database":
            health.database_answers()
            return JsonResponse({"status": "ok", "database": "ok"})
        report = health.check()
    except DatabaseError:
        logger.exception("Health check: the database does not answer")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse(report.checks, status=200 if report.healthy else 503)


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
