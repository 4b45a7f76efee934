"""What every room's demo loader shares: the default site's home page, get-or-publish of a section page,
and the demo's generated pictures as Wagtail images (drawn by core/demo_art.py)."""

import io
from collections.abc import Callable

from django.core.files.images import ImageFile
from django.db.models import Model
from wagtail.images.models import Image
from wagtail.models import Page, ReferenceIndex, Site


def default_home() -> Page | None:
    """The default site's root page, or None before the website demo made one."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    return site.root_page.specific if site else None


def published_child(parent: Page, model: type[Page], **fields) -> Page:
    """The parent's first child of this type; made from `fields` and published when there is none yet."""
    page = model.objects.child_of(parent).first()
    if page is None:
        page = parent.add_child(instance=model(**fields))
        page.save_revision().publish()
    return page


_drawn: dict[str, bytes] = {}


def picture(*, title: str, draw: Callable[[], bytes]) -> Image:
    """The Wagtail image with this title, drawn (PNG) and stored the first time it is asked for."""
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    if title not in _drawn:  # a title always names the same drawing; tests load the demo many times
        _drawn[title] = draw()
    slug = "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-")
    while "--" in slug:
        slug = slug.replace("--", "-")
    return Image.objects.create(title=title, file=ImageFile(io.BytesIO(_drawn[title]), name=f"{slug[:80]}.png"))


def is_generated_by_older_demo(image: Image | None, titles: set[str]) -> bool:
    """True when `image` is one of the plain gradients an older demo drew (known by its title)."""
    return image is not None and image.title in titles


def forget_older_pictures(titles: set[str], *, still_used_by: list[tuple[type[Model], str]]) -> None:
    """Delete the older demo's pictures that nothing points at any more (checked field by field and in the
    reference index), so an upgraded install does not keep the old gradients in its image library."""
    for image in Image.objects.filter(title__in=titles):
        used = any(model.objects.filter(**{field: image}).exists() for model, field in still_used_by)
        if not used and not ReferenceIndex.get_references_to(image).exists():
            image.delete()
