"""Helpers the SEO/oEmbed protocol shares across rooms: absolute URLs, per-request caching, JSON-LD, thumbnails.

Page types answer the protocol with plain methods (`structured_data(request)`, `oembed(request, *, maxwidth,
maxheight)`, `search_summary`, `social_image`); these helpers build the answers. The website's site frame
(website/seo.py, its template tags) adds the site settings, breadcrumbs and meta tags around them.
"""

from __future__ import annotations

import json
from urllib.parse import urljoin

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import mark_safe

SCHEMA = "https://schema.org"
OEMBED_WIDTH, OEMBED_HEIGHT = 600, 240


def request_cache(request, key, load):
    """Compute `load()` once per request (or every time without a request)."""
    if request is None:
        return load()
    cache = request.__dict__.setdefault("_website_cache", {})
    if key not in cache:
        cache[key] = load()
    return cache[key]


def absolute(request, url: str) -> str:
    if url.startswith(("http://", "https://")):
        return url
    if request is not None:
        return request.build_absolute_uri(url)
    return urljoin(settings.WAGTAILADMIN_BASE_URL, url)


def absolute_image_url(request, image, spec: str) -> str:
    return absolute(request, image.get_rendition(spec).url)


def oembed_card(
    request, *, url: str, title: str, aside: str = "", summary: str, maxwidth: int | None, maxheight: int | None
) -> dict:
    """The rich oEmbed answer of every page type: a quoted card linking back, within the consumer's maxwidth/maxheight.

    `aside` follows the link (" by the author", " · the price"); everything is escaped here.
    """
    width = min(maxwidth or OEMBED_WIDTH, OEMBED_WIDTH)
    height = min(maxheight or OEMBED_HEIGHT, OEMBED_HEIGHT)
    html = (
        f'<blockquote class="backcare-embed" style="margin:0;max-width:{width}px">'
        f'<p><a href="{escape(absolute(request, url))}">{escape(title)}</a>{escape(aside)}</p>'
        f"<p>{escape(summary)}</p></blockquote>"
    )
    return {"type": "rich", "title": title, "html": html, "width": width, "height": height}


def oembed_thumbnail(request, image, *, maxwidth: int | None, maxheight: int | None) -> dict:
    """A 16:9 thumbnail no larger than the consumer's maxwidth/maxheight."""
    width, height = 640, 360
    if maxwidth and maxwidth < width:
        width, height = maxwidth, maxwidth * 9 // 16
    if maxheight and maxheight < height:
        width, height = maxheight * 16 // 9, maxheight
    width, height = max(width, 16), max(height, 9)
    return thumbnail_fields(request, image, f"fill-{width}x{height}|format-jpeg")


def thumbnail_fields(request, image, spec: str) -> dict:
    """oEmbed's thumbnail_url/_width/_height for a rendition of `image`."""
    rendition = image.get_rendition(spec)
    return {
        "thumbnail_url": absolute(request, rendition.url),
        "thumbnail_width": rendition.width,
        "thumbnail_height": rendition.height,
    }


def json_ld(obj) -> str:
    """JSON safe inside <script>: no '</script>' or HTML comment can close it early."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=str)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(raw, escaped)
    # Safe to mark safe: json.dumps output with <, > and & escaped: inert inside <script>.
    return mark_safe(text)  # nosec B308, B703
