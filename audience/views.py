"""The audience's one public view: the anonymous page-view beacon. It reads no cookie and sets none."""

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from audience import counting


def _no_content() -> HttpResponse:
    response = HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@require_POST
def page_view(request):
    """POST page=<id> from navigator.sendBeacon: one INSERT, or nothing under DNT / GPC or for a malformed id."""
    if counting.refused(request.META):
        return _no_content()
    page_id = counting.page_id_from(request.POST.get("page"))
    if page_id is not None:
        counting.record(page_id=page_id)
    return _no_content()
