"""What every room's demo loader shares: the default site's home page and get-or-publish of a section page."""

from wagtail.models import Page, Site


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
