"""One-query page routing and view-restriction checks for the public site.

Wagtail routes a URL one tree level at a time (a query for each child, another for its specific
row) and then checks view restrictions with two more. `FastRouteMixin` on the home page finds every
page along the path in one query instead, annotated with whether it carries a view restriction, and
fetches only the final page's specific row (with the `route_select_related` that page type asks for).
The same query also brings the home page's menu children for the header, so an article costs a
constant handful of queries however large the site grows.

A page whose class overrides `route()` (a RoutablePageMixin page, for instance) is still asked to
route the rest of the path itself, unless it declares `routes_children_first = True`, meaning its
real child pages win over its sub-routes (then the path may pass through it).
"""

from django.db.models import Exists, OuterRef, Q
from wagtail.models import Page, PageViewRestriction


def _transparent(page_class) -> bool:
    return page_class.route is Page.route or getattr(page_class, "routes_children_first", False)


def fetch_specific(row: Page) -> Page:
    """The specific page for a base `Page` row, with the related rows its type asks for."""
    page_class = row.specific_class
    if page_class is None:
        return row.specific
    queryset = page_class.objects.all()
    related = getattr(page_class, "route_select_related", ())
    if related:
        queryset = queryset.select_related(*related)
    return queryset.get(pk=row.pk)


def ancestor_paths(page: Page) -> list[str]:
    steplen = page.steplen
    return [page.path[:end] for end in range(steplen, len(page.path) + 1, steplen)]


class FastRouteMixin:
    """Mixed into the site's root page type (HomePage)."""

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        url_paths = [self.url_path]
        for component in path_components:
            url_paths.append(f"{url_paths[-1]}{component}/")
        restricted = PageViewRestriction.objects.filter(page=OuterRef("pk"))
        rows = list(
            Page.objects.filter(
                Q(path__startswith=self.path, url_path__in=url_paths)
                | Q(path__in=ancestor_paths(self))
                | Q(path__startswith=self.path, depth=self.depth + 1, show_in_menus=True, live=True)
            )
            .annotate(restricted=Exists(restricted))
            .order_by("path")
        )
        by_url_path = {row.url_path: row for row in rows if row.path.startswith(self.path)}
        above = [row for row in rows if len(row.path) < len(self.path)]
        request._website_nav = [row for row in rows if row.depth == self.depth + 1 and row.show_in_menus and row.live]

        chain = []
        for position, url_path in enumerate(url_paths[1:], start=1):
            row = by_url_path.get(url_path)
            if row is None or row.specific_class is None:
                break
            chain.append(row)
            if not _transparent(row.specific_class) and position < len(path_components):
                break
        if not chain:
            return super().route(request, path_components)

        page = fetch_specific(chain[-1])
        self_row = by_url_path.get(self.url_path)
        home_restricted = self_row.restricted if self_row else True
        page._route_restricted = home_restricted or any(row.restricted for row in [*above, *chain])
        page._route_ancestors = [self, *chain[:-1]]
        return page.route(request, path_components[len(chain) :])


class RestrictionsMixin:
    """Mixed into this app's page types: view restrictions in one query, or none when routing knew."""

    def get_view_restrictions(self):
        if getattr(self, "_route_restricted", None) is False:
            return PageViewRestriction.objects.none()
        if self.alias_of_id or not self.path:
            return super().get_view_restrictions()
        return PageViewRestriction.objects.filter(page__path__in=ancestor_paths(self))


def public_q(prefix: str = "") -> Exists:
    """A filter for pages outside every privacy-restricted section, as a subquery (no extra query).

    Wagtail's `.public()` first loads every restriction in a query of its own; this expresses the same
    rule in SQL: no restricted page's path is a prefix of this page's path.
    """
    from django.db.models import F
    from django.db.models.functions import Length, Substr

    outer_path = OuterRef(f"{prefix}path")
    return ~Exists(
        PageViewRestriction.objects.annotate(restricted_path=F("page__path")).filter(
            restricted_path=Substr(outer_path, 1, Length("page__path"))
        )
    )
