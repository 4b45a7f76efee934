"""Demo content for a fresh install: the author, the home page and the first articles.

Called by `manage.py load_demo`; every function is idempotent (looks up before it creates).
"""

import logging
from datetime import date

from wagtail.images.models import Image
from wagtail.models import Page, Site
from wagtail.rich_text import RichText

from core import demo, demo_art
from core.models import AuthorProfile
from website import demo_guides
from website.models import ArticleIndexPage, ArticlePage, HomePage, RelatedArticle, SiteSettings, Topic

logger = logging.getLogger(__name__)

AUTHOR_NAME = "Stephen O'Dwyer"


# Titles of the plain gradients an older demo drew; an upgrade swaps them for the drawings below.
OLDER_PORTRAIT = "Portrait of Stephen O'Dwyer"
OLDER_SHARE = "Lower Back Pain Relief share picture"
OLDER_HEROES = {"Hero: Psoas", "Hero: Pelvis", "Hero: Sitting", "Hero: Hamstrings", "Hero: Get help"}
OLDER_ALTS = {
    "Psoas": "A calm green gradient with the word Psoas, standing in for a photo of a hip flexor stretch.",
    "Pelvis": "A blue gradient with the word Pelvis, standing in for an illustration of the pelvis.",
    "Sitting": "A warm sand-coloured gradient with the word Sitting.",
    "Hamstrings": "A violet gradient with the word Hamstrings.",
    "Get help": "A muted red gradient with the words Get help.",
}


def portrait() -> Image:
    return demo.picture(title="Monogram: Stephen O'Dwyer", draw=lambda: demo_art.monogram(initials="SO"))


def share_picture() -> Image:
    return demo.picture(
        title="Share card: Lower Back Pain Relief",
        draw=lambda: demo_art.share_card(
            site_name="Lower Back Pain Relief",
            line="Practical, calm articles on lower back pain from Stephen O'Dwyer, CNMT.",
        ),
    )


def load_author() -> AuthorProfile:
    author, _ = AuthorProfile.objects.get_or_create(
        name=AUTHOR_NAME,
        defaults={
            "slug": "stephen-odwyer",
            "links": [("link", {"label": "Lower Back Pain Relief", "url": "https://www.lowerbackpainrelief.example/"})],
            "credentials": "CNMT",
            "role": "Neuromuscular Therapist & Pain Relief Researcher",
            "photo": portrait(),
            "biography": (
                "<p>Stephen is a certified neuromuscular therapist who has spent his working life helping "
                "people out of lower back pain. He writes practical guides on pelvic torsion, on stretching "
                "with Active Isolated Stretching and on treating the iliopsoas yourself.</p>"
            ),
        },
    )
    if not author.slug:  # made by an older demo
        author.slug = "stephen-odwyer"
        author.save(update_fields=["slug"])
    if demo.is_generated_by_older_demo(author.photo, {OLDER_PORTRAIT}):
        author.photo = portrait()
        author.save(update_fields=["photo"])
    return author


TOPICS = {
    "stretching": ("Stretching", "Active Isolated Stretching and other gentle ways to lengthen short muscles."),
    "hip-flexors": ("Hip flexors", "The psoas and iliacus: how they pull on the lower back and how to release them."),
    "pelvis": ("Pelvis", "Pelvic torsion and the muscles that hold the pelvis level."),
    "everyday-habits": ("Everyday habits", "Sitting, standing and moving through the day with less strain."),
    "getting-help": ("Getting help", "When to see a professional and what to expect."),
}


def load_topics() -> dict[str, Topic]:
    topics = {}
    for slug, (name, description) in TOPICS.items():
        topic, _ = Topic.objects.get_or_create(slug=slug, defaults={"name": name, "description": description})
        topics[slug] = topic
    return topics


def load_settings(site: Site) -> SiteSettings:
    settings, _ = SiteSettings.objects.get_or_create(
        site=site,
        defaults={
            "site_name": "Lower Back Pain Relief",
            "tagline": "Practical, calm articles on lower back pain from Stephen O'Dwyer, CNMT.",
            "default_share_image": share_picture(),
            "footer_text": (
                "<p>Written by Stephen O'Dwyer, a certified neuromuscular therapist, for people who want to "
                "understand their back and do something about it.</p>"
            ),
            "medical_disclaimer": (
                "<p><b>Medical disclaimer.</b> These articles are education, not a diagnosis or a treatment plan. "
                "Stop any exercise that causes sharp or spreading pain, and see a doctor or a qualified "
                "practitioner about pain that is severe, persistent or comes with numbness or weakness.</p>"
            ),
        },
    )
    if demo.is_generated_by_older_demo(settings.default_share_image, {OLDER_SHARE}):
        settings.default_share_image = share_picture()
        settings.save(update_fields=["default_share_image"])
    return settings


def load_home() -> HomePage:
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = root.add_child(
            instance=HomePage(
                title="Relief for lower back pain",
                slug="relief",
                introduction=(
                    "Clear, practical articles on why the lower back hurts and what you can do about it, "
                    "from a neuromuscular therapist who has treated it for decades."
                ),
            )
        )
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(hostname="localhost", root_page=home, is_default_site=True, site_name="")
        else:
            previous_root = site.root_page
            site.root_page = home
            site.save()
            # Wagtail's installer leaves a "Welcome" page; the demo home replaces it.
            if previous_root.specific_class is Page and previous_root.depth == 2:
                previous_root.delete()
    return home


def load_article_index(home: HomePage) -> ArticleIndexPage:
    return demo.published_child(
        home,
        ArticleIndexPage,
        title="Articles",
        slug="articles",
        introduction="Everything published on the site, newest first.",
        show_in_menus=True,
    )


def _body(*blocks):
    return [(kind, RichText(value) if kind == "paragraph" else value) for kind, value in blocks]


ARTICLES = [
    {
        "slug": "hip-flexor-stretches",
        "title": "Hip flexor stretches that release the psoas without a fight",
        "standfirst": (
            "The psoas and iliacus pull on the lower spine when they are short. A two-second, repeated "
            "stretch lengthens them without setting off the reflex that makes them tighten back up."
        ),
        "body": _body(
            ("heading", "Two muscles, one job"),
            (
                "paragraph",
                "<p>The <b>psoas</b> starts on the sides of the lumbar vertebrae and the <b>iliacus</b> lines the "
                "inside of the pelvis. Together, as the iliopsoas, they cross the front of the hip and attach to "
                "the top of the thigh bone. When they stay short after long hours of sitting, they tilt the pelvis "
                "forward and drag on the lower back every time you stand up straight.</p>",
            ),
            ("heading", "Why holding a stretch can backfire"),
            (
                "paragraph",
                "<p>A muscle that is pulled and held for thirty seconds or more often defends itself. Sensors in the "
                "muscle notice the sudden length and fire the protective stretch reflex, and the muscle contracts "
                "against the very stretch you are doing. You end up fighting yourself.</p>",
            ),
            ("heading", "The Active Isolated Stretching way"),
            (
                "paragraph",
                "<p>Active Isolated Stretching works with the body instead. You contract the opposite muscle to "
                "move into the stretch, which tells the target muscle to relax, then you hold the end position for "
                "only about two seconds and return. Because the stretch is brief, the reflex never gets going. "
                "Repeating it eight to ten times lets the muscle lengthen a little further each time.</p>",
            ),
            ("heading", "Try it: kneeling hip flexor stretch"),
            (
                "paragraph",
                "<ol><li>Kneel on your right knee with the left foot in front, on a cushion if the floor is hard.</li>"
                "<li>Tighten your right buttock and gently tuck your tailbone under.</li>"
                "<li>Shift your weight forward until you feel the front of the right hip open. Hold two seconds.</li>"
                "<li>Come back to the start and breathe out. Repeat ten times, then change sides.</li></ol>",
            ),
        ),
    },
    {
        "slug": "pelvic-torsion-explained",
        "title": "Pelvic torsion: when one side of the pelvis twists",
        "standfirst": (
            "A pelvis that has rotated on one side can make one leg seem shorter and load one side of the lower "
            "back. Here is how it happens and what usually keeps it there."
        ),
        "body": _body(
            ("heading", "What twists"),
            (
                "paragraph",
                "<p>Each half of the pelvis can rotate slightly forward or backward where it meets the sacrum. When "
                "tight muscles pull one side more than the other, the two halves stop moving as a pair and the "
                "pelvis sits twisted.</p>",
            ),
            ("heading", "Common signs"),
            (
                "paragraph",
                "<ul><li>One-sided ache low in the back or in the buttock.</li><li>Trousers that hang longer on one "
                "side.</li><li>Pain when rolling over in bed or climbing stairs.</li></ul>",
            ),
            (
                "paragraph",
                "<p>The muscles that hold a torsion in place are usually the hip flexors, the hamstrings and the "
                "deep rotators of the hip. Releasing them evenly is what lets the pelvis settle back.</p>",
            ),
        ),
    },
    {
        "slug": "sitting-and-your-lower-back",
        "title": "Sitting all day and your lower back",
        "standfirst": (
            "Long hours in a chair shorten the muscles at the front of the hip. A few short breaks and two stretches "
            "make a surprising difference."
        ),
        "body": _body(
            (
                "paragraph",
                "<p>When you sit, the hip flexors rest in a shortened position. Do that for eight hours and they adapt "
                "to the new length. The first steps after standing up are stiff because those muscles have to be "
                "coaxed back to full length.</p>",
            ),
            ("heading", "Small habits that help"),
            (
                "paragraph",
                "<ul><li>Stand up every half hour, even briefly.</li><li>Keep your feet flat and your hips slightly "
                "higher than your knees.</li><li>End the working day with a set of hip flexor stretches.</li></ul>",
            ),
        ),
    },
    {
        "slug": "hamstrings-and-back-pain",
        "title": "Tight hamstrings and the lower back",
        "standfirst": (
            "Short hamstrings tug the pelvis backward and flatten the natural curve of the lower back. Gentle, "
            "repeated stretches ease them without strain."
        ),
        "body": _body(
            (
                "paragraph",
                "<p>The hamstrings run from the sitting bones to just below the knee. When they are short, bending "
                "forward pulls on the pelvis before the hips can hinge, so the lower back rounds and takes the "
                "load.</p>",
            ),
            ("heading", "A lying hamstring stretch"),
            (
                "paragraph",
                "<p>Lie on your back with a rope or towel around one foot. Tighten the muscles at the front of the "
                "thigh, lift the straight leg until you feel a light stretch, help it a little with the rope for two "
                "seconds, then lower it. Ten times each side.</p>",
            ),
        ),
    },
    {
        "slug": "when-to-see-someone",
        "title": "When lower back pain needs a professional",
        "standfirst": (
            "Most lower back pain settles with movement and time. A few signs mean you should be seen promptly."
        ),
        "body": _body(
            (
                "paragraph",
                "<p>See a doctor straight away if back pain comes with numbness around the groin, new trouble "
                "controlling your bladder or bowels, weakness in a leg, fever, or follows a fall or accident.</p>",
            ),
            (
                "paragraph",
                "<p>For pain that lingers beyond a few weeks without those signs, a therapist who assesses the "
                "muscles around the pelvis can often find the pattern that keeps it coming back.</p>",
            ),
        ),
    },
]


HIP_FLEXOR_EXERCISE = (
    "exercise",
    {
        "name": "Kneeling hip flexor stretch",
        "introduction": "Active Isolated Stretching for the psoas and iliacus. Move gently; it should never hurt.",
        "steps": [
            "Kneel on your right knee with the left foot in front, on a cushion if the floor is hard.",
            "Tighten your right buttock and gently tuck your tailbone under.",
            "Shift your weight forward until you feel the front of the right hip open. Hold two seconds.",
            "Come back to the start and breathe out. Repeat ten times, then change sides.",
        ],
        "repetitions": "10 times on each side",
        "hold": "2 seconds",
        "frequency": "Once or twice a day",
        "caution": "you feel sharp pain, pins and needles, or pain running down the leg.",
    },
)
HAMSTRING_EXERCISE = (
    "exercise",
    {
        "name": "Lying hamstring stretch with a rope",
        "introduction": "",
        "steps": [
            "Lie on your back with a rope or towel around one foot.",
            "Tighten the muscles at the front of the thigh and lift the straight leg until you feel a light stretch.",
            "Help it a little further with the rope for two seconds, then lower it.",
        ],
        "repetitions": "10 times on each side",
        "hold": "2 seconds",
        "frequency": "Daily",
        "caution": "the stretch turns into pain behind the knee or down the leg.",
    },
)

# Per article: topics, hero colours, publication dates, extra blocks and editor-picked related slugs.
EXTRAS = {
    "hip-flexor-stretches": {
        "topics": ["hip-flexors", "stretching"],
        "picture": "Illustration: kneeling hip flexor stretch",
        "label": "Psoas",
        "alt": (
            "Drawing of a person kneeling in a lunge, with the psoas muscle marked "
            "from the lower spine to the top of the back leg's thigh."
        ),
        "published": date(2025, 3, 4),
        "reviewed": date(2026, 10, 12),
        "blocks": [
            (
                "callout",
                {
                    "tone": "tip",
                    "title": "Why two seconds?",
                    "text": RichText(
                        "<p>A brief stretch lengthens the muscle before its protective reflex can fight back.</p>"
                    ),
                },
            ),
            HIP_FLEXOR_EXERCISE,
            ("disclaimer", None),
        ],
        "related": ["sitting-and-your-lower-back"],
        "replaces_last": 2,  # the exercise block carries the "Try it" steps, word for word
    },
    "pelvic-torsion-explained": {
        "topics": ["pelvis"],
        "picture": "Illustration: pelvic torsion",
        "label": "Pelvis",
        "alt": (
            "Diagram of the pelvis from the front: one hip bone is turned "
            "and its crest sits higher than the other side's."
        ),
        "published": date(2025, 5, 20),
        "reviewed": date(2026, 9, 1),
        "blocks": [
            (
                "quote",
                {
                    "quote": "Releasing the muscles evenly is what lets the pelvis settle back.",
                    "attribution": "Stephen O'Dwyer",
                },
            ),
            ("disclaimer", None),
        ],
        "related": ["hip-flexor-stretches", "hamstrings-and-back-pain"],
    },
    "sitting-and-your-lower-back": {
        "topics": ["everyday-habits", "hip-flexors"],
        "picture": "Illustration: sitting at a desk",
        "label": "Sitting",
        "alt": ("Drawing of a person sitting at a desk, with the hip flexors marked where the chair folds them short."),
        "published": date(2025, 8, 11),
        "reviewed": None,
        "blocks": [("disclaimer", None)],
        "related": [],
    },
    "hamstrings-and-back-pain": {
        "topics": ["stretching"],
        "picture": "Illustration: lying hamstring stretch",
        "label": "Hamstrings",
        "alt": (
            "Drawing of a person lying on their back lifting one straight leg "
            "with a rope, the hamstrings marked along the thigh."
        ),
        "published": date(2025, 11, 3),
        "reviewed": date(2026, 6, 15),
        "blocks": [HAMSTRING_EXERCISE, ("disclaimer", None)],
        "related": [],
        "replaces_last": 2,
    },
    "when-to-see-someone": {
        "topics": ["getting-help"],
        "picture": "Illustration: the spine and a nerve down the leg",
        "label": "Get help",
        "alt": (
            "Diagram of the spine from the side with the lumbar vertebrae marked and a nerve running down into the leg."
        ),
        "published": date(2026, 2, 9),
        "reviewed": date(2026, 11, 2),
        "blocks": [
            (
                "callout",
                {
                    "tone": "warning",
                    "title": "Do not wait",
                    "text": RichText(
                        "<p>Numbness around the groin or new bladder or bowel trouble needs a doctor the same day.</p>"
                    ),
                },
            ),
        ],
        "related": [],
    },
}


def hero_image(slug: str) -> Image:
    return demo.picture(title=EXTRAS[slug]["picture"], draw=demo_art.ARTICLE_PICTURES[slug])


def body_with_extras(spec: dict, extra: dict) -> list:
    keep = len(spec["body"]) - extra.get("replaces_last", 0)
    return [*spec["body"][:keep], *extra["blocks"]]


def load_articles(index: ArticleIndexPage, author: AuthorProfile, topics: dict[str, Topic]) -> list[ArticlePage]:
    articles = []
    for spec in ARTICLES:
        article = ArticlePage.objects.child_of(index).filter(slug=spec["slug"]).first()
        extra = EXTRAS[spec["slug"]]
        if article is None:
            fields = {**spec, "body": body_with_extras(spec, extra)}
            article = index.add_child(
                instance=ArticlePage(
                    author=author,
                    hero_image=hero_image(spec["slug"]),
                    hero_alt=extra["alt"],
                    published_date=extra["published"],
                    last_reviewed=extra["reviewed"],
                    **fields,
                )
            )
            article.topics.set([topics[slug] for slug in extra["topics"]])
            article.save_revision().publish()
        elif demo.is_generated_by_older_demo(article.hero_image, OLDER_HEROES):
            # An older demo's gradient with a word on it: the drawing of the article's subject instead.
            article.hero_image = hero_image(spec["slug"])
            if article.hero_alt == OLDER_ALTS.get(extra["label"]):
                article.hero_alt = extra["alt"]
            article.save_revision().publish()
            article.refresh_from_db()
        if article.hero_image_id is None and not article.topic_items.exists():
            # Made by an older demo: add this fields once, keeping the text.
            article.hero_image = hero_image(spec["slug"])
            article.hero_alt = extra["alt"]
            article.published_date = extra["published"]
            article.last_reviewed = extra["reviewed"]
            article.body = body_with_extras(spec, extra)
            article.topics.set([topics[slug] for slug in extra["topics"]])
            article.save_revision().publish()
            article.refresh_from_db()
        articles.append(article)
    return articles


def load_related(articles: list[ArticlePage]) -> None:
    by_slug = {article.slug: article for article in articles}
    for slug, extra in EXTRAS.items():
        page = by_slug.get(slug)
        if page is None or not extra["related"] or RelatedArticle.objects.filter(page=page).exists():
            continue
        for order, related_slug in enumerate(extra["related"]):
            if related_slug in by_slug:
                RelatedArticle.objects.create(page=page, article=by_slug[related_slug], sort_order=order)


def load() -> None:
    author = load_author()
    home = load_home()
    site = Site.objects.get(root_page=home)
    load_settings(site)
    topics = load_topics()
    index = load_article_index(home)
    articles = load_articles(index, author, topics)
    load_related(articles)
    if home.featured_article_id is None and articles:
        home.featured_article = articles[0]
        home.save_revision().publish()
    demo_guides.load()
    demo.forget_older_pictures(
        {OLDER_PORTRAIT, OLDER_SHARE, *OLDER_HEROES},
        still_used_by=[(ArticlePage, "hero_image"), (AuthorProfile, "photo"), (SiteSettings, "default_share_image")],
    )
