"""What empties the page cache across the site: Wagtail's page, privacy, redirect, image, snippet and setting changes.

Connected once by core.apps; every receiver calls core.pagecache.purge. Rooms name their own models that pages or
cached answers show with `watch()` (the shop's products, the website's topics), so that those purge even when no
admin registration makes them snippets.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail import signals as wagtail_signals
from wagtail.contrib.redirects.models import Redirect
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.documents.models import AbstractDocument
from wagtail.images.models import AbstractImage
from wagtail.models import CollectionViewRestriction, Page, PageViewRestriction, Site
from wagtail.snippets.models import get_snippet_models

from core import pagecache

# Whatever pages show besides pages themselves: a save or delete of any of these empties the cache.
SHOWN_ON_PAGES = (
    PageViewRestriction,
    CollectionViewRestriction,
    Redirect,
    Site,
    AbstractImage,
    AbstractDocument,
    BaseSiteSetting,
    BaseGenericSetting,
)
# Bookkeeping an image writes about itself while a page renders it: no reader sees it, no purge.
IMAGE_BOOKKEEPING = frozenset({"file_hash", "file_size"})


def _page_event(sender, instance=None, **kwargs):
    pagecache.purge(reason=f"page {getattr(instance, 'pk', '')} published, unpublished or moved")


def _saved(sender, instance, created=False, update_fields=None, **kwargs):
    if isinstance(instance, Page):
        # Publishing, unpublishing and moving send their own signals; a new alias goes live without them, and a
        # live page's row also changes by plain saves (commands, scripts). A draft of a live page purges too: rare.
        if instance.live:
            pagecache.purge(reason=f"live page {instance.pk} saved")
        return
    _changed(sender, instance, update_fields=update_fields)


def _deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        pagecache.purge(reason=f"page {instance.pk} deleted")
        return
    _changed(sender, instance)


def _changed(sender, instance, update_fields=None):
    if isinstance(instance, AbstractImage) and update_fields and set(update_fields) <= IMAGE_BOOKKEEPING:
        return
    if isinstance(instance, SHOWN_ON_PAGES) or sender in get_snippet_models():
        pagecache.purge(reason=f"{sender._meta.label} {instance.pk} changed")


def _watched_saved(sender, instance, **kwargs):
    pagecache.purge(reason=f"{sender._meta.label} {instance.pk} changed")


def _watched_relation_changed(sender, instance, action, **kwargs):
    if action.startswith("post_"):
        pagecache.purge(reason=f"{type(instance)._meta.label} {instance.pk} relations changed")


def watch(model) -> None:
    """Purge whenever a row of `model` is saved or deleted, or one of its many-to-many relations changes (a bundle's
    contents): for models that pages or public answers show and that are neither pages nor snippets."""
    label = model._meta.label_lower
    post_save.connect(_watched_saved, sender=model, dispatch_uid=f"core.purges.watch.saved.{label}")
    post_delete.connect(_watched_saved, sender=model, dispatch_uid=f"core.purges.watch.deleted.{label}")
    for field in model._meta.local_many_to_many:
        m2m_changed.connect(
            _watched_relation_changed,
            sender=field.remote_field.through,
            dispatch_uid=f"core.purges.watch.m2m.{label}.{field.name}",
        )


def connect() -> None:
    for signal in (wagtail_signals.page_published, wagtail_signals.page_unpublished, wagtail_signals.post_page_move):
        signal.connect(_page_event, dispatch_uid=f"core.purges.{id(signal)}")
    # Snippets with drafts announce publishing with Wagtail's generic signals.
    wagtail_signals.published.connect(_page_event, dispatch_uid="core.purges.published")
    wagtail_signals.unpublished.connect(_page_event, dispatch_uid="core.purges.unpublished")
    post_save.connect(_saved, dispatch_uid="core.purges.saved")
    post_delete.connect(_deleted, dispatch_uid="core.purges.deleted")
