"""The site as an oEmbed provider (https://oembed.com): GET /oembed?url=…&format=json (or format=xml).

A page type answers `oembed(request, *, maxwidth, maxheight) -> dict` with its type-specific fields
(type, title, author_name, html, width, height, thumbnail_*…); pages without it get a `link`
response. This module resolves the URL to a live page an anonymous reader may see and adds the
version and provider fields. The URL may name any host the site answers to (ALLOWED_HOSTS or a
Wagtail Site). Anything else is a JSON error: 400 for a missing or malformed request, 404 for a
URL that is not a public page of this site, 501 for a format other than JSON or XML (the consumer's
mistake, so it is logged as information, not as a server error).
"""

import logging
from io import StringIO
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import DisallowedHost
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.request import validate_host
from django.utils.xmlutils import SimplerXMLGenerator
from wagtail.models import Page, Site

from core import privacy
from website import seo

MAX_URL_LENGTH = 2048
MAX_DIMENSION = 10_000
FORMATS = ("json", "xml")

logger = logging.getLogger(__name__)


class OEmbedError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def error_response(status: int, message: str) -> JsonResponse:
    response = JsonResponse({"error": message, "status": status}, status=status)
    response["Access-Control-Allow-Origin"] = "*"
    if status >= 500:
        # 501 says "no such format here": the consumer's choice, not a fault of ours to page anyone about.
        logger.info("oEmbed format not offered", extra={"status": status})
        response._has_been_logged = True  # Django's own flag: its request logger skips this answer.
    return response


def xml_response(payload: dict) -> HttpResponse:
    """oEmbed's XML format: one <oembed> element with a child per field, in the order of the JSON answer."""
    out = StringIO()
    xml = SimplerXMLGenerator(out, "utf-8")
    xml.startDocument()
    xml.startElement("oembed", {})
    for key, value in payload.items():
        xml.addQuickElement(key, str(value))
    xml.endElement("oembed")
    xml.endDocument()
    return HttpResponse(out.getvalue(), content_type="text/xml; charset=utf-8")


def parse_dimension(request, name: str) -> int | None:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isascii() or not raw.isdigit() or not 0 < int(raw) <= MAX_DIMENSION:
        raise OEmbedError(400, f"{name} must be a whole number of pixels between 1 and {MAX_DIMENSION}.")
    return int(raw)


def parse_url(request) -> tuple[str, str]:
    """(host, path) of the `url` parameter, or 400."""
    url = request.GET.get("url", "").strip()
    if not url:
        raise OEmbedError(400, "The url parameter is required.")
    if len(url) > MAX_URL_LENGTH:
        raise OEmbedError(400, "The url parameter is too long.")
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
        port = parts.port
    except ValueError as error:
        raise OEmbedError(400, "The url parameter is not a valid URL.") from error
    if parts.scheme not in {"http", "https"} or not hostname:
        raise OEmbedError(400, "The url parameter must be an absolute http(s) URL.")
    netloc = hostname if port is None else f"{hostname}:{port}"
    return netloc, unquote(parts.path or "/")


def is_own_host(request, netloc: str) -> bool:
    """Whether the URL names this site: a host Django accepts (ALLOWED_HOSTS) or a Wagtail Site's hostname."""
    hostname = netloc.rsplit(":", 1)[0] if not netloc.endswith("]") else netloc
    hostname = hostname.lower()
    # A bare "*" would make every host on the web "ours": only named hosts and domain patterns count.
    if validate_host(hostname, [host for host in settings.ALLOWED_HOSTS if host != "*"]):
        return True
    own = {request.get_host().rsplit(":", 1)[0].lower()}
    own.update(h.lower() for h in Site.objects.values_list("hostname", flat=True))
    return hostname in own


def resolve(request, netloc: str, path: str):
    """The live, public page at that address, as the site would serve it to an anonymous reader."""
    probe = HttpRequest()
    probe.method = "GET"
    probe.path = probe.path_info = path
    probe.META = {"HTTP_HOST": netloc, "SERVER_NAME": netloc.rsplit(":", 1)[0], "SERVER_PORT": "443"}
    probe.user = AnonymousUser()
    try:
        result = Page.route_for_request(probe, path)
    except (DisallowedHost, Http404):
        result = None
    if result is None:
        return None, (), {}
    page, args, kwargs = result
    if not page.live or not privacy.is_public(page, request=request):
        return None, (), {}
    return page, args, kwargs


def link_fields(request, page, *, maxwidth: int | None, maxheight: int | None) -> dict:
    data = {"type": "link", "title": page.seo_title or page.title}
    author = getattr(page, "author", None)
    if author:
        data["author_name"] = str(author)
    image = getattr(page, "social_image", None)
    if image is not None:
        data.update(seo.oembed_thumbnail(request, image, maxwidth=maxwidth, maxheight=maxheight))
    return data


def respond(request) -> HttpResponse:
    try:
        response_format = request.GET.get("format", "json") or "json"
        if response_format not in FORMATS:
            raise OEmbedError(501, "Only format=json and format=xml are offered.")
        netloc, path = parse_url(request)
        maxwidth = parse_dimension(request, "maxwidth")
        maxheight = parse_dimension(request, "maxheight")
        if not is_own_host(request, netloc):
            raise OEmbedError(404, "That URL is not a page of this site.")
        page, args, kwargs = resolve(request, netloc, path)
        if page is None:
            raise OEmbedError(404, "No public page at that URL.")
    except OEmbedError as error:
        return error_response(error.status, error.message)

    method = getattr(page, "oembed", None)
    if callable(method) and not args and not kwargs:
        data = method(request, maxwidth=maxwidth, maxheight=maxheight)
    else:
        data = link_fields(request, page, maxwidth=maxwidth, maxheight=maxheight)
    payload = {
        "version": "1.0",
        "provider_name": seo.site_settings(request).site_name,
        "provider_url": seo.absolute(request, "/"),
        "cache_age": 3600,
        **data,
    }
    payload["version"] = "1.0"
    if response_format == "xml":
        response = xml_response(payload)
    else:
        response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response
