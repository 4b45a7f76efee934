"""Tells the site frame where the view beacon posts (templates/base.html knows nothing of this room)."""

from django.conf import settings
from django.urls import reverse


def view_beacon(request) -> dict:
    if not settings.AUDIENCE_COUNT_VIEWS:
        return {}
    return {"view_beacon_url": reverse("audience:page_view")}
