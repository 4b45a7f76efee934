"""What every public page shares: absolute URLs, site settings, breadcrumbs, meta tags, JSON-LD.

Page types plug in through plain attributes and methods, with no import of this app needed:
- `structured_data(request) -> list[dict]`: schema.org objects, each with "@context".
- `search_summary`: plain text for search results and the meta description.
- `social_image`: a Wagtail image for Open Graph / Twitter cards.
- `oembed(request, *, maxwidth, maxheight) -> dict`: see website/oembed.py.
"""

from __future__ import annotations

import contextlib

from django.conf import settings
from wagtail.images.models import SourceImageIOError
from wagtail.models import Site

from core import fragments, renditions
from core.seo import (  # noqa: F401 - the site's modules use them as seo.absolute(...)
    SCHEMA,
    absolute,
    absolute_image_url,
    iso_duration,
    json_ld,
    nested,
    oembed_card,
    oembed_cover,
    oembed_thumbnail,
    offer,
    rendition,
    request_cache,
    thumbnail_fields,
)

# The share card's picture (Open Graph, Twitter) and the JSON-LD article picture.
SHARE_IMAGE_SPEC = "fill-1200x630|format-jpeg"
STRUCTURED_DATA_IMAGE_SPEC = "fill-1200x675|format-jpeg"
SHARE_IMAGE_SPECS = (SHARE_IMAGE_SPEC, STRUCTURED_DATA_IMAGE_SPEC)


def site_settings(request):
    """This site's SiteSettings (with the share image and its renditions), once per request and from the shared
    cache between purges (core.fragments); unsaved defaults if none."""
    return fragments.get(request, "site_settings")


def build_site_settings(request, site):
    from website.models import SiteSettings

    if site is None:
        site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return SiteSettings(site_name=settings.WAGTAIL_SITE_NAME)
    found = SiteSettings.objects.select_related("default_share_image").filter(site=site).first()
    if found is None:
        return SiteSettings(site=site, site_name=site.site_name or settings.WAGTAIL_SITE_NAME)
    if found.default_share_image is not None and fragments.kept():
        # Kept with the settings, its renditions (made now if missing) cost no query on the pages that fall back to
        # it: the share card's and the JSON-LD picture's.
        renditions.prefetch([found.default_share_image])
        # When its file is missing the pages show no share picture (core.seo.rendition logs it).
        with contextlib.suppress(SourceImageIOError):
            found.default_share_image.get_renditions(*SHARE_IMAGE_SPECS)
    return found


def top_pages(request) -> list:
    """The home page's live children (plain pages, tree order) for the header menu and the footer."""
    return fragments.get(request, "top_pages")


def build_top_pages(request, site) -> list:
    from wagtail.models import Page

    root = site.root_page if site else None
    return list(Page.objects.child_of(root).live()) if root else []


def site_root(request):
    site = Site.find_for_request(request) if request is not None else None
    return site.root_page if site else None


def breadcrumbs(request, page, extra=()) -> list[tuple[str, str]]:
    """(title, URL) from the home page down to this page, then any routed sub-page crumbs."""
    crumbs: list[tuple[str, str]] = [("Home", "/")]
    root = site_root(request)
    if page is not None and getattr(page, "pk", None) and root is not None and page.path.startswith(root.path):
        # get_parent() costs no query for a page Wagtail routed to: routing keeps each parent it passed.
        chain = [page]
        while chain[0].depth > root.depth:
            chain.insert(0, chain[0].get_parent())
        crumbs[0] = ("Home", chain[0].get_url(request))
        crumbs.extend((item.title, item.get_url(request)) for item in chain[1:])
    crumbs.extend(extra)
    return crumbs


def breadcrumb_list(request, crumbs) -> dict:
    return {
        "@context": SCHEMA,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": title, "item": absolute(request, url)}
            for position, (title, url) in enumerate(crumbs, start=1)
        ],
    }


def canonical_url(request) -> str:
    url = absolute(request, request.path)
    page_number = request.GET.get("page", "")
    if page_number.isdigit() and int(page_number) > 1:
        url += f"?page={int(page_number)}"
    return url


def summary_of(page) -> str:
    if page is None:
        return ""
    return getattr(page, "search_summary", None) or getattr(page, "search_description", "") or ""
