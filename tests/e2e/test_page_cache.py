"""The page cache over gunicorn: what an editor changes (a page, a snippet, a topic, a price) and a new release show
on the next anonymous request, /api/catalogue is cached for visitors only, and no cached answer carries a cookie, a
CSRF token or a person's session or data. (This process purges through the cache the server reads: `shared_cache`
in conftest.)"""

from django.conf import settings

from shop.models import Product
from tests.api.conftest import grant, session_token
from tests.shop.factories import ProductFactory, UserFactory
from tests.website import conftest as website_fixtures
from website.models import GuidePage, ShopIndexPage

ARTICLE = "/articles/hip-flexor-stretches/"
site_tree = website_fixtures.site_tree  # the small site these tests read


def test_publish_unpublish_and_a_snippet_change_show_on_the_next_anonymous_request(live_site, request):
    tree = request.getfixturevalue("site_tree")
    site = live_site
    assert site.get(ARTICLE).headers["X-Page-Cache"] == "miss"
    assert site.get(ARTICLE).headers["X-Page-Cache"] == "hit"

    tree.hip.title = "Retitled by the editor"
    tree.hip.save_revision().publish()
    assert "Retitled by the editor" in site.get(ARTICLE).text

    tree.author.name = "Renamed Author"
    tree.author.save()
    assert "Renamed Author" in site.get(ARTICLE).text

    tree.hip.unpublish()
    assert site.get(ARTICLE).status_code == 404


def test_cached_answers_carry_no_cookie_or_token_and_answer_304(live_site, request):
    request.getfixturevalue("site_tree")
    site = live_site
    site.get(ARTICLE)
    cached = site.get(ARTICLE + "?utm_source=mail&gclid=1", headers={"Accept-Encoding": "br"})

    assert cached.headers["X-Page-Cache"] == "hit"
    assert cached.headers["Content-Encoding"] == "br"
    assert "Set-Cookie" not in cached.headers
    assert "csrfmiddlewaretoken" not in cached.text
    assert site.get(ARTICLE, headers={"If-None-Match": cached.headers["ETag"]}).status_code == 304

    with_session = site.get(ARTICLE, headers={"Accept-Encoding": "br", "Cookie": "sessionid=someone"})
    assert "X-Page-Cache" not in with_session.headers
    assert "Content-Encoding" not in with_session.headers
    assert "private" in with_session.headers["Cache-Control"]


GUIDE = "/guides/stretching/"
CATALOGUE = "/api/catalogue/products"


def _guide_on_sale(tree) -> Product:
    """A guide's sales page showing its product's price, and two more products so the catalogue is worth compressing."""
    index = tree.home.add_child(instance=ShopIndexPage(title="Guides", slug="guides"))
    product = Product.objects.create(name="Stretching Blueprint", slug="stretching", price_amount=1900, currency="usd")
    page = index.add_child(
        instance=GuidePage(
            title="Stretching Blueprint", slug="stretching", description="<p>Short.</p>", product=product
        )
    )
    page.save_revision().publish()
    ProductFactory.create_batch(2)
    return product


def _prices(response) -> dict[str, int]:
    return {product["slug"]: product["price"]["amount"] for product in response.json()}


def test_a_price_change_shows_on_the_next_anonymous_request(live_site, request):
    product = _guide_on_sale(request.getfixturevalue("site_tree"))
    site = live_site
    assert "$19.00" in site.get(GUIDE).text
    assert site.get(GUIDE).headers["X-Page-Cache"] == "hit"
    assert _prices(site.get(CATALOGUE))["stretching"] == 1900
    assert site.get(CATALOGUE).headers["X-Page-Cache"] == "hit"

    product.price_amount = 2400
    product.save()

    page = site.get(GUIDE)
    assert "$24.00" in page.text
    assert "$19.00" not in page.text
    assert _prices(site.get(CATALOGUE))["stretching"] == 2400


def test_a_topic_change_shows_on_the_next_anonymous_request(live_site, request):
    tree = request.getfixturevalue("site_tree")
    site = live_site
    archive = "/articles/topic/stretching/"
    assert "Gentle stretches." in site.get(archive).text
    assert site.get(archive).headers["X-Page-Cache"] == "hit"
    assert "Stretching" in site.get(ARTICLE).text
    assert site.get(ARTICLE).headers["X-Page-Cache"] == "hit"

    tree.stretching.name = "Loosening up"
    tree.stretching.description = "Slow stretches for stiff mornings."
    tree.stretching.save()

    assert "Slow stretches for stiff mornings." in site.get(archive).text
    assert "Loosening up" in site.get(ARTICLE).text


def test_the_catalogue_is_cached_compressed_and_purged_for_visitors_only(start_live_site, request):
    product = _guide_on_sale(request.getfixturevalue("site_tree"))
    buyer = UserFactory(email="owner@example.com")
    grant(buyer, product)
    site = start_live_site(SECRET_KEY=settings.SECRET_KEY)  # so the server reads the app token made here

    first = site.get(CATALOGUE, headers={"Accept-Encoding": "br"})
    cached = site.get(CATALOGUE, headers={"Accept-Encoding": "br"})
    mine = site.get(CATALOGUE, headers={"X-Session-Token": session_token(buyer), "Accept-Encoding": "br"})
    again = site.get(CATALOGUE, headers={"If-None-Match": cached.headers["ETag"]})

    assert (first.headers["X-Page-Cache"], cached.headers["X-Page-Cache"]) == ("miss", "hit")
    assert cached.headers["Content-Encoding"] == "br"  # requests decodes it: .json() below reads the plain copy
    assert cached.headers["Cache-Control"] == "public, max-age=0, s-maxage=60"
    assert "Set-Cookie" not in cached.headers
    assert not any(p["owned"] for p in cached.json())
    assert again.status_code == 304
    assert "X-Page-Cache" not in mine.headers
    assert "Content-Encoding" not in mine.headers  # private answers are never compressed (BREACH)
    assert mine.headers["Cache-Control"].startswith("private")
    assert {p["slug"]: p["owned"] for p in mine.json()}["stretching"] is True
    assert not any(p["owned"] for p in site.get(CATALOGUE).json())

    product.active = False
    product.save()
    assert "stretching" not in _prices(site.get(CATALOGUE))


# What only a signed-in reader's answer may hold: the form token, cookies' names, their menu, e-mail and ownership.
PERSONAL = ("csrfmiddlewaretoken", "csrftoken", "sessionid", "My learning", "someone.private", '"owned": true')


def test_no_cached_answer_carries_a_session_a_csrf_token_or_a_persons_data(start_live_site, request):
    product = _guide_on_sale(request.getfixturevalue("site_tree"))
    reader = UserFactory(email="someone.private@example.com")
    grant(reader, product)
    site = start_live_site(SECRET_KEY=settings.SECRET_KEY)  # so the server reads the session made here
    signed_in = site.client()
    signed_in.cookies.set(settings.SESSION_COOKIE_NAME, session_token(reader))
    addresses = ("/", ARTICLE, "/articles/", GUIDE, CATALOGUE)
    for path in addresses:
        # The signed-in reader goes first: had anything of theirs been stored, the visitors below would get it.
        theirs = site.get(path, signed_in)
        assert "X-Page-Cache" not in theirs.headers, path
        assert "private" in theirs.headers["Cache-Control"], path
    assert "My learning" in site.get("/", signed_in).text

    visitor = site.client()
    for path in addresses:
        assert site.get(path, visitor).headers["X-Page-Cache"] == "miss", path
        cached = site.get(path, visitor)
        assert cached.headers["X-Page-Cache"] == "hit", path
        assert "Set-Cookie" not in cached.headers, path
        for secret in (
            "csrfmiddlewaretoken",
            "csrftoken",
            "sessionid",
            "My learning",
            "someone.private",
            '"owned":true',
        ):
            assert secret not in cached.text.replace(" ", ""), (path, secret)
    assert not visitor.cookies


def test_a_new_release_never_serves_what_the_old_one_rendered(start_live_site, request):
    request.getfixturevalue("site_tree")
    old = start_live_site(workers=1, RELEASE="release-one")
    new = start_live_site(workers=1, RELEASE="release-two")

    assert [old.get(ARTICLE).headers["X-Page-Cache"] for _ in range(2)] == ["miss", "hit"]
    assert [new.get(ARTICLE).headers["X-Page-Cache"] for _ in range(2)] == ["miss", "hit"]
    assert old.get(ARTICLE).headers["X-Page-Cache"] == "hit"
