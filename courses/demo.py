"""Demo courses for a fresh install: the paid "Relieving That Pain" and the free AIS mini course.

Called by `manage.py load_demo` after the website and shop demos; looks up before it creates.
"""

import io
import logging

from django.core.files.base import ContentFile
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from wagtail.rich_text import RichText

from core import demo, demo_art
from core.models import AuthorProfile
from courses.models import CourseIndexPage, CoursePage, LessonFile, LessonPage
from shop.models import Product

logger = logging.getLogger(__name__)

PAID_SLUG = "relieving-that-pain"
FREE_SLUG = "introduction-to-active-isolated-stretching"


def _p(html: str):
    return ("paragraph", RichText(html))


def _worksheet() -> LessonFile:
    existing = LessonFile.objects.filter(title="Daily stretching log").first()
    if existing is not None:
        return existing
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    pdf.setFont("Helvetica-Bold", 20)
    pdf.drawString(60, 780, "Daily stretching log")
    pdf.setFont("Helvetica", 11)
    pdf.drawString(60, 755, "One row a day: the stretch, the repetitions per side, and how the back felt (0-10).")
    for row in range(14):
        y = 720 - row * 40
        pdf.line(60, y, 535, y)
        pdf.drawString(62, y + 8, f"Day {row + 1}")
    pdf.showPage()
    pdf.save()
    return LessonFile.objects.create(
        title="Daily stretching log", file=ContentFile(buffer.getvalue(), name="daily-stretching-log.pdf")
    )


def _exercise(name, target, setup, steps, reps=10):
    return (
        "exercise",
        {
            "name": name,
            "target": target,
            "setup": setup,
            "steps": steps,
            "hold_seconds": 2,
            "repetitions": reps,
            "each_side": True,
        },
    )


def _promotions(product_model) -> list:
    """The closing lesson's promotions: the stretching guide and the paid course, when the shop has them."""
    blurbs = {
        "stretching-guide": "Every AIS stretch for the back and hips, with photographs, in one guide.",
        PAID_SLUG: "The full course: a routine for each muscle that pulls on the pelvis.",
    }
    return [
        ("promotion", {"product": product, "headline": "", "text": blurbs[product.slug]})
        for product in product_model.objects.filter(slug__in=blurbs, active=True).order_by("price_amount")
    ]


def _free_lessons(paid_url: str, promotions: list) -> list[dict]:
    return [
        {
            "slug": "why-short-stretches-work",
            "title": "Why short stretches work",
            "summary": "The stretch reflex, and why a two-second hold gets further than a thirty-second one.",
            "teaser": "<p>Most of us were taught to hold a stretch and wait. Here is why that often backfires.</p>",
            "duration_minutes": 6,
            "body": [
                _p(
                    "<p>Every muscle carries tiny length sensors. When a muscle is pulled quickly or held at its "
                    "end range, they report danger and the muscle tightens to protect itself. That is the stretch "
                    "reflex, and a long, hard hold keeps setting it off.</p>"
                ),
                _p(
                    "<p>Active Isolated Stretching sidesteps it. You move into the stretch by working the muscle on "
                    "the opposite side of the joint, which lets the target muscle relax. You stay at the end for "
                    "about two seconds, come back, and repeat eight to ten times. Each pass goes a little further "
                    "because the muscle never had a reason to fight.</p>"
                ),
                (
                    "callout",
                    {"tone": "warning", "text": RichText("<p>Stretch to a light tension, never to pain.</p>")},
                ),
            ],
        },
        {
            "slug": "your-first-ais-stretch",
            "title": "Your first AIS stretch: the hamstrings",
            "summary": "A lying hamstring stretch with a rope, done the active isolated way.",
            "teaser": "<p>One rope, one leg, ten easy repetitions.</p>",
            "duration_minutes": 8,
            "drip_days": 2,
            "body": [
                _p("<p>Take a rope, a belt or a long towel and lie on your back on the floor.</p>"),
                _exercise(
                    "Lying hamstring stretch",
                    "hamstrings",
                    "Lie on your back, one knee bent with the foot flat, the rope looped around the other foot.",
                    [
                        "Tighten the muscles at the front of the straight leg.",
                        "Lift the straight leg as high as it goes on its own.",
                        "Add a gentle pull with the rope at the top.",
                        "Lower the leg, breathe in, and begin again.",
                    ],
                ),
                ("worksheet", {"file": _worksheet(), "description": "Note each session for two weeks."}),
            ],
        },
        {
            "slug": "where-to-go-next",
            "title": "Where to go from here",
            "summary": "How to build the stretches into a day, and the full course for lower back pain.",
            "teaser": "<p>Keeping it going after the first week.</p>",
            "duration_minutes": 5,
            "drip_days": 4,
            "body": [
                _p(
                    "<p>Two short sessions a day do more than one long one. Pick a time you already keep, such as "
                    "after brushing your teeth, and attach the stretches to it.</p>"
                ),
                _p(
                    "<p>If your lower back is the reason you came, the full course "
                    f'<a href="{paid_url}">Relieving That Pain</a> works through the muscles around the pelvis '
                    "one by one, with a routine for each.</p>"
                ),
                *promotions,
            ],
        },
    ]


def _paid_lessons() -> list[dict]:
    return [
        {
            "slug": "how-the-pelvis-holds-pain",
            "title": "How the pelvis holds pain",
            "summary": "The muscles that tilt and twist the pelvis, and why the ache shows up in the lower back.",
            "teaser": "<p>The spine sits on the pelvis. When the pelvis tilts, the back follows.</p>",
            "duration_minutes": 9,
            "module": "Understanding the pain",
            "free_preview": True,
            "body": [
                _p(
                    "<p>The lower back rarely hurts on its own account. It sits on the pelvis, and the pelvis is "
                    "steered by the hip flexors in front, the hamstrings behind and the deep rotators to the sides. "
                    "When one group stays short, the pelvis tips or twists and the lumbar muscles work all day to "
                    "hold you upright.</p>"
                ),
            ],
        },
        {
            "slug": "releasing-the-hip-flexors",
            "title": "Releasing the hip flexors",
            "summary": "A kneeling psoas and iliacus routine in the active isolated style.",
            "teaser": "<p>The psoas is the muscle most people never stretch well. This lesson changes that.</p>",
            "duration_minutes": 12,
            "module": "The routines",
            "body": [
                _p("<p>Use a cushion under the knee. Move slowly and breathe out as you go forward.</p>"),
                _exercise(
                    "Kneeling hip flexor stretch",
                    "iliopsoas",
                    "Kneel on one knee with the other foot in front.",
                    [
                        "Squeeze the buttock on the kneeling side and tuck the tailbone under.",
                        "Glide the hips forward until the front of the hip opens.",
                        "Return to upright and relax.",
                    ],
                ),
            ],
        },
        {
            "slug": "the-daily-routine",
            "title": "Putting it together: the daily routine",
            "summary": "Fifteen minutes, morning or evening, that keeps the pelvis level.",
            "teaser": "<p>The whole routine, in the order that works best.</p>",
            "duration_minutes": 15,
            "module": "The routines",
            "drip_days": 7,
            "body": [
                _p(
                    "<p>Start with the hamstrings, then the hip flexors, then the rotators, so each group is "
                    "already relaxed when its neighbour lengthens.</p>"
                ),
                ("worksheet", {"file": _worksheet(), "description": "Tick off each day's routine."}),
            ],
        },
    ]


def _cover(*, title: str, kicker: str, colour: str, motif: str):
    return demo.picture(
        title=f"Course picture: {title}",
        draw=lambda: demo_art.course_banner(title=title, kicker=kicker, colour=colour, motif=motif),
    )


def _course(index, *, slug, title, summary, outcomes, instructor, cover, product=None) -> CoursePage:
    course = CoursePage.objects.child_of(index).filter(slug=slug).first()
    if course is not None and course.cover_id is None:  # an older demo made it without a picture
        course.cover = cover()
        course.save_revision().publish()
    if course is None:
        course = index.add_child(
            instance=CoursePage(
                slug=slug,
                title=title,
                summary=summary,
                outcomes=[("outcome", line) for line in outcomes],
                instructor=instructor,
                product=product,
                cover=cover(),
            )
        )
        course.save_revision().publish()
    elif product is not None and course.product_id is None:
        course.product = product
        course.save_revision().publish()
    return course


def _lessons(course: CoursePage, specs: list[dict]) -> None:
    for spec in specs:
        if LessonPage.objects.child_of(course).filter(slug=spec["slug"]).exists():
            continue
        lesson = course.add_child(instance=LessonPage(**spec))
        lesson.save_revision().publish()


def load() -> None:
    author_model = AuthorProfile
    product_model = Product
    home = demo.default_home()
    if home is None:
        logger.warning("No home page: the course demo needs the website demo first")
        return
    index = demo.published_child(
        home,
        CourseIndexPage,
        title="Courses",
        slug="courses",
        show_in_menus=True,
        introduction="Learn to release the muscles behind lower back pain, at your own pace.",
    )
    instructor = author_model.objects.order_by("pk").first()
    product = product_model.objects.filter(slug=PAID_SLUG).first()
    if product is None:
        logger.info("The shop demo has no %s product yet; the paid course is left without one", PAID_SLUG)
    paid = _course(
        index,
        slug=PAID_SLUG,
        title="Relieving That Pain",
        summary="A step-by-step course for lower back pain: find which muscles pull on the pelvis and "
        "release each one with Active Isolated Stretching.",
        outcomes=[
            "Why the lower back hurts when the pelvis is pulled out of line",
            "A routine for the hip flexors, hamstrings and hip rotators",
            "How to fit fifteen minutes of stretching into every day",
        ],
        instructor=instructor,
        cover=lambda: _cover(
            title="Relieving That Pain", kicker="Online course", colour=demo_art.ACCENT_STRONG, motif="psoas"
        ),
        product=product,
    )
    _lessons(paid, _paid_lessons())
    free = _course(
        index,
        slug=FREE_SLUG,
        title="Introduction to Active Isolated Stretching",
        summary="A free mini course by e-mail: what makes AIS different and your first stretches, one lesson "
        "every couple of days.",
        outcomes=[
            "What the stretch reflex is and how to stay under it",
            "The two-second hold, repeated eight to ten times",
            "A hamstring stretch you can do tonight",
        ],
        instructor=instructor,
        cover=lambda: _cover(
            title="Introduction to Active Isolated Stretching",
            kicker="Free mini course",
            colour=demo_art.INK,
            motif="stretch",
        ),
    )
    _lessons(free, _free_lessons(paid.url, _promotions(product_model)))
