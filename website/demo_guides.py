"""The website's half of the demo shop: guide sales pages with covers and selling sections, the legal pages,
a promotion.

Called by website/demo.py after `shop.demo` created the products; idempotent (looks up before it creates),
and it upgrades pages an older demo made under made-up titles to the author's real catalogue.
"""

import logging
from datetime import date

from wagtail.models import Page
from wagtail.rich_text import RichText

from core import demo, demo_art
from core.models import AuthorProfile
from shop.demo import GUIDES
from shop.models import Product
from website.models import ArticlePage, GuidePage, LegalPage, ShopIndexPage

logger = logging.getLogger(__name__)

AUTHOR = "Stephen O'Dwyer"
NUMBERS = {3: "Three", 4: "Four", 5: "Five", 6: "Six", 7: "Seven", 8: "Eight"}

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
        "e-mail about your purchases only. Write to us to see or delete what we hold about you.</p>"
        "<h2>What we count while you read</h2><p>Reading this site sets no cookie and stores nothing on your "
        "device. When a page has loaded, your browser tells us once that it was viewed, and we add one to that "
        "page's count for the day. We keep nothing else about the view: not your address, not your browser, "
        "not who you are. If your browser sends Do Not Track or Global Privacy Control, not even that is "
        "counted.</p>"
        "<h2>Which article led to a purchase</h2><p>A link from an article to a guide or a course names the "
        "article, and the campaign tags a newsletter or an advert adds to its links (utm_source and the like) "
        "are carried along. If you then buy or sign up for the free course, your order or your place keeps "
        "that one article and those tags, so that we learn which articles help people. We never keep a list "
        "of what you read, and none of it is sent to Stripe.</p>"
        "<h2>Why there is no cookie banner</h2><p>Nothing is stored on your device while you read and nothing "
        "recognises you from one visit to the next, so there is nothing to ask your consent for. Signing in and "
        "buying use a session cookie, which the service you asked for needs to work.</p>",
    ),
]
# Privacy notices an older demo wrote, word for word: load_demo brings these up to date, never an edited one.
OLD_PRIVACY_BODIES = (
    "<p>We keep the e-mail address you buy with, what you bought and when, so that you can sign in and "
    "download your purchases again. Payment details are handled by Stripe and never reach us. We send you "
    "e-mail about your purchases only. Write to us to see or delete what we hold about you.</p>",
)

# What each guide's page says beyond the shop's facts (title, subtitle, year, chapters: shop/demo.py).
# The testimonials are examples for the demo and say so: a real page quotes real readers, with their consent.
SALES = {
    "pelvic-torsion-guide": {
        "colour": demo_art.ACCENT,
        "motif": "pelvis",
        "sample_motifs": ["pelvis", "psoas"],
        "description": (
            "<p>When one half of the pelvis turns against the other, the lower back, the hips and even the length "
            "of your legs feel it. This guide shows you how to tell whether your pelvis is twisted, which muscles "
            "keep it that way, and a short daily routine that lets it settle level again.</p>"
        ),
        "summaries": [
            "The sacroiliac joints, and why the two hip bones are meant to move as a pair.",
            "Simple checks in front of a mirror and on the floor, with nothing to buy.",
            "Hip flexors, hamstrings and the deep rotators: who pulls which way.",
            "The order to release them in, step by step.",
            "Desk, car, running and lifting: habits that stop the twist coming back.",
        ],
        "testimonials": [
            (
                "I had been told my legs were different lengths. After three weeks of the routine the difference "
                "had gone, and so had the ache on my right side.",
                "Example reader",
                "office worker (a demo testimonial)",
            ),
            (
                "Clear pictures, short chapters, and a routine I could actually keep to before work.",
                "Example reader",
                "runner (a demo testimonial)",
            ),
        ],
        "faq": [
            (
                "How do I know whether my pelvis is twisted?",
                "<p>The guide walks you through checks you can do yourself at home. If they disagree, or your pain "
                "is sharp or spreading, see a practitioner before you start.</p>",
            ),
            (
                "How long does the routine take?",
                "<p>About twelve minutes, once or twice a day. It is built to fit before work or before bed.</p>",
            ),
        ],
    },
    "stretching-guide": {
        "colour": demo_art.INK,
        "motif": "stretch",
        "sample_motifs": ["stretch", "psoas"],
        "description": (
            "<p>Active Isolated Stretching lengthens a muscle in short, repeated movements instead of long holds, "
            "so the muscle has no reason to fight back. This guide teaches the method from the first principle to "
            "a full routine for the back, hips and legs, one muscle group at a time.</p>"
        ),
        "summaries": [
            "The stretch reflex, and how a two-second stretch stays under it.",
            "How to breathe, how to use a rope, and how far is far enough.",
            "The muscles at the front of the hip and thigh that tilt the pelvis forward.",
            "The back of the leg, from the sitting bones to the heel.",
            "Gentle work for the muscles of the lower back and the sides of the waist.",
        ],
        "testimonials": [
            (
                "I had given up on stretching because it always hurt. Two-second stretches were a revelation; my "
                "hamstrings have never been this loose.",
                "Example reader",
                "retired teacher (a demo testimonial)",
            ),
            (
                "The rope technique is explained so well that I got it right the first time.",
                "Example reader",
                "cyclist (a demo testimonial)",
            ),
        ],
        "faq": [
            (
                "Do I need any equipment?",
                "<p>A soft rope, a belt or a long towel, and a little floor space. Nothing else.</p>",
            ),
            (
                "Is this suitable if I am not flexible at all?",
                "<p>Yes. Every stretch starts from where you are today and moves only as far as your body lets it, "
                "a little further with each repetition.</p>",
            ),
        ],
    },
    "iliopsoas-guide": {
        "colour": demo_art.WARN,
        "motif": "psoas",
        "sample_motifs": ["psoas", "pelvis"],
        "description": (
            "<p>The iliopsoas, the deepest of the hip flexors, is often the hidden reason for lower back pain that "
            "nothing else seems to explain. This guide shows you where it lies, how to find it safely with your own "
            "hands, and how to release it and keep the length you gain.</p>"
        ),
        "summaries": [
            "The psoas and iliacus: where they start, where they end and what they do.",
            "Why a short iliopsoas makes standing up straight hurt.",
            "How to find the muscle gently, and the places to avoid.",
            "Self-treatment with your fingertips and a soft ball, step by step.",
            "Short, repeated stretches that keep the muscle long.",
        ],
        "testimonials": [
            (
                "For years my back hurt every time I got out of the car. Working on the psoas the way this guide "
                "shows changed that within a month.",
                "Example reader",
                "delivery driver (a demo testimonial)",
            ),
        ],
        "faq": [
            (
                "Is it safe to press on the psoas myself?",
                "<p>With care, yes: the guide shows where to press, how hard, and when to stop. Never press on a "
                "pulse, and ask your doctor first if you are pregnant or have had abdominal surgery.</p>",
            ),
            (
                "How is this different from stretching the hip flexors?",
                "<p>A stretch lengthens the whole muscle; self-treatment releases the tight spots that a stretch "
                "alone often misses. The guide uses both, in that order.</p>",
            ),
        ],
    },
}

REFUND_TEXT = (
    "<p>Read it, try the routine, and if the guide is not what you hoped for, write to us within 30 days for a "
    "full refund. No forms and no questions.</p>"
)

OLDER_COVERS = {f"Cover: {spec['previous_name']}" for spec in GUIDES}


def _cover(spec: dict) -> "demo.Image":
    sales = SALES[spec["slug"]]
    return demo.picture(
        title=f"Cover: {spec['name']}",
        draw=lambda: demo_art.cover(
            title=spec["name"],
            subtitle=spec["subtitle"],
            author=AUTHOR,
            year=spec["year"],
            colour=sales["colour"],
            motif=sales["motif"],
            kicker="Lower Back Pain Relief",
        ),
    )


def _sample_page(spec: dict, number: int) -> "demo.Image":
    sales = SALES[spec["slug"]]
    return demo.picture(
        title=f"Sample page {number + 1}: {spec['name']}",
        draw=lambda: demo_art.sample_page(
            book=spec["name"],
            chapter_number=number + 1,
            chapter=spec["chapters"][number],
            text=spec["pages"][number],
            colour=sales["colour"],
            motif=sales["sample_motifs"][number],
            page_number=number * 14 + 9,
        ),
    )


def sales_sections(spec: dict, refund_page: Page | None) -> list:
    """The selling sections of one guide's page, in the order a reader meets them."""
    sales = SALES[spec["slug"]]
    samples = []
    for number in range(2):
        image = _sample_page(spec, number)
        samples.append(
            {
                "image": {
                    "image": image,
                    "alt_text": f"Page from the chapter “{spec['chapters'][number]}”",
                    "decorative": False,
                },
                "title": f"From chapter {number + 1}: {spec['chapters'][number]}",
                "excerpt": RichText(f"<p>{spec['pages'][number]}</p>"),
            }
        )
    return [
        (
            "inside",
            {
                "heading": "What's inside",
                "introduction": f"{NUMBERS[len(spec['chapters'])]} chapters, each ending with something to do today.",
                "chapters": [
                    {"title": title, "summary": summary}
                    for title, summary in zip(spec["chapters"], sales["summaries"], strict=True)
                ],
            },
        ),
        ("samples", {"heading": "Read a few pages first", "pages": samples}),
        (
            "testimonials",
            {
                "heading": "What readers say",
                "testimonials": [
                    {"quote": quote, "name": name, "detail": detail} for quote, name, detail in sales["testimonials"]
                ],
            },
        ),
        (
            "faq",
            {
                "heading": "Questions readers ask",
                "questions": [{"question": q, "answer": RichText(a)} for q, a in sales["faq"]],
            },
        ),
        ("refund", {"heading": "Our 30-day promise", "text": RichText(REFUND_TEXT), "policy": refund_page}),
    ]


def load_legal_pages(home: Page) -> dict[str, LegalPage]:
    pages = {}
    for slug, title, body in LEGAL_PAGES:
        page = LegalPage.objects.child_of(home).filter(slug=slug).first()
        if page is None:
            page = home.add_child(
                instance=LegalPage(title=title, slug=slug, body=body, updated_on=date(2025, 1, 1), show_in_menus=False)
            )
            page.save_revision().publish()
        elif str(page.body) in OLD_PRIVACY_BODIES and slug == "privacy":
            page.body, page.updated_on = body, date(2026, 11, 30)
            page.save_revision().publish()
        pages[slug] = page
    return pages


def load_pages(home: Page, products: dict[str, Product]) -> ShopIndexPage:
    author = AuthorProfile.objects.order_by("pk").first()
    refund_page = load_legal_pages(home).get("refund-policy")
    index = demo.published_child(
        home,
        ShopIndexPage,
        title="Guides",
        slug="guides",
        show_in_menus=True,
        introduction="Practical guides by Stephen O'Dwyer, CNMT, to download and keep.",
    )
    for spec in GUIDES:
        page = GuidePage.objects.child_of(index).filter(slug=spec["slug"]).first()
        if page is None:
            page = index.add_child(
                instance=GuidePage(
                    title=spec["name"],
                    slug=spec["slug"],
                    subtitle=spec["subtitle"],
                    product=products[spec["slug"]],
                    author=author,
                    cover=_cover(spec),
                    description=SALES[spec["slug"]]["description"],
                    sales=sales_sections(spec, refund_page),
                    year=spec["year"],
                    edition="PDF edition",
                )
            )
            page.save_revision().publish()
        elif page.title == spec["previous_name"]:
            _upgrade(page, spec, refund_page)
    demo.forget_older_pictures(OLDER_COVERS, still_used_by=[(GuidePage, "cover")])
    return index


def _upgrade(page: GuidePage, spec: dict, refund_page: Page | None) -> None:
    """A page an older demo made: the real title and subtitle, and, where they are still the older demo's
    own, the description, the selling sections (migrated from its contents and sample) and the cover."""
    page.title = spec["name"]
    page.draft_title = spec["name"]
    page.subtitle = spec["subtitle"]
    if page.description == "".join(f"<p>{text}</p>" for text in spec["pages"][:2]):
        page.description = SALES[spec["slug"]]["description"]
    if {block.block_type for block in page.sales} <= {"inside", "samples"} and page.chapters in ([], spec["chapters"]):
        page.sales = sales_sections(spec, refund_page)
    if page.cover is None or demo.is_generated_by_older_demo(page.cover, OLDER_COVERS):
        page.cover = _cover(spec)
    page.save_revision().publish()


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
                "headline": "Go further with Healing the Hidden Root of Pain",
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
