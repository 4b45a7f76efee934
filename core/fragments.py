"""Request-scoped pieces every page of a site shows (its settings, its menu, Wagtail's site root paths), kept in
the shared cache under the page cache's generation and read together with it in one `get_many`.

On the database cache every cache read is a query, so the pieces are fetched with one read per request, however
many there are. An entry records the generation it was built under: a purge (core.pagecache.purge, after any
page, site, setting or image change, core.purges) makes every entry stale at once, so an editor's change shows on
the next request. Rooms register their pieces with `register(name, build)` from their app's `ready()`;
`build(request, site)` returns a picklable value. core.wagtail_hooks loads them before a routed page is served,
and `get()` loads them for any other view on first use. FRAGMENT_CACHE_ENABLED=False builds them every request
(the test settings: purges wait for commits that tests roll back).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from wagtail.models import Site

from core import pagecache, release

logger = logging.getLogger(__name__)

REQUEST_ATTRIBUTE = "_core_fragments"
_builders: dict[str, Callable] = {}


def register(name: str, build: Callable) -> None:
    """`build(request, site)` makes the piece `name` for a site; it must be the same for every reader."""
    _builders[name] = build


def kept() -> bool:
    """Whether built pieces are kept in the shared cache (work done while building them is saved)."""
    return getattr(settings, "FRAGMENT_CACHE_ENABLED", True)


def _site_root_paths(request, site):
    return Site.get_site_root_paths()


def load(request) -> dict:
    """Every registered piece for this request's site: from the cache when built under the current generation,
    else built (and stored). Once per request."""
    found = getattr(request, REQUEST_ATTRIBUTE, None)
    if found is not None:
        return found
    if not kept():
        # Nothing to read them with: each piece is built when first asked for, as before there was a cache.
        pieces = _Built(request)
        setattr(request, REQUEST_ATTRIBUTE, pieces)
        return pieces
    site = Site.find_for_request(request)
    builders = {"site_root_paths": _site_root_paths, **_builders}
    pieces = _cached(request, site, builders)
    setattr(request, REQUEST_ATTRIBUTE, pieces)
    # Wagtail looks here before reading its own cache entry (Page._get_site_root_paths): one read fewer.
    request._wagtail_cached_site_root_paths = pieces["site_root_paths"]
    return pieces


class _Built(dict):
    """The pieces of one request without the cache, each built on first use."""

    def __init__(self, request):
        super().__init__()
        self.request = request

    def __missing__(self, name):
        if name == "site_root_paths":
            self[name] = Site.get_site_root_paths()
        else:
            self[name] = _builders[name](self.request, Site.find_for_request(self.request))
        return self[name]


def _cached(request, site, builders: dict[str, Callable]) -> dict:
    cache = pagecache.shared_cache()
    keys = {name: f"fragment:{release.identity()}:{site.pk if site else 0}:{name}" for name in builders}
    found = cache.get_many([pagecache.GENERATION_KEY, *keys.values()])
    generation = pagecache.current_generation(found)
    pieces, missing = {}, {}
    for name, build in builders.items():
        entry = found.get(keys[name])
        if entry is not None and entry[0] == generation:
            pieces[name] = entry[1]
        else:
            pieces[name] = build(request, site)
            missing[keys[name]] = (generation, pieces[name])
    if missing:
        cache.set_many(missing, settings.PAGE_CACHE_TIMEOUT)
    return pieces


def get(request, name: str):
    """One piece for this request (built every time without a request)."""
    if request is None:
        return _builders[name](None, None)
    return load(request)[name]
