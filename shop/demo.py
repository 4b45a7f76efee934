"""Demo shop for a fresh install: three guides with small PDFs, a course product and a bundle.

Called by `manage.py load_demo` first, before the rooms above write the pages that sell the products;
idempotent (looks up before it creates).
"""

import io
import logging

from django.core.files.base import ContentFile
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from shop.models import Product, ProductFile

logger = logging.getLogger(__name__)

GUIDES = [
    {
        "slug": "pelvic-torsion-guide",
        "name": "Postural Blueprint for Correcting Pelvic Torsion",
        "subtitle": "The Complete Guide to Restoring Pelvic Balance",
        "previous_name": "The Pelvic Torsion Guide",
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
        "name": "Stretching Blueprint for Pain Relief & Better Flexibility",
        "subtitle": "The Complete Guide to Pain-Free Muscles Using Active Isolated Stretching",
        "previous_name": "Stretching for Pain Relief and Flexibility",
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
        "name": "Healing the Hidden Root of Pain",
        "subtitle": "Self-Treatment for Iliopsoas Syndrome",
        "previous_name": "The Iliopsoas Self-Treatment Guide",
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


def guide_pdf(*, title: str, chapters: list[str], pages: list[str], subtitle: str = "") -> bytes:
    """A small PDF of a few pages: a title page, the contents, and some text of our own."""
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=A5)
    pdf.setTitle(title)
    pdf.setAuthor("Stephen O'Dwyer, CNMT")
    width, height = A5
    pdf.setFont("Helvetica-Bold", 18 if pdf.stringWidth(title, "Helvetica-Bold", 18) < width - 30 * mm else 12)
    pdf.drawString(15 * mm, height - 40 * mm, title)
    pdf.setFont("Helvetica", 11)
    if subtitle:
        pdf.drawString(15 * mm, height - 48 * mm, subtitle)
    pdf.drawString(15 * mm, height - 60 * mm, "Stephen O'Dwyer, CNMT")
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


def _pdf(spec: dict) -> bytes:
    return guide_pdf(title=spec["name"], subtitle=spec["subtitle"], chapters=spec["chapters"], pages=spec["pages"])


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
        if product.name == spec["previous_name"]:  # made by an older demo under a made-up title
            product.name = spec["name"]
            product.save(update_fields=["name"])
        if not product.files.exists():
            ProductFile.objects.create(
                product=product,
                title=spec["name"],
                format=ProductFile.Format.PDF,
                file=ContentFile(_pdf(spec), name=f"{spec['slug']}.pdf"),
            )
        for old in product.files.filter(title=spec["previous_name"]):
            old.title = spec["name"]
            old.file.save(f"{spec['slug']}.pdf", ContentFile(_pdf(spec)), save=False)
            old.save(update_fields=["title", "file"])
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


def load() -> None:
    """The products; the website's demo writes the pages that sell them (website/demo_guides.py)."""
    load_products()
