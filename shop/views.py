"""The shop's views: each parses the request, calls one domain function and renders."""

import logging

from django.http import HttpResponse

logger = logging.getLogger(__name__)


def download(request, token):
    return HttpResponse(status=404)
