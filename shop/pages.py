"""The shop's window onto pages it does not know: which page shows a product, where the legal pages live.

The shop sits below the rooms that hold pages, so it never imports a page model or walks reverse
relations to find one. Page types register here from their app's `ready()` (the website's guide and legal
pages, the courses' course pages); the shop's library, promotion block and checkout ask here.
"""

import copy
from collections.abc import Callable, Iterable

from django.db.models import Model

# Where checkout links to the terms of sale, the refund policy and the privacy notice when no page says otherwise.
LEGAL_PAGES = {"terms": "/terms/", "refund_policy": "/refund-policy/", "privacy": "/privacy/"}

_product_pages: list[tuple[type[Model], str, tuple[str, ...]]] = []
_legal_finders: list[Callable[[list[str]], dict[str, str]]] = []
# Where products_with_pages leaves each product's page, for page_for to answer without a query.
PAGE_ATTRIBUTE = "_shown_on_page"


def register_product_page(model: type[Model], *, field: str = "product", shown_with: Iterable[str] = ()) -> None:
    """Pages of `model` show the product named by their foreign key `field`; `shown_with` names the relations a
    promotion of the product shows beside it (a cover), fetched with the page."""
    entry = (model, field, tuple(shown_with))
    if entry not in _product_pages:
        _product_pages.append(entry)


def register_legal_pages(finder: Callable[[list[str]], dict[str, str]]) -> None:
    """`finder(slugs)` answers {slug: URL} for the live legal pages among those slugs."""
    if finder not in _legal_finders:
        _legal_finders.append(finder)


def page_for(product) -> Model | None:
    """The first live page that shows the product (in the order the page types registered), or None."""
    if product is None:
        return None
    attached = getattr(product, "__dict__", {})
    if PAGE_ATTRIBUTE in attached:
        return attached[PAGE_ATTRIBUTE]
    for model, field, _shown_with in _product_pages:
        page = model.objects.live().filter(**{field: product}).order_by("path").first()
        if page is not None:
            return page
    return None


def products_with_pages(ids: list) -> list:
    """The products with these ids (None where there is none), in order, each knowing its page (`page_for` answers
    without a query): one query when the first page type shows them all, as a body's promotions usually are."""
    from shop.models import Product

    found: dict = {}
    wanted = {pk for pk in ids if pk is not None}
    for model, field, shown_with in _product_pages:
        remaining = wanted - found.keys()
        if not remaining:
            break
        pages = model.objects.live().filter(**{f"{field}__in": remaining}).select_related(field, *shown_with)
        for page in pages.order_by("path"):
            product = getattr(page, field)
            if product.pk not in found:
                product.__dict__[PAGE_ATTRIBUTE] = page
                found[product.pk] = product
    remaining = wanted - found.keys()
    if remaining:
        for product in Product.objects.filter(pk__in=remaining):
            product.__dict__[PAGE_ATTRIBUTE] = None
            found[product.pk] = product
    result, seen = [], set()
    for pk in ids:
        product = found.get(pk)
        # Each occurrence its own instance, as Wagtail's choosers give them.
        result.append(copy.copy(product) if product is not None and pk in seen else product)
        seen.add(pk)
    return result


def start_url_for(product) -> str:
    """Where a buyer starts using the product: the page's `start_url` when it answers one (a course: its first
    lesson), else the page itself; "" when no live page shows it."""
    page = page_for(product)
    if page is None:
        return ""
    return getattr(page, "start_url", "") or page.url or ""


def legal_urls() -> dict[str, str]:
    """Where the terms of sale, the refund policy and the privacy notice live (the editable legal pages)."""
    slugs = [path.strip("/") for path in LEGAL_PAGES.values()]
    found: dict[str, str] = {}
    for finder in _legal_finders:
        found.update(finder(slugs))
    return {name: found.get(path.strip("/")) or path for name, path in LEGAL_PAGES.items()}
