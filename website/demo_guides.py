"""The website's half of the demo shop: guide sales pages with covers, the legal pages, a promotion.

Called by website/demo.py after `shop.demo` created the products; idempotent (looks up before it creates).
"""

import io
import logging
from datetime import date

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.images.models import Image
from wagtail.models import Page

from core import demo
from core.models import AuthorProfile
from shop.demo import GUIDES
from shop.models import Product
from website.models import ArticlePage, GuidePage, LegalPage, ShopIndexPage

logger = logging.getLogger(__name__)

LEGAL_PAGES = [
    (
        "terms",
        "Terms of sale",
        "<p>These terms cover the digital guides and online courses sold on this site by Stephen O'Dwyer, CNMT.</p>"
        "<h2>What you buy</h2><p>A personal licence to download the guide you bought and keep it for your own use, "
        "or to follow the course you bought. Each PDF carries your e-mail and order number; please do not share "
        "it.</p><h2>Delivery</h2><p>Your purchase is available immediately after payment, in your library and "
        "from the link in your receipt. When you buy, you ask for immediate delivery and accept that the 14-day "
        "right of withdrawal ends once delivery starts.</p><h2>Prices</h2><p>Prices are shown before you pay and "
        "charged once. Payments are processed by Stripe.</p>",
    ),
    (
        "refund-policy",
        "Refund policy",
        "<p>If a guide or course is not what you expected, write to us within 30 days and we will refund you in "
        "full. When a purchase is refunded, access to it ends and it disappears from your library.</p><p>Partial "
        "refunds, for example a goodwill gesture, normally leave your access in place.</p>",
    ),
    (
        "privacy",
        "Privacy notice",
        "<p>We keep the e-mail address you buy with, what you bought and when, so that you can sign in and "
        "download your purchases again. Payment details are handled by Stripe and never reach us. We send you "
        "e-mail about your purchases only. Write to us to see or delete what we hold about you.</p>",
    ),
]


def _cover(*, title: str, colours: tuple[str, str]) -> Image:
    existing = Image.objects.filter(title=f"Cover: {title}").first()
    if existing:
        return existing
    width, height = 600, 840
    top, bottom = (PILImage.new("RGB", (1, 1), colour).getpixel((0, 0)) for colour in colours)
    canvas = PILImage.new("RGB", (width, height))
    draw = ImageDraw.Draw(canvas)
    for y in range(height):
        mix = y / (height - 1)
        draw.line([(0, y), (width, y)], fill=tuple(round(a + (b - a) * mix) for a, b in zip(top, bottom, strict=True)))
    font = ImageFont.load_default(size=40)
    small = ImageFont.load_default(size=24)
    words, lines, line = title.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) > width - 100:
            lines.append(line)
            line = word
        else:
            line = candidate
    lines.append(line)
    for number, text in enumerate(lines):
        draw.text((50, 180 + number * 54), text, fill="white", font=font)
    draw.text((50, height - 110), "Stephen O'Dwyer, CNMT", fill="white", font=small)
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG")
    slug = "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-")
    return Image.objects.create(title=f"Cover: {title}", file=ImageFile(buffer, name=f"cover-{slug}.png"))


def load_pages(home: Page, products: dict[str, Product]) -> ShopIndexPage:
    author = AuthorProfile.objects.order_by("pk").first()
    index = demo.published_child(
        home,
        ShopIndexPage,
        title="Guides",
        slug="guides",
        show_in_menus=True,
        introduction="Practical guides by Stephen O'Dwyer, CNMT, to download and keep.",
    )
    for spec in GUIDES:
        if GuidePage.objects.child_of(index).filter(slug=spec["slug"]).exists():
            continue
        page = index.add_child(
            instance=GuidePage(
                title=spec["name"],
                slug=spec["slug"],
                subtitle=spec["subtitle"],
                product=products[spec["slug"]],
                author=author,
                cover=_cover(title=spec["name"], colours=spec["colours"]),
                description="".join(f"<p>{text}</p>" for text in spec["pages"][:2]),
                table_of_contents="\n".join(spec["chapters"]),
                sample_chapter=f"<h2>{spec['chapters'][0]}</h2><p>{spec['pages'][0]}</p>",
                year=spec["year"],
                edition="PDF edition",
            )
        )
        page.save_revision().publish()
    for slug, title, body in LEGAL_PAGES:
        if not LegalPage.objects.child_of(home).filter(slug=slug).exists():
            page = home.add_child(
                instance=LegalPage(title=title, slug=slug, body=body, updated_on=date(2025, 1, 1), show_in_menus=False)
            )
            page.save_revision().publish()
    return index


def promote_in_hip_flexor_article(product: Product) -> None:
    """The demo's hip flexor article promotes the iliopsoas guide with its body's product block."""
    page = ArticlePage.objects.filter(slug="hip-flexor-stretches").first()
    if page is None or any(child.block_type == "product" for child in page.body):
        return
    page.body.append(
        (
            "product",
            {
                "product": product,
                "headline": "Go further with the iliopsoas guide",
                "text": "Step-by-step self-treatment for the psoas and iliacus, with stretches to keep the length.",
            },
        )
    )
    page.save_revision().publish()


def load() -> None:
    products = {product.slug: product for product in Product.objects.filter(slug__in=[g["slug"] for g in GUIDES])}
    home = demo.default_home()
    if home is None or len(products) < len(GUIDES):
        logger.warning("No default site or no demo products: the guide pages were not created")
        return
    load_pages(home, products)
    promote_in_hip_flexor_article(products["iliopsoas-guide"])
