"""`load_demo` builds the demo site once, however often it runs."""

from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.images.models import Image
from wagtail.models import Page, Site

from website.models import ArticlePage, AuthorProfile, HomePage


def counts():
    return {
        "pages": Page.objects.count(),
        "articles": ArticlePage.objects.count(),
        "homes": HomePage.objects.count(),
        "authors": AuthorProfile.objects.count(),
        "images": Image.objects.count(),
        "users": get_user_model().objects.count(),
        "sites": Site.objects.count(),
    }


def test_load_demo_twice_leaves_one_copy_of_everything(db):
    call_command("load_demo")
    first = counts()

    call_command("load_demo")

    assert counts() == first
    assert first["homes"] == first["authors"] == first["sites"] == 1
    assert first["articles"] >= 4
    assert Site.objects.get().root_page.specific_class is HomePage


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
    assert response.status_code == 200
    assert "Hip flexor stretches" in html
    assert "/media/images/" in html or "/images/" in html


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
