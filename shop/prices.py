"""Prices as readers see them: a product's change empties the page cache and tells headless frontends (connected
in shop.apps)."""

from core import pagecache, publish_webhooks


def purge_pages_showing(sender, instance, **kwargs) -> None:
    pagecache.purge(reason=f"product {instance.pk} changed")


def notify_product_changed(sender, instance, **kwargs) -> None:
    publish_webhooks.notify(
        event="product.changed", page_id=None, page_type="shop.Product", url_path=None, product_id=instance.pk
    )
