"""Which pages a reader may see: Wagtail's view restrictions, followed through aliases to their sources.

Wagtail serves an alias under its source page's own restrictions but not under those of the source's
section, and `PageQuerySet.public()` ignores aliases altogether, so an alias of a private page would be
public. Here a *private section* is a restricted page's subtree, or the subtree of an alias whose source
lies in a private section (followed to a fixed point, so aliases of aliases count too). Every surface
asks this module: page serving (every page type mixes in `AliasAwarePrivacyMixin`, which Wagtail's own
serving check and admin call), oEmbed, search, feeds, the sitemap, listings and the v2 API.

Sections cost one query when no page is restricted and two when some are; within a request they are
found once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from wagtail.models import Page, PageViewRestriction

REQUEST_ATTRIBUTE = "_private_page_sections"


@dataclass(frozen=True)
class Section:
    """The subtree at `path` is visible only to requests that pass `restriction`."""

    path: str
    restriction: PageViewRestriction


def find_sections() -> list[Section]:
    """Every private section of the page tree, aliases of private pages (and aliases of those) included."""
    sections = [Section(r.page.path, r) for r in PageViewRestriction.objects.select_related("page").order_by("pk")]
    if not sections:
        return sections
    aliases = list(Page.objects.filter(alias_of__isnull=False).values_list("path", "alias_of__path"))
    seen = {(section.path, section.restriction.pk) for section in sections}
    frontier = sections
    while frontier:
        found = []
        for alias_path, source_path in aliases:
            for section in frontier:
                key = (alias_path, section.restriction.pk)
                if source_path.startswith(section.path) and key not in seen:
                    seen.add(key)
                    found.append(Section(alias_path, section.restriction))
        sections.extend(found)
        frontier = found
    return sections


def sections_for(request: HttpRequest | None) -> list[Section]:
    """The private sections, found once per request (every time without one)."""
    if request is None:
        return find_sections()
    sections = getattr(request, REQUEST_ATTRIBUTE, None)
    if sections is None:
        sections = find_sections()
        setattr(request, REQUEST_ATTRIBUTE, sections)
    return sections


def _inside_q(sections: list[Section]) -> Q:
    """Pages inside any of `sections`: a filter on `path` alone, which every search backend accepts."""
    return reduce(or_, (Q(path__startswith=section.path) for section in sections))


def public(queryset: QuerySet, *, request: HttpRequest | None = None) -> QuerySet:
    """The pages of `queryset` an anonymous reader may see (replaces `PageQuerySet.public()`)."""
    sections = sections_for(request)
    return queryset.exclude(_inside_q(sections)) if sections else queryset


def visible(queryset: QuerySet, *, request: HttpRequest) -> QuerySet:
    """The pages of `queryset` this request may see: it passes the restriction of every section they lie in."""
    refused = [s for s in sections_for(request) if not _accepts(s.restriction, request)]
    return queryset.exclude(_inside_q(refused)) if refused else queryset


def restrictions_for(page: Page, *, request: HttpRequest | None = None) -> list[PageViewRestriction]:
    """Every restriction guarding `page`: its own section's, and those of its alias source's section."""
    restrictions = []
    for section in sections_for(request):
        if page.path.startswith(section.path) and section.restriction not in restrictions:
            restrictions.append(section.restriction)
    return restrictions


def is_public(page: Page, *, request: HttpRequest | None = None) -> bool:
    return not restrictions_for(page, request=request)


def _accepts(restriction: PageViewRestriction, request: HttpRequest) -> bool:
    cache = request.__dict__.setdefault("_private_page_accepts", {})
    if restriction.pk not in cache:
        cache[restriction.pk] = restriction.accept_request(request)
    return cache[restriction.pk]


SERVING_REQUEST_ATTRIBUTE = "_privacy_serving_request"


def serving(page: Page, request: HttpRequest) -> None:
    """Tell a page Wagtail routed to which request it is being served for (core.wagtail_hooks, before Wagtail's
    restriction check): its check then shares the request's sections with every listing on the page."""
    setattr(page, SERVING_REQUEST_ATTRIBUTE, request)


class AliasAwarePrivacyMixin:
    """Mixed into every page type: Wagtail's serving check and admin see the restrictions of an alias's source
    section too (Wagtail's own `get_view_restrictions` follows an alias to its source page only)."""

    def get_view_restrictions(self):
        if not self.path:  # not in the tree yet (a new page's preview): Wagtail's own answer
            return super().get_view_restrictions()
        request = getattr(self, SERVING_REQUEST_ATTRIBUTE, None)
        ids = [restriction.pk for restriction in restrictions_for(self, request=request)]
        return PageViewRestriction.objects.filter(pk__in=ids)
