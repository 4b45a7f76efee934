"""Prices as readers see them: a product's change empties the page cache (connected in shop.apps)."""

from core import pagecache


def purge_pages_showing(sender, instance, **kwargs) -> None:
    pagecache.purge(reason=f"product {instance.pk} changed")
