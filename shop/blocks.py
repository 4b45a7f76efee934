"""StreamField blocks the shop offers other apps: a product promotion for articles and lessons."""

from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from core import attribution


class PromotedProductBlock(SnippetChooserBlock):
    """The promoted product, fetched with the page that shows it and that page's cover (shop.pages)."""

    def bulk_to_python(self, values):
        from shop import pages

        return pages.products_with_pages(list(values))

    def deconstruct(self):
        # The stored definition is the plain chooser's: how products are fetched is no schema change.
        _path, args, kwargs = super().deconstruct()
        return "wagtail.snippets.blocks.SnippetChooserBlock", args, kwargs


class ProductPromotionBlock(blocks.StructBlock):
    """Cover, title, price and a link to the uncached buy page (or "you own this"): a link, never a form,
    so the page that carries it stays cacheable."""

    product = PromotedProductBlock("shop.Product")
    headline = blocks.CharBlock(required=False, max_length=120, help_text="Defaults to the product's name.")
    text = blocks.TextBlock(required=False, max_length=300, help_text="One or two sentences on why it helps.")

    class Meta:
        icon = "tag"
        label = "Product promotion"
        template = "shop/blocks/product_promotion.html"

    def get_context(self, value, parent_context=None):
        from shop import entitlements, pages

        context = super().get_context(value, parent_context=parent_context)
        product = value.get("product")
        request = (parent_context or {}).get("request")
        user = getattr(request, "user", None)
        # The page this promotion sits in (the article): its links name it, the same for every reader, so the
        # buy or enrol page can record which article led there (core.attribution).
        carrier = (parent_context or {}).get("page")
        source = attribution.Source(page_id=carrier.pk) if getattr(carrier, "pk", None) else attribution.NO_SOURCE
        source_query = f"?{source.query()}" if source else ""
        context["product"] = product
        context["page"] = pages.page_for(product)
        context["owned"] = bool(product) and product.pk in entitlements.product_ids_for(user)
        context["buy_url"] = product.get_buy_url() + source_query if product else ""
        context["source_query"] = source_query
        return context
