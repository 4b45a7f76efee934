"""The page cache over gunicorn: what an editor changes shows on the next anonymous request, and no cached
answer carries a cookie, a CSRF token or a person's session. (This process purges through the cache the
server reads: `shared_cache` in conftest.)"""

from tests.website import conftest as website_fixtures

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
