"""Site-wide views that are not pages: search, robots.txt and the oEmbed provider."""

import logging

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.models import Page

from core import privacy
from website import oembed as oembed_provider
from website import search as site_search
from website import seo

logger = logging.getLogger(__name__)
RESULTS_PER_PAGE = 10


@require_GET
def search(request):
    query = site_search.clean_query(request.GET.get("q", ""))
    terms = site_search.terms_of(query)
    results_page, total = None, 0
    if terms:
        try:
            results = privacy.public(Page.objects.live(), request=request).search(query, operator="or")
            results_page = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
            total = results_page.paginator.count
        except Exception:  # a backend that chokes on a query must not cost the reader a 500
            logger.exception("Search failed for a query of %d characters", len(query))
            results_page, total = None, 0
    hits = []
    if results_page is not None:
        for found in results_page:
            page = found.specific
            hits.append(
                {
                    "page": page,
                    "url": page.get_url(request),
                    "title": site_search.highlight(page.title, terms),
                    "summary": site_search.highlight(seo.summary_of(page), terms),
                    "kind": page._meta.verbose_name,
                }
            )
    return render(
        request,
        "website/search.html",
        {
            "query": query,
            "hits": hits,
            "results_page": results_page,
            "total": total,
            "meta_title": f"Search: {query}" if query else "Search",
            "meta_description": "Search the articles on lower back pain.",
            "extra_breadcrumbs": [("Search", "/search/")],
            "structured_data": [],
        },
    )


@require_GET
@cache_control(max_age=3600, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "Disallow: /oembed",
        "",
        f"Sitemap: {seo.absolute(request, '/sitemap.xml')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_GET
def oembed(request):
    return oembed_provider.respond(request)
