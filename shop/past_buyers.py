"""People who bought before this shop existed: read their CSV, grant their products once, invite them to the library."""

import csv
import hashlib
import io
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.urls import reverse

from core import accounts, outbox
from shop import entitlements
from shop.entitlements import Actor
from shop.models import Product

logger = logging.getLogger(__name__)

COMMAND = "import_buyers"
HEADER = ("email", "e-mail", "email address")


class ImportFileError(Exception):
    """The file cannot be imported; `problems` lists every bad line. Nothing was imported."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class PastPurchase:
    line: int
    email: str
    product: Product
    bought_on: date


@dataclass(frozen=True)
class ImportResult:
    buyers: int
    granted: int
    already_had: int
    emails: int


def _find_product(value: str, *, by_slug: dict[str, Product], by_name: dict[str, list[Product]]) -> Product | str:
    if value in by_slug:
        return by_slug[value]
    named = by_name.get(value.lower(), [])
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        return f"more than one product is called {value!r}; use its slug"
    return f"no product with the slug or name {value!r}"


def _parse_date(value: str) -> date | str:
    for layout in ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%SZ"):
        try:
            bought_on = datetime.strptime(value, layout).date()
        except ValueError:
            continue
        if bought_on > datetime.now(tz=UTC).date():
            return f"the date {value!r} is in the future"
        return bought_on
    return f"the date {value!r} is not a date like 2021-03-31"


def parse(*, text: str) -> list[PastPurchase]:
    """Rows of `e-mail, product slug or name, date (YYYY-MM-DD)`; a header row is optional.

    Raises ImportFileError naming every bad line, so a file is imported whole or not at all.
    """
    by_slug = {product.slug: product for product in Product.objects.all()}
    by_name: dict[str, list[Product]] = {}
    for product in Product.objects.annotate(lowered=Lower("name")):
        by_name.setdefault(product.lowered.strip(), []).append(product)
    purchases, problems = [], []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    for row in reader:
        cells = [cell.strip() for cell in row]
        line = reader.line_num
        if not any(cells) or cells[0].startswith("#"):
            continue
        if not purchases and not problems and cells[0].lower() in HEADER:
            continue
        if len(cells) != 3:
            problems.append(f"line {line}: expected 3 columns (e-mail, product, date), found {len(cells)}")
            continue
        email, product_value, date_value = cells
        found_problems = []
        try:
            email = accounts.normalise_email(email)
        except ValidationError:
            found_problems.append(f"{email!r} is not an e-mail address")
        product = _find_product(product_value, by_slug=by_slug, by_name=by_name)
        if isinstance(product, str):
            found_problems.append(product)
        bought_on = _parse_date(date_value)
        if isinstance(bought_on, str):
            found_problems.append(bought_on)
        if found_problems:
            problems.append(f"line {line}: " + "; ".join(found_problems))
            continue
        purchases.append(PastPurchase(line=line, email=email, product=product, bought_on=bought_on))
    if not purchases and not problems:
        problems.append("the file has no purchases in it")
    if problems:
        raise ImportFileError(problems)
    return purchases


def _invite(*, user, email: str, products: list[Product]) -> bool:
    """One "claim your library" e-mail per buyer and set of newly granted products (a re-run matches the key)."""
    fingerprint = hashlib.sha256(",".join(str(p.pk) for p in sorted(products, key=lambda p: p.pk)).encode())
    return outbox.enqueue_email(
        key=f"claim-library-{user.pk}-{fingerprint.hexdigest()[:16]}",
        to=email,
        subject="Your guides are waiting in your new library",
        template="shop/email/claim_library",
        context={
            "email": email,
            "product_names": [product.name for product in products],
            "library_url": reverse("shop:library"),
            "login_url": reverse("account_login"),
        },
    )


def import_purchases(*, purchases: list[PastPurchase]) -> ImportResult:
    """Grant every purchase not yet owned (or once owned) and invite each buyer who got something, in one go.

    A product the buyer already has a record of, active or not, is left alone: re-running changes nothing,
    and a refund made since the first run is not undone.
    """
    by_email: dict[str, list[PastPurchase]] = {}
    for purchase in purchases:
        by_email.setdefault(purchase.email.lower(), []).append(purchase)
    granted = already_had = emails = 0
    actor = Actor.for_command(COMMAND)
    with transaction.atomic():
        for rows in by_email.values():
            user = accounts.user_for_email(rows[0].email)
            new_products: list[Product] = []
            for purchase in sorted(rows, key=lambda p: p.bought_on):
                if purchase.product in new_products:
                    continue
                if entitlements.state_for(user=user, product=purchase.product) is not None:
                    already_had += 1
                    continue
                entitlements.grant(
                    user=user,
                    product=purchase.product,
                    actor=actor,
                    reason=f"Bought on {purchase.bought_on.isoformat()}, before this shop opened (imported).",
                    granted_at=datetime.combine(purchase.bought_on, time(12), tzinfo=UTC),
                )
                new_products.append(purchase.product)
                granted += 1
            if new_products:
                emails += _invite(user=user, email=user.email or rows[0].email, products=new_products)
    logger.info("Past buyers imported", extra={"buyers": len(by_email), "granted": granted, "already_had": already_had})
    return ImportResult(buyers=len(by_email), granted=granted, already_had=already_had, emails=emails)
