"""Prices as readers see them: a product's change tells headless frontends (connected in shop.apps; the page
cache purge is core.purges.watch's)."""

from core import publish_webhooks


def notify_product_changed(sender, instance, **kwargs) -> None:
    publish_webhooks.notify(
        event="product.changed", page_id=None, page_type="shop.Product", url_path=None, product_id=instance.pk
    )
