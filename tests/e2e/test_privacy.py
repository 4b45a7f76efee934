"""Outside in: what a stranger gets over HTTP for aliases of private articles and for private documents.

Security issue, items 3, 4 and 8. The server is gunicorn with production settings and SERVE_MEDIA=1 (the
embedded mode `make run` uses); rows are arranged in the database it serves.
"""

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.models import Collection, CollectionViewRestriction, Page, PageViewRestriction, Site

from tests.courses.factories import UserFactory
from tests.website.conftest import add_article, make_image
from website.models import ArticleIndexPage, HomePage

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SECRET = b"%PDF-1.4 members-only worksheet"


def build_site():
    """Home with a public "articles" section, a login-only "members" section and a public "library"
    holding three aliases: of a public article, of a login-only article, of an article in "members"."""
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Relief", slug="relief-e2e"))
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    articles = home.add_child(instance=ArticleIndexPage(title="Articles", slug="articles"))
    members = home.add_child(instance=ArticleIndexPage(title="Members", slug="members"))
    library = home.add_child(instance=ArticleIndexPage(title="Library", slug="library"))
    sources = {
        "open": add_article(articles, slug="open", title="Quadratus stretch open to all"),
        "source": add_article(articles, slug="locked", title="Quadratus release for members"),
        "section": add_article(members, slug="inner", title="Quadratus drill in the members section"),
    }
    aliases = {name: page.create_alias(parent=library, update_slug=f"{name}-alias") for name, page in sources.items()}
    PageViewRestriction.objects.create(page=sources["source"], restriction_type=PageViewRestriction.LOGIN)
    PageViewRestriction.objects.create(page=members, restriction_type=PageViewRestriction.LOGIN)
    return aliases


def paths_in_sitemap(text: str) -> set[str]:
    return {urlsplit(loc.text).path for loc in ET.fromstring(text).iter(f"{SITEMAP}loc")}  # noqa: S314


def test_aliases_of_private_articles_stay_private_on_every_surface(live_db, start_live_site):
    aliases = build_site()
    site = start_live_site(SERVE_MEDIA="1")
    stranger = site.client()
    url = {name: f"/library/{name}-alias/" for name in aliases}

    pages = {name: site.get(path, stranger) for name, path in url.items()}
    embeds = {name: site.get("/oembed", stranger, params={"url": site.url + path}) for name, path in url.items()}
    search = site.get("/search/", stranger, params={"q": "quadratus"}).text
    rss = site.get("/feeds/rss/", stranger).text
    sitemap = paths_in_sitemap(site.get("/sitemap.xml", stranger).text)
    listing = site.get("/api/v2/pages/", stranger, params={"type": "website.ArticlePage", "limit": 50})
    listed = {item["id"] for item in listing.json()["items"]}
    details = {name: site.get(f"/api/v2/pages/{page.pk}/", stranger).status_code for name, page in aliases.items()}
    finds = {name: site.get("/api/v2/pages/find/", stranger, params={"html_path": path}) for name, path in url.items()}

    # The public article's alias is everywhere: the surfaces below do show aliases.
    assert pages["open"].status_code == 200
    assert embeds["open"].status_code == 200
    assert url["open"] in search
    assert url["open"] in rss
    assert url["open"] in sitemap
    assert aliases["open"].pk in listed
    assert details["open"] == 200
    assert finds["open"].status_code == 302
    assert listing.headers["Cache-Control"].startswith("public")
    for name in ("source", "section"):
        assert pages[name].status_code == 302, name
        assert "/login/?next=" in pages[name].headers["Location"]
        assert "Quadratus" not in pages[name].text
        assert embeds[name].status_code == 404, name
        assert url[name] not in search
        assert url[name] not in rss
        assert url[name] not in sitemap
        assert aliases[name].pk not in listed
        assert details[name] == 404
        assert finds[name].status_code == 404
    assert "members" not in search.lower().split("<main")[1]


def test_signed_in_app_gets_the_private_alias_in_a_private_answer(live_db, start_live_site):
    aliases = build_site()
    reader = UserFactory(email="reader@example.com")
    reader.set_password("a long reader password")
    reader.save()
    # Password sign-in needs a proved address (sign-up asks for the code first).
    EmailAddress.objects.create(user=reader, email=reader.email, primary=True, verified=True)
    site = start_live_site()
    signed_in = site.post(
        "/_allauth/app/v1/auth/login", json={"email": "reader@example.com", "password": "a long reader password"}
    )
    token = signed_in.json()["meta"]["session_token"]

    listing = site.get(
        "/api/v2/pages/", params={"type": "website.ArticlePage", "limit": 50}, headers={"X-Session-Token": token}
    )
    detail = site.get(f"/api/v2/pages/{aliases['section'].pk}/", headers={"X-Session-Token": token})

    assert {aliases["source"].pk, aliases["section"].pk} <= {item["id"] for item in listing.json()["items"]}
    assert detail.status_code == 200
    for response in (listing, detail):
        assert response.headers["Cache-Control"].startswith("private")
        assert {"cookie", "authorization", "x-session-token"} <= {
            part.strip().lower() for part in response.headers["Vary"].split(",")
        }


def test_private_collection_document_is_not_served_from_media(live_db, start_live_site):
    members = Collection.get_first_root_node().add_child(name="Members")
    CollectionViewRestriction.objects.create(collection=members, restriction_type=CollectionViewRestriction.LOGIN)
    document = Document.objects.create(title="Worksheet", collection=members, file=ContentFile(SECRET, name="w.pdf"))
    image = make_image("Dot", size=(8, 8))
    site = start_live_site(SERVE_MEDIA="1")
    stranger = site.client()

    direct = [
        site.get(f"{prefix}{document.file.name}", stranger)
        for prefix in ("/media/", "/media/images/../", "/media/./", "/media/%2e%2e/media/")
    ]
    through_wagtail = site.get(document.url, stranger)
    picture = site.get(f"/media/{image.file.name}", stranger)

    assert [response.status_code for response in direct] == [404, 404, 404, 404]
    assert all(SECRET not in response.content for response in direct)
    assert through_wagtail.status_code == 302
    assert "/login/" in through_wagtail.headers["Location"]
    assert SECRET not in through_wagtail.content
    assert picture.status_code == 200
