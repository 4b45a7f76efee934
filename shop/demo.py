"""Demo shop for a fresh install: three guides with covers and small PDFs, a course product, a bundle, legal pages.

Called by `manage.py load_demo` after the website demo; idempotent (looks up before it creates).
"""

import io
import logging
from datetime import date

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from wagtail.images.models import Image
from wagtail.models import Page, Site

from shop.models import GuidePage, LegalPage, Product, ProductFile, ShopIndexPage

logger = logging.getLogger(__name__)

GUIDES = [
    {
        "slug": "pelvic-torsion-guide",
        "name": "The Pelvic Torsion Guide",
        "subtitle": "Find the twist in your pelvis and release the muscles that hold it there",
        "year": 2022,
        "price": 2400,
        "colours": ("#0b6b5c", "#0f3d4a"),
        "summary": "A step-by-step guide to assessing and releasing pelvic torsion at home.",
        "chapters": [
            "How the two halves of the pelvis move",
            "Reading the signs: leg length, hip height, one-sided ache",
            "The muscles that hold a torsion in place",
            "A daily release routine in twelve minutes",
            "Keeping the pelvis level at work and in sport",
        ],
        "pages": [
            "The pelvis is not one rigid ring. Each side can rock a little forward or back where it meets the "
            "sacrum, and in a healthy back the two sides move as a pair.",
            "When the hip flexors on one side and the hamstrings on the other pull unevenly, the pair stops "
            "moving together. One side settles forward, the other back, and the lower back takes the strain.",
            "Release work goes in a fixed order: first the hip flexors, then the hamstrings, then the deep hip "
            "rotators, always both sides, always with short repeated stretches rather than long holds.",
        ],
    },
    {
        "slug": "stretching-guide",
        "name": "Stretching for Pain Relief and Flexibility",
        "subtitle": "Active Isolated Stretching, explained muscle by muscle",
        "year": 2020,
        "price": 1900,
        "colours": ("#1d4e89", "#0b2545"),
        "summary": "Active Isolated Stretching routines for the back, hips and legs.",
        "chapters": [
            "Why a two-second stretch works better than a long hold",
            "Breathing, rope and posture",
            "Hip flexors and quadriceps",
            "Hamstrings and calves",
            "The lower back and the sides of the waist",
        ],
        "pages": [
            "Active Isolated Stretching asks one muscle to contract so that its opposite can let go. The stretch "
            "is held for about two seconds and repeated eight to ten times.",
            "Because each stretch is short, the protective stretch reflex never has time to fire. The muscle "
            "lengthens a little further with every repetition instead of fighting back.",
            "Use a soft rope or a long towel to help at the end of each movement, gently, never forcing. Breathe "
            "out as you move into the stretch and in as you return.",
        ],
    },
    {
        "slug": "iliopsoas-guide",
        "name": "The Iliopsoas Self-Treatment Guide",
        "subtitle": "Release the psoas and iliacus yourself, safely",
        "year": 2013,
        "price": 1700,
        "colours": ("#7a3b69", "#3c1642"),
        "summary": "Self-treatment for the psoas and iliacus, the deep hip flexors behind much lower back pain.",
        "chapters": [
            "Where the psoas and iliacus live",
            "How a short iliopsoas pulls on the lumbar spine",
            "Finding the muscle safely",
            "Self-treatment with your fingertips and a ball",
            "Stretches to keep the length you gain",
        ],
        "pages": [
            "The psoas runs from the sides of the lumbar vertebrae, the iliacus lines the inside of the pelvis, and "
            "both attach at the top of the thigh bone.",
            "When they are short, standing up straight means the lumbar spine is pulled forward and down. Many "
            "people feel this as an ache across the lower back when they first get out of a chair.",
            "Self-treatment starts gently: slow pressure, relaxed breathing, and never on a pulse. Follow it with a "
            "few short hip flexor stretches so the muscle keeps its new length.",
        ],
    },
]

COURSE = {
    "slug": "relieving-that-pain",
    "name": "Relieving That Pain",
    "price": 4900,
    "summary": "An online course: understand your lower back pain and work through the releases step by step.",
}

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


def guide_pdf(*, title: str, chapters: list[str], pages: list[str]) -> bytes:
    """A small PDF of a few pages: a title page, the contents, and some text of our own."""
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=A5)
    pdf.setTitle(title)
    pdf.setAuthor("Stephen O'Dwyer, CNMT")
    width, height = A5
    pdf.setFont("Helvetica-Bold", 18)
    pdf.drawString(15 * mm, height - 40 * mm, title)
    pdf.setFont("Helvetica", 11)
    pdf.drawString(15 * mm, height - 50 * mm, "Stephen O'Dwyer, CNMT")
    pdf.showPage()
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawString(15 * mm, height - 25 * mm, "Contents")
    pdf.setFont("Helvetica", 10)
    for number, chapter in enumerate(chapters, start=1):
        pdf.drawString(15 * mm, height - (35 + 8 * number) * mm, f"{number}. {chapter}")
    pdf.showPage()
    for number, text in enumerate(pages, start=1):
        pdf.setFont("Helvetica-Bold", 13)
        pdf.drawString(15 * mm, height - 25 * mm, chapters[number - 1] if number <= len(chapters) else title)
        text_object = pdf.beginText(15 * mm, height - 38 * mm)
        text_object.setFont("Helvetica", 10)
        line = ""
        for word in text.split():
            if pdf.stringWidth(f"{line} {word}", "Helvetica", 10) > width - 30 * mm:
                text_object.textLine(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        text_object.textLine(line)
        pdf.drawText(text_object)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def load_products() -> dict[str, Product]:
    products = {}
    for spec in GUIDES:
        product, _ = Product.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "kind": Product.Kind.GUIDE,
                "price_amount": spec["price"],
                "currency": "usd",
                "summary": spec["summary"],
            },
        )
        if not product.files.exists():
            content = guide_pdf(title=spec["name"], chapters=spec["chapters"], pages=spec["pages"])
            ProductFile.objects.create(
                product=product,
                title=spec["name"],
                format=ProductFile.Format.PDF,
                file=ContentFile(content, name=f"{spec['slug']}.pdf"),
            )
        products[spec["slug"]] = product
    course, _ = Product.objects.get_or_create(
        slug=COURSE["slug"],
        defaults={
            "name": COURSE["name"],
            "kind": Product.Kind.COURSE,
            "price_amount": COURSE["price"],
            "currency": "usd",
            "summary": COURSE["summary"],
            "partial_refund_policy": Product.PartialRefundPolicy.KEEP,
        },
    )
    products[COURSE["slug"]] = course
    bundle, created = Product.objects.get_or_create(
        slug="all-three-guides",
        defaults={
            "name": "All three guides",
            "kind": Product.Kind.BUNDLE,
            "price_amount": 4500,
            "currency": "usd",
            "summary": "The pelvic torsion, stretching and iliopsoas guides together.",
        },
    )
    if created:
        bundle.includes.set([products[spec["slug"]] for spec in GUIDES])
    products[bundle.slug] = bundle
    return products


def _home() -> Page | None:
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    return site.root_page.specific if site else None


def load_pages(home: Page, products: dict[str, Product]) -> ShopIndexPage:
    author = None
    author_model = GuidePage._meta.get_field("author").related_model
    author = author_model.objects.order_by("pk").first()
    index = ShopIndexPage.objects.child_of(home).first()
    if index is None:
        index = home.add_child(
            instance=ShopIndexPage(
                title="Guides",
                slug="guides",
                show_in_menus=True,
                introduction="Practical guides by Stephen O'Dwyer, CNMT, to download and keep.",
            )
        )
        index.save_revision().publish()
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
    """The demo's hip flexor article promotes the iliopsoas guide, if its body offers the shop's block."""
    page = Page.objects.filter(slug="hip-flexor-stretches").first()
    if page is None:
        return
    page = page.specific
    body = getattr(page, "body", None)
    if body is None:
        return
    block_name = next(
        (
            name
            for name, block in body.stream_block.child_blocks.items()
            if block.__class__.__name__.startswith("ProductPromo")
        ),
        None,
    )
    if block_name is None or any(child.block_type == block_name for child in body):
        return
    body.append(
        (
            block_name,
            {
                "product": product,
                "headline": "Go further with the iliopsoas guide",
                "text": "Step-by-step self-treatment for the psoas and iliacus, with stretches to keep the length.",
            },
        )
    )
    page.save_revision().publish()


def load() -> None:
    products = load_products()
    home = _home()
    if home is None:
        logger.warning("No default site: the shop's demo pages were not created")
        return
    load_pages(home, products)
    promote_in_hip_flexor_article(products["iliopsoas-guide"])
