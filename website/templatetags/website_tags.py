"""Template tags for the site frame: meta tags, JSON-LD, breadcrumbs, navigation, sharing."""

import html
from urllib.parse import quote, urlencode

from django import template
from django.utils.safestring import mark_safe
from wagtail.models import Page

from website import seo

register = template.Library()

SHARE_IMAGE_SPEC = seo.SHARE_IMAGE_SPEC


def _crumbs(context):
    request = context.get("request")
    page = context.get("page")
    extra = tuple(context.get("extra_breadcrumbs") or ())
    return seo.request_cache(request, ("breadcrumbs", extra), lambda: seo.breadcrumbs(request, page, extra))


@register.simple_tag(takes_context=True)
def page_meta(context) -> dict:
    """Title, description, canonical URL and share picture for the page being shown."""
    request = context.get("request")
    page = context.get("page")
    settings = seo.site_settings(request)
    site_name = settings.site_name
    if context.get("meta_title"):
        title = context["meta_title"]
    elif page is not None and getattr(page, "title", None):
        title = page.seo_title or page.title
    else:
        title = ""
    description = (context.get("meta_description") or seo.summary_of(page) or settings.tagline or "").strip()
    if len(description) > 300:
        description = description[:297].rsplit(" ", 1)[0] + "…"
    image = context.get("social_image") or getattr(page, "social_image", None) or settings.default_share_image
    meta = {
        "title": f"{title} · {site_name}" if title and title != site_name else site_name,
        "og_title": title or site_name,
        "site_name": site_name,
        "description": description,
        "canonical": seo.canonical_url(request) if request is not None else "",
        "og_type": context.get("og_type") or "website",
        "twitter_site": settings.twitter_handle,
        "image": None,
    }
    rendition = seo.rendition(image, SHARE_IMAGE_SPEC) if image is not None else None
    if rendition is not None:
        alt = getattr(page, "hero_alt", "") if image == getattr(page, "hero_image", None) else ""
        meta["image"] = {
            "url": seo.absolute(request, rendition.url),
            "width": rendition.width,
            "height": rendition.height,
            "alt": alt or image.default_alt_text or "",
        }
    if page is not None and getattr(page, "pk", None) and request is not None:
        for kind in ("json", "xml"):
            query = urlencode({"url": meta["canonical"], "format": kind})
            meta[f"oembed_{kind}"] = seo.absolute(request, f"/oembed?{query}")
    return meta


@register.simple_tag(takes_context=True)
def structured_data(context):
    """One <script type="application/ld+json"> per object the page returns, plus its BreadcrumbList."""
    request = context.get("request")
    page = context.get("page")
    objects = context.get("structured_data")
    if objects is None:
        method = getattr(page, "structured_data", None)
        objects = method(request) if callable(method) else []
    objects = [*objects, seo.breadcrumb_list(request, _crumbs(context))]
    scripts = (f'<script type="application/ld+json">{seo.json_ld(obj)}</script>' for obj in objects)
    # Safe to mark safe: fixed tags around seo.json_ld, which escapes <, > and &.
    return mark_safe("\n".join(scripts))  # nosec B308, B703


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    return {"crumbs": _crumbs(context)}


def _top_pages(request) -> list[Page]:
    """The home page's live children, for the header menu and the footer (website.seo.top_pages)."""
    return seo.top_pages(request)


@register.simple_tag(takes_context=True)
def site_nav(context) -> list[dict]:
    """The home page's live children marked "show in menus", in tree order."""
    request = context.get("request")
    if request is None:
        return []
    items = []
    for row in _top_pages(request):
        url = row.get_url(request) if row.show_in_menus else None
        if url:
            items.append({"title": row.title, "url": url, "active": request.path.startswith(url)})
    return items


@register.simple_tag(takes_context=True)
def legal_links(context) -> list[dict]:
    """The live legal pages (terms, refunds, privacy and any the editors add) under the home page, for the footer."""
    from website.models import LegalPage

    request = context.get("request")
    if request is None:
        return []
    # The content type tells a legal page apart without loading its specific row: no query beyond the menu's.
    rows = (row for row in _top_pages(request) if row.specific_class is LegalPage)
    return [{"title": row.title, "url": url} for row in rows if (url := row.get_url(request))]


@register.simple_tag(takes_context=True)
def share_data(context, page) -> dict:
    """The link code and the share links for an article."""
    request = context.get("request")
    url = seo.absolute(request, page.get_url(request) or request.path)
    author = getattr(page, "author", None)
    # Plain text (the template escapes it once more inside the textarea).
    code = f'<a href="{html.escape(url)}">{html.escape(page.title, quote=False)}</a>'
    if author:
        code += f" by {html.escape(str(author), quote=False)}"
    text = f"{page.title} by {author}" if author else page.title
    q = quote
    return {
        "url": url,
        "html": code,
        "links": [
            ("Email", f"mailto:?subject={q(page.title)}&body={q(text + ' ' + url)}"),
            ("Bluesky", f"https://bsky.app/intent/compose?text={q(text + ' ' + url)}"),
            ("X", f"https://twitter.com/intent/tweet?url={q(url)}&text={q(text)}"),
            ("Facebook", f"https://www.facebook.com/sharer/sharer.php?u={q(url)}"),
            ("LinkedIn", f"https://www.linkedin.com/sharing/share-offsite/?url={q(url)}"),
            ("WhatsApp", f"https://wa.me/?text={q(text + ' ' + url)}"),
        ],
    }


@register.filter
def page_range_window(page_obj, window: int = 2):
    """Page numbers around the current one, with None for the gaps: 1 … 4 5 [6] 7 8 … 20."""
    if page_obj is None:
        return []
    current, last = page_obj.number, page_obj.paginator.num_pages
    numbers = sorted({1, last, *range(max(1, current - window), min(last, current + window) + 1)})
    out, previous = [], 0
    for number in numbers:
        if number - previous > 1:
            out.append(None)
        out.append(number)
        previous = number
    return out
