"""Every rendition a page shows, fetched in one query: page types call `prefetch_for(context)` from `get_context`.

Without it each picture costs a query when the template asks for its renditions (the rendition cache is off,
config/settings.py). `images_in` finds the pictures a context already holds: the images on loaded foreign keys of
the pages, authors and products in it (their select_related rows), and the images inside their StreamFields;
`prefetch` hands each one every rendition it has, the way Wagtail's `prefetch_renditions()` does, so
`get_rendition(s)` finds them without a query (and still makes a missing one).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from copy import copy

from django.db import models
from wagtail.blocks import StreamValue, StructValue
from wagtail.blocks.list_block import ListValue
from wagtail.fields import StreamField
from wagtail.images.models import AbstractImage

# Page > body > promotion > product > its page > cover: deep enough for every page here.
MAX_DEPTH = 8


def _inside(value, shown) -> list:
    """What a value holds that may be or lead to an image, without a query."""
    if isinstance(value, models.Model):
        held = list(value._state.fields_cache.values())
        # Rows a caller attached (a promoted product's page, shop.pages).
        held += [attached for attached in value.__dict__.values() if isinstance(attached, models.Model)]
        if value is shown:
            held += [getattr(value, f.attname) for f in value._meta.concrete_fields if isinstance(f, StreamField)]
        return held
    if isinstance(value, StreamValue):
        return [child.value for child in value]
    if isinstance(value, StructValue | dict):
        return list(value.values())
    if isinstance(value, ListValue | list | tuple):
        return list(value)
    return []


def images_in(values: Iterable, *, shown=None, depth: int = MAX_DEPTH) -> list[AbstractImage]:
    """The images reachable from `values` without a query (loaded relations, lists, dicts), and those in the
    StreamFields of `shown` (the page whose body the template renders: cards never render another page's body)."""
    found: dict[int, AbstractImage] = {}
    seen: set[int] = set()
    frontier = [value for value in values if value is not None]
    for _level in range(depth + 1):
        following = []
        for value in frontier:
            if id(value) in seen:
                continue
            seen.add(id(value))
            if isinstance(value, AbstractImage):
                found[id(value)] = value
            else:
                following += [item for item in _inside(value, shown) if item is not None]
        frontier = following
    return list(found.values())


def prefetch(images: Iterable[AbstractImage]) -> None:
    """Give each image (that has none yet) all of its renditions, with one query for all of them."""
    pending = [image for image in images if image.pk and image._get_prefetched_renditions() is None]
    if not pending:
        return
    rendition_model = pending[0].get_rendition_model()
    by_image = defaultdict(list)
    for rendition in rendition_model.objects.filter(image_id__in={image.pk for image in pending}):
        by_image[rendition.image_id].append(rendition)
    for image in pending:
        # A copy per image instance: a rendition's alt text reads its own image (contextual alt text differs).
        renditions = [copy(rendition) for rendition in by_image[image.pk]]
        for rendition in renditions:
            rendition.image = image
        image.prefetched_renditions = renditions


def prefetch_for(context: dict, *, shown=None) -> None:
    """Prefetch the renditions of every image a page's template context holds, and those in `shown`'s body."""
    prefetch(images_in([*context.values(), shown], shown=shown))


class PrefetchRenditionsMixin:
    """Mixed into page types: once `serve` has built the template context (and before the template renders),
    the renditions of every picture in it are fetched in one query."""

    def shows_body(self, context: dict) -> bool:
        """Whether the template renders this page's StreamFields (a locked lesson does not)."""
        return True

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        context = getattr(response, "context_data", None)
        if context is not None and not getattr(response, "is_rendered", True):
            prefetch_for(context, shown=self if self.shows_body(context) else None)
        return response
