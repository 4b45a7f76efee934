"""A buyer's library: every guide and course they own or once owned, with download links and why access closed."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch

from shop import downloads, entitlements, pages
from shop.models import Entitlement, Product, ProductFile


@dataclass(frozen=True)
class LibraryFile:
    title: str
    format: str
    token: str

    @property
    def url(self) -> str:
        return downloads.url_for(token=self.token)


@dataclass(frozen=True)
class LibraryItem:
    product_id: int
    name: str
    slug: str
    kind: str
    status: str
    message: str  # for the customer (shop.entitlements.customer_message); the staff note never comes here
    granted_at: datetime
    page_url: str
    files: list[LibraryFile] = field(default_factory=list)

    @property
    def is_active(self) -> bool:
        return self.status == "active"


def page_url_for(product: Product) -> str:
    """The URL of the first live page that shows the product (a guide's sales page, a course page)."""
    page = pages.page_for(product)
    return (page.url or "") if page is not None else ""


def items_for(user) -> list[LibraryItem]:
    """What the user owns (active, with downloads) and what they lost (refunded, revoked, disputed, with why)."""
    if not getattr(user, "is_authenticated", False):
        return []
    active_ids = entitlements.product_ids_for(user)
    rows = {row.product_id: row for row in Entitlement.objects.filter(user=user).select_related("product", "order")}
    products = Product.objects.filter(pk__in=active_ids | set(rows)).prefetch_related(
        Prefetch("files", queryset=ProductFile.objects.order_by("format", "title"))
    )
    items = []
    for product in products:
        row = rows.get(product.pk)
        active = product.pk in active_ids
        state = entitlements.state_for(user=user, product=product)
        files = []
        if active:
            order = row.order if row else None
            files = [
                LibraryFile(
                    title=f.title,
                    format=f.get_format_display(),
                    token=downloads.token_for(user=user, product_file=f, order=order),
                )
                for f in product.files.all()
            ]
        items.append(
            LibraryItem(
                product_id=product.pk,
                name=product.name,
                slug=product.slug,
                kind=product.kind,
                status=state.status if state else "active",
                message=state.message if state else "",
                granted_at=state.granted_at if state else row.granted_at,
                page_url=page_url_for(product),
                files=files,
            )
        )
    order = {"active": 0, "disputed": 1, "refunded": 2, "revoked": 2}
    items.sort(key=lambda item: (order[item.status], item.name.lower()))
    return items
