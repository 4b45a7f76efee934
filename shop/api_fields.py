"""The shop's Wagtail API v2 field: a product's public card. Imported by page models' api_fields, so no model here."""

from rest_framework.fields import Field as DrfField

from core import seo


def product_card(product, request=None) -> dict:
    """The public facts of a product, the same for every caller (safe in cacheable responses)."""
    return {
        "id": product.pk,
        "slug": product.slug,
        "name": product.name,
        "kind": product.kind,
        "price": {"amount": product.price_amount, "currency": product.currency, "display": product.price_display},
        # Absolute: a frontend on another domain links to our buy page as it is (see the README's API changelog).
        "buy_url": seo.absolute(_django_request(request), product.get_buy_url()),
    }


def _django_request(request):
    """The Django request behind a DRF one (v2 fields get DRF's), for building absolute URLs."""
    return getattr(request, "_request", request)


class ProductField(DrfField):
    """A v2 field: the product behind a course or guide page (name, price, buy link; the same for everyone)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, product):
        return product_card(product, self.context.get("request"))
