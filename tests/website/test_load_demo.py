"""`load_demo` builds the demo site once, however often it runs."""

import re
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.images.models import Image
from wagtail.models import Page, Site

from shop.models import Product, ProductFile
from website.models import (
    ArticlePage,
    ArticleTopic,
    AuthorProfile,
    GuidePage,
    HomePage,
    RelatedArticle,
    SiteSettings,
    Topic,
)

from .conftest import make_image


def counts():
    return {
        "pages": Page.objects.count(),
        "articles": ArticlePage.objects.count(),
        "homes": HomePage.objects.count(),
        "authors": AuthorProfile.objects.count(),
        "images": Image.objects.count(),
        "users": get_user_model().objects.count(),
        "sites": Site.objects.count(),
        "topics": Topic.objects.count(),
        "topic_links": ArticleTopic.objects.count(),
        "related": RelatedArticle.objects.count(),
        "settings": SiteSettings.objects.count(),
        "revisions": sum(page.revisions.count() for page in Page.objects.all()),
    }


def test_load_demo_twice_leaves_one_copy_of_everything(db):
    call_command("load_demo")
    first = counts()

    call_command("load_demo")

    assert counts() == first
    assert first["homes"] == first["authors"] == first["sites"] == 1
    assert first["articles"] >= 4
    assert Site.objects.get().root_page.specific_class is HomePage
    assert first["topics"] >= 4
    assert first["related"] >= 1
    assert first["settings"] == 1
    assert all(article.hero_image_id and article.hero_alt for article in ArticlePage.objects.all())
    assert all(article.topic_items.exists() for article in ArticlePage.objects.all())
    settings = SiteSettings.objects.get()
    assert settings.default_share_image_id
    assert settings.medical_disclaimer


def test_load_demo_keeps_the_articles_text_and_adds_exercise_steps(db):
    call_command("load_demo")

    hip = ArticlePage.objects.get(slug="hip-flexor-stretches")
    kinds = [block.block_type for block in hip.body]
    text = str(hip.body.raw_data)
    assert "exercise" in kinds
    assert "disclaimer" in kinds
    assert "The Active Isolated Stretching way" in text
    assert "Kneel on your right knee with the left foot in front" in text
    assert hip.published_date
    assert hip.last_reviewed
    assert {t.slug for t in hip.topics.all()} == {"hip-flexors", "stretching"}


def test_load_demo_upgrades_articles_made_by_an_older_demo(db):
    call_command("load_demo")
    ArticlePage.objects.update(hero_image=None)
    ArticleTopic.objects.all().delete()

    call_command("load_demo")
    call_command("load_demo")

    assert all(article.hero_image_id for article in ArticlePage.objects.all())
    assert ArticleTopic.objects.count() >= ArticlePage.objects.count()


def test_load_demo_takes_admin_password_from_environment(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "correct horse battery staple")

    call_command("load_demo")

    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser
    assert admin.check_password("correct horse battery staple")


def test_load_demo_prints_a_generated_password_once(db, monkeypatch, capsys):
    monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD", raising=False)

    call_command("load_demo")
    first = capsys.readouterr().out
    call_command("load_demo")
    second = capsys.readouterr().out

    password = first.split("password: ")[1].split()[0]
    assert get_user_model().objects.get(username="admin").check_password(password)
    assert "password" not in second


def test_home_page_shows_demo_articles_and_author_photo(client, demo_site):
    response = client.get("/")

    html = response.content.decode()
    photo_stem = Path(AuthorProfile.objects.get().photo.file.name).stem[:15]
    assert response.status_code == 200
    assert "Hip flexor stretches" in html
    assert re.search(rf'(?:src|srcset)="/media/images/{re.escape(photo_stem)}[^"]*"', html)


def test_author_photo_is_served_in_embedded_mode(client, demo_site, settings):
    settings.SERVE_MEDIA = True
    author = AuthorProfile.objects.get()
    rendition = author.photo.get_rendition("fill-64x64")

    response = client.get(rendition.url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] in {b"\x89PNG", b"RIFF"}


def test_media_are_not_served_outside_embedded_mode(client, demo_site, settings):
    settings.SERVE_MEDIA = False
    author = AuthorProfile.objects.get()

    assert client.get(author.photo.file.url).status_code == 404


def test_demo_header_menu_lists_articles_guides_and_courses(client, demo_site):
    html = client.get("/").content.decode()

    nav = html.split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]
    for label, url in (("Articles", "/articles/"), ("Guides", "/guides/"), ("Courses", "/courses/")):
        assert f'href="{url}"' in nav, label


REAL_GUIDES = {
    "pelvic-torsion-guide": (
        "Postural Blueprint for Correcting Pelvic Torsion",
        "The Complete Guide to Restoring Pelvic Balance",
        2022,
    ),
    "stretching-guide": (
        "Stretching Blueprint for Pain Relief & Better Flexibility",
        "The Complete Guide to Pain-Free Muscles Using Active Isolated Stretching",
        2020,
    ),
    "iliopsoas-guide": ("Healing the Hidden Root of Pain", "Self-Treatment for Iliopsoas Syndrome", 2013),
}


def test_demo_guides_carry_the_authors_real_titles_and_selling_sections(demo_site):
    for slug, (title, subtitle, year) in REAL_GUIDES.items():
        page = GuidePage.objects.get(slug=slug)
        assert (page.title, page.subtitle, page.year) == (title, subtitle, year)
        assert page.product.name == title
        assert page.product.files.get().title == title
        assert page.cover.title == f"Cover: {title}"
        kinds = [section.block_type for section in page.sales]
        assert kinds == ["inside", "samples", "testimonials", "faq", "refund"]
        assert page.sales[4].value["policy"].slug == "refund-policy"


def test_load_demo_upgrades_guides_and_pictures_an_older_demo_made(db):
    call_command("load_demo")
    older = {
        "pelvic-torsion-guide": "The Pelvic Torsion Guide",
        "stretching-guide": "Stretching for Pain Relief and Flexibility",
        "iliopsoas-guide": "The Iliopsoas Self-Treatment Guide",
    }
    for slug, name in older.items():  # as the previous demo left them
        gradient = make_image(f"Cover: {name}")
        GuidePage.objects.filter(slug=slug).update(title=name, draft_title=name, cover=gradient, sales=[])
        Product.objects.filter(slug=slug).update(name=name)
        ProductFile.objects.filter(product__slug=slug).update(title=name)
    ArticlePage.objects.filter(slug="pelvic-torsion-explained").update(
        hero_image=make_image("Hero: Pelvis"), hero_alt="A blue gradient with the word Pelvis."
    )

    call_command("load_demo")
    call_command("load_demo")

    for slug, (title, _, _) in REAL_GUIDES.items():
        page = GuidePage.objects.get(slug=slug)
        assert page.title == title
        assert page.cover.title == f"Cover: {title}"
        assert len(page.sales) == 5
        assert Product.objects.get(slug=slug).name == title
        assert GuidePage.objects.get(slug=slug).get_latest_revision().content["title"] == title
    article = ArticlePage.objects.get(slug="pelvic-torsion-explained")
    assert article.hero_image.title == "Illustration: pelvic torsion"
    assert article.hero_alt == "A blue gradient with the word Pelvis."  # an edited alt text is the editor's
    assert not Image.objects.filter(title__in=[f"Cover: {name}" for name in older.values()]).exists()
    assert not Image.objects.filter(title="Hero: Pelvis").exists()


def test_demo_pictures_are_drawn_large_enough_for_twice_their_display_size(demo_site):
    for article in ArticlePage.objects.all():
        assert article.hero_image.title.startswith("Illustration: ")
        assert article.hero_image.width >= 1440  # the hero's largest rendition, 2x of 720 px
    for page in GuidePage.objects.all():
        assert (page.cover.width, page.cover.height) == (1000, 1400)  # 2x of the 320 px (and 500 px) cover
    settings = SiteSettings.objects.get()
    assert (settings.default_share_image.width, settings.default_share_image.height) == (1200, 630)
