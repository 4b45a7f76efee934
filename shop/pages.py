"""The shop's window onto pages it does not know: which page shows a product, where the legal pages live.

The shop sits below the rooms that hold pages, so it never imports a page model or walks reverse
relations to find one. Page types register here from their app's `ready()` (the website's guide and legal
pages, the courses' course pages); the shop's library, promotion block and checkout ask here.
"""

from collections.abc import Callable

from django.db.models import Model

# Where checkout links to the terms of sale, the refund policy and the privacy notice when no page says otherwise.
LEGAL_PAGES = {"terms": "/terms/", "refund_policy": "/refund-policy/", "privacy": "/privacy/"}

_product_pages: list[tuple[type[Model], str]] = []
_legal_finders: list[Callable[[list[str]], dict[str, str]]] = []


def register_product_page(model: type[Model], *, field: str = "product") -> None:
    """Pages of `model` show the product named by their foreign key `field`."""
    if (model, field) not in _product_pages:
        _product_pages.append((model, field))


def register_legal_pages(finder: Callable[[list[str]], dict[str, str]]) -> None:
    """`finder(slugs)` answers {slug: URL} for the live legal pages among those slugs."""
    if finder not in _legal_finders:
        _legal_finders.append(finder)


def page_for(product) -> Model | None:
    """The first live page that shows the product (in the order the page types registered), or None."""
    if product is None:
        return None
    for model, field in _product_pages:
        page = model.objects.live().filter(**{field: product}).first()
        if page is not None:
            return page
    return None


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
