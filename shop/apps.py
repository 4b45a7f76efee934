"""What buyers buy: products, orders, entitlements, Stripe."""

from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = "Shop"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from core import purges
        from shop import checks  # noqa: F401 - registers the deploy checks
        from shop.models import Product
        from shop.prices import notify_product_changed

        # Guide and course pages, the home page's offers and the catalogue show prices and a bundle's contents:
        # a product's change, or a change to what a bundle includes, purges.
        purges.watch(Product)
        # Headless frontends rebuild what shows the product when told (publish webhooks).
        post_save.connect(notify_product_changed, sender=Product, dispatch_uid="shop.products.notify_saved")
        post_delete.connect(notify_product_changed, sender=Product, dispatch_uid="shop.products.notify_deleted")
