"""The anonymous page cache (core/pagecache.py): what is kept, for whom, and what empties it."""

import gzip

import brotli
import pytest
from django.core.cache import cache

from core import pagecache
from shop.models import Product
from tests.shop.factories import ProductFactory
from tests.website import conftest as website_fixtures

ARTICLE = "/articles/hip-flexor-stretches/"
site_tree = website_fixtures.site_tree  # the small site these tests read


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True


def generation():
    return cache.get(pagecache.GENERATION_KEY)


def test_a_second_anonymous_request_is_answered_from_the_cache(client, site_tree):
    first = client.get(ARTICLE)
    second = client.get(ARTICLE)

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    assert "public" in second["Cache-Control"]
    assert "s-maxage=60" in second["Cache-Control"]
    assert second["ETag"].startswith('W/"')
    assert second.has_header("Last-Modified")


def test_a_publish_shows_on_the_next_anonymous_request(client, site_tree, django_capture_on_commit_callbacks):
    client.get(ARTICLE)
    article = site_tree.hip
    article.title = "A new title after publishing"
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()

    response = client.get(ARTICLE)

    assert response["X-Page-Cache"] == "miss"
    assert "A new title after publishing" in response.text


def test_an_unpublish_shows_on_the_next_anonymous_request(client, site_tree, django_capture_on_commit_callbacks):
    assert client.get(ARTICLE).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        site_tree.hip.unpublish()

    assert client.get(ARTICLE).status_code == 404


def test_a_snippet_or_a_price_change_purges(site_tree, django_capture_on_commit_callbacks):
    product = ProductFactory()
    before = pagecache.current_generation({})
    with django_capture_on_commit_callbacks(execute=True):
        site_tree.author.name = "Another name"
        site_tree.author.save()
    after_snippet = generation()
    with django_capture_on_commit_callbacks(execute=True):
        Product.objects.get(pk=product.pk).save()

    assert before != after_snippet != generation()


def test_tracking_parameters_share_the_entry_of_the_plain_address(client, site_tree):
    client.get(ARTICLE)

    response = client.get(ARTICLE + "?utm_source=newsletter&utm_medium=email&gclid=x&fbclid=y")

    assert response["X-Page-Cache"] == "hit"


def test_an_etag_or_date_the_client_has_gets_304(client, site_tree):
    first = client.get(ARTICLE)

    by_tag = client.get(ARTICLE, headers={"If-None-Match": first["ETag"]})
    by_date = client.get(ARTICLE, headers={"If-Modified-Since": first["Last-Modified"]})
    changed = client.get(ARTICLE, headers={"If-None-Match": 'W/"something-else"'})

    assert (by_tag.status_code, by_date.status_code, changed.status_code) == (304, 304, 200)
    assert by_tag.content == b""


def test_public_pages_come_compressed_as_the_client_accepts(client, site_tree):
    plain = client.get(ARTICLE).content

    as_brotli = client.get(ARTICLE, headers={"Accept-Encoding": "gzip, br"})
    as_gzip = client.get(ARTICLE, headers={"Accept-Encoding": "gzip"})

    assert as_brotli["Content-Encoding"] == "br"
    assert brotli.decompress(as_brotli.content) == plain
    assert as_gzip["Content-Encoding"] == "gzip"
    assert gzip.decompress(as_gzip.content) == plain
    assert "Accept-Encoding" in as_brotli["Vary"]
    assert len(as_brotli.content) <= 0.3 * len(plain)


def test_a_signed_in_reader_is_never_served_or_stored_and_never_compressed(client, site_tree, django_user_model):
    client.get(ARTICLE)  # stored for anonymous readers
    client.force_login(django_user_model.objects.create_user("reader", "reader@example.com"))

    response = client.get(ARTICLE, headers={"Accept-Encoding": "br"})

    assert not response.has_header("X-Page-Cache")
    assert not response.has_header("Content-Encoding")
    assert "private" in response["Cache-Control"]
    assert "Sign out" in response.text


def test_a_cached_page_carries_no_cookie_and_no_csrf_token(client, site_tree):
    for url in ("/", ARTICLE, "/articles/"):
        client.get(url)
        response = client.get(url)
        assert response["X-Page-Cache"] == "hit", url
        assert not response.cookies, url
        assert b"csrfmiddlewaretoken" not in response.content, url


def test_an_answer_that_sets_a_cookie_is_not_stored(client, site_tree):
    client.get("/accounts/login/")

    response = client.get("/accounts/login/")

    assert not response.has_header("X-Page-Cache")


@pytest.mark.parametrize(
    ("header", "expected"),
    [("gzip, deflate, br", "br"), ("gzip", "gzip"), ("br;q=0, gzip", "gzip"), ("", ""), ("identity", "")],
)
def test_preferred_encoding(header, expected):
    assert pagecache.preferred_encoding(header) == expected
