"""A small site built directly (faster than the demo): home, article index, an author, topics, articles."""

import io
from datetime import date
from types import SimpleNamespace

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.models import Page, Site
from wagtail.rich_text import RichText

from website.models import ArticleIndexPage, ArticlePage, AuthorProfile, HomePage, SiteSettings, Topic


def make_image(title="Test picture", size=(800, 450), colour="#0b6b5c") -> Image:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, format="PNG")
    return Image.objects.create(title=title, file=ImageFile(buffer, name=f"{title.lower().replace(' ', '-')}.png"))


def add_article(index, *, slug, title=None, author=None, topics=(), hero=None, publish=True, body=None, **fields):
    article = ArticlePage(
        title=title or slug.replace("-", " ").capitalize(),
        live=publish,
        slug=slug,
        standfirst=fields.pop("standfirst", f"What to know about {slug.replace('-', ' ')}."),
        author=author,
        hero_image=hero,
        hero_alt="A test picture" if hero else "",
        body=body if body is not None else [("paragraph", RichText("<p>Some text about the lower back.</p>"))],
        **fields,
    )
    index.add_child(instance=article)
    if topics:
        article.topics.set(topics)
    revision = article.save_revision()
    if publish:
        revision.publish()
        article.refresh_from_db()
    return article


@pytest.fixture
def site_tree(db):
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Relief for lower back pain", slug="relief", introduction="Welcome."))
    site = Site.objects.get(is_default_site=True)
    old_root = site.root_page
    site.root_page = home
    site.save()
    if old_root.specific_class is Page:
        old_root.delete()
    index = home.add_child(instance=ArticleIndexPage(title="Articles", slug="articles", show_in_menus=True))
    portrait = make_image("Portrait", size=(200, 200))
    author = AuthorProfile.objects.create(
        name="Stephen O'Dwyer",
        credentials="CNMT",
        role="Neuromuscular Therapist",
        photo=portrait,
        biography="<p>Helps people out of back pain.</p>",
        links=[("link", {"label": "Clinic", "url": "https://clinic.example/"})],
    )
    stretching = Topic.objects.create(name="Stretching", slug="stretching", description="Gentle stretches.")
    pelvis = Topic.objects.create(name="Pelvis", slug="pelvis")
    hero = make_image("Hero")
    settings = SiteSettings.objects.create(
        site=site,
        site_name="Lower Back Pain Relief",
        tagline="Calm articles on back pain.",
        default_share_image=make_image("Share", size=(1200, 630)),
        footer_text="<p>Footer words.</p>",
        medical_disclaimer="<p>Education, not a diagnosis.</p>",
    )
    hip = add_article(
        index,
        slug="hip-flexor-stretches",
        title="Hip flexor stretches that release the psoas",
        standfirst="The psoas and iliacus pull on the lower spine when they are short.",
        author=author,
        topics=[stretching],
        hero=hero,
        published_date=date(2025, 3, 4),
        last_reviewed=date(2026, 10, 12),
    )
    return SimpleNamespace(
        site=site,
        home=home,
        index=index,
        author=author,
        topics=[stretching, pelvis],
        stretching=stretching,
        pelvis=pelvis,
        hero=hero,
        settings=settings,
        hip=hip,
    )
