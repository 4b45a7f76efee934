"""Helpers the SEO/oEmbed protocol shares across rooms: absolute URLs, per-request caching, JSON-LD, thumbnails.

Page types answer the protocol with plain methods (`structured_data(request)`, `oembed(request, *, maxwidth,
maxheight)`, `search_summary`, `social_image`); these helpers build the answers. The website's site frame
(website/seo.py, its template tags) adds the site settings, breadcrumbs and meta tags around them.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import urljoin

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import mark_safe

logger = logging.getLogger(__name__)

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


def rendition(image, spec: str):
    """`image`'s rendition, or None when its original file is missing from storage (a restore without its files,
    an object store that lost it): the page then answers without that picture instead of failing, as Wagtail's own
    image tags do, and the log says which file to put back."""
    from wagtail.images.models import SourceImageIOError  # a models module: API field modules import this one early

    try:
        return image.get_rendition(spec)
    except SourceImageIOError:
        logger.warning("image file missing: %s (image %s)", image.file.name, image.pk)
        return None


def absolute_image_url(request, image, spec: str) -> str | None:
    found = rendition(image, spec)
    return absolute(request, found.url) if found is not None else None


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


# A thumbnail smaller than this on either side shows nothing recognisable: below it none is offered at all.
MIN_THUMBNAIL = 16


def thumbnail_box(*, width: int, height: int, maxwidth: int | None, maxheight: int | None, keep_ratio: bool):
    """(width, height) of the largest thumbnail within our size and the consumer's maxwidth/maxheight, or None.

    With `keep_ratio` the box keeps width:height (a cropped 16:9 picture); otherwise each side is capped on its
    own and the rendition fits the picture inside (a book cover keeps its shape). Never larger than asked for,
    as oEmbed requires; None when that leaves less than MIN_THUMBNAIL pixels on a side.
    """
    box_w, box_h = min(width, maxwidth or width), min(height, maxheight or height)
    if keep_ratio:
        scale = min(box_w / width, box_h / height)
        box_w, box_h = int(width * scale), int(height * scale)
    if box_w < MIN_THUMBNAIL or box_h < MIN_THUMBNAIL:
        return None
    return box_w, box_h


def oembed_thumbnail(request, image, *, maxwidth: int | None, maxheight: int | None) -> dict:
    """A 16:9 thumbnail (640x360 at most) within the consumer's maxwidth and maxheight; {} when none fits."""
    box = thumbnail_box(width=640, height=360, maxwidth=maxwidth, maxheight=maxheight, keep_ratio=True)
    if box is None:
        return {}
    return thumbnail_fields(request, image, f"fill-{box[0]}x{box[1]}|format-jpeg")


def oembed_cover(request, image, *, maxwidth: int | None, maxheight: int | None) -> dict:
    """A cover in its own shape (300x400 at most) within maxwidth and maxheight; {} when none fits."""
    box = thumbnail_box(width=300, height=400, maxwidth=maxwidth, maxheight=maxheight, keep_ratio=False)
    if box is None:
        return {}
    fields = thumbnail_fields(request, image, f"max-{box[0]}x{box[1]}")
    if not fields or fields["thumbnail_width"] < MIN_THUMBNAIL or fields["thumbnail_height"] < MIN_THUMBNAIL:
        return {}
    return fields


def thumbnail_fields(request, image, spec: str) -> dict:
    """oEmbed's thumbnail_url/_width/_height for a rendition of `image`; {} when its file is missing."""
    found = rendition(image, spec)
    if found is None:
        return {}
    return {
        "thumbnail_url": absolute(request, found.url),
        "thumbnail_width": found.width,
        "thumbnail_height": found.height,
    }


def iso_duration(*, minutes: int) -> str:
    """An ISO 8601 duration for schema.org (timeRequired, courseWorkload): 90 minutes is "PT1H30M"."""
    hours, minutes = divmod(max(int(minutes), 0), 60)
    if hours and minutes:
        return f"PT{hours}H{minutes}M"
    return f"PT{hours}H" if hours else f"PT{minutes}M"


def nested(node: dict) -> dict:
    """A top-level schema.org object for use inside another: the outer object carries the @context."""
    return {key: value for key, value in node.items() if key != "@context"}


def offer(request, *, price: str, currency: str, available: bool, url: str, category: str = "") -> dict:
    """A schema.org Offer with what every consumer needs: price, priceCurrency, availability and an absolute url."""
    data = {
        "@type": "Offer",
        "price": price,
        "priceCurrency": currency.upper(),
        "availability": f"{SCHEMA}/InStock" if available else f"{SCHEMA}/Discontinued",
        "url": absolute(request, url),
    }
    if category:
        data["category"] = category
    return data


def json_ld(obj) -> str:
    """JSON safe inside <script>: no '</script>' or HTML comment can close it early."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=str)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(raw, escaped)
    # Safe to mark safe: json.dumps output with <, > and & escaped: inert inside <script>.
    return mark_safe(text)  # nosec B308, B703
