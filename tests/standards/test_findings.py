"""Issue 14's findings, each walked into over HTTP against the demo site that gunicorn serves."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import date

import html5lib

from tests.standards.conftest import REVIEWER
from tests.standards.test_validators import json_ld


def head_tags(html: str) -> dict:
    """{name or property: content} of the <meta> tags, and the canonical link as "canonical"."""
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    found = {}
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name")
        if key:
            found.setdefault(key, meta.get("content"))
    for link in tree.iter("link"):
        if link.get("rel") == "canonical":
            found["canonical"] = link.get("href")
    return found


def strings(value):
    """Every string leaf of a JSON value (a StreamField body's texts)."""
    if isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, str):
        yield value


def sentences(text: str) -> list[str]:
    """The longer sentences of a text, tags removed: what a leak of the body would show."""
    plain = re.sub(r"<[^>]+>", " ", text)
    return [part.strip() for part in re.split(r"[.!?]", plain) if len(part.strip()) >= 25]


def lessons(site) -> list[dict]:
    answer = site.get("/api/v2/pages/", params={"type": "courses.LessonPage", "fields": "summary,access", "limit": 50})
    return answer.json()["items"]


def test_lesson_pages_carry_canonical_open_graph_and_twitter_tags_from_public_words_only(standards_site):
    locked = [item for item in lessons(standards_site) if not item["access"]["granted"]]
    assert locked
    bearer = {"Authorization": f"Bearer {standards_site.token}"}

    checked = 0
    for lesson in locked:
        path = lesson["meta"]["html_url"].removeprefix(standards_site.url)
        tags = head_tags(standards_site.get(path).text)
        paid = standards_site.get(f"/api/v2/pages/{lesson['id']}/", params={"fields": "body"}, headers=bearer).json()
        paid_words = [sentence for text in strings(paid["body"] or []) for sentence in sentences(text)]

        assert tags["canonical"] == lesson["meta"]["html_url"]
        assert tags["og:url"] == lesson["meta"]["html_url"]
        assert tags["og:title"] == lesson["title"]
        assert tags["twitter:card"] in {"summary", "summary_large_image"}
        assert tags["description"] == tags["og:description"] == tags["twitter:description"] == lesson["summary"]
        assert tags["og:image"].startswith(standards_site.url)
        assert not any(words in json.dumps(tags) for words in paid_words)
        checked += bool(paid_words)
    # Lessons still dripping are closed to the buyer too; the rest show what a leak would reveal.
    assert checked >= 1


def test_feeds_answer_304_to_a_reader_that_already_has_them(standards_site):
    for path in ["/feeds/rss/", "/feeds/atom/"]:
        first = standards_site.get(path)
        by_tag = standards_site.get(path, headers={"If-None-Match": first.headers["ETag"]})
        by_date = standards_site.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]})
        stale = standards_site.get(path, headers={"If-None-Match": '"something-else"'})

        assert first.status_code == 200
        assert (by_tag.status_code, by_tag.content) == (304, b"")
        assert (by_date.status_code, by_date.content) == (304, b"")
        assert stale.status_code == 200
        assert stale.content == first.content


def test_a_reviewed_article_names_its_reviewer_on_a_web_page_node_and_no_medical_page(standards_site):
    html = standards_site.get(standards_site.reviewed_article).text
    objects = json_ld(html)
    web_pages = [obj for obj in objects if obj.get("@type") == "WebPage"]
    others = [obj for obj in objects if obj.get("@type") == "Article"]

    assert len(web_pages) == 1
    assert web_pages[0]["lastReviewed"] == others[0]["dateModified"]
    assert web_pages[0]["reviewedBy"]["name"] == REVIEWER
    assert others[0]["author"]["name"] != REVIEWER
    assert "MedicalWebPage" not in html
    assert f"by {REVIEWER}" in html


def test_an_article_the_author_reviewed_names_no_reviewer(standards_site, pages):
    articles = [
        (path, obj)
        for path, html in pages.items()
        if path != standards_site.reviewed_article
        for obj in json_ld(html)
        if obj.get("@type") == "WebPage" and "lastReviewed" in obj
    ]

    assert articles
    assert all("reviewedBy" not in obj for _, obj in articles)


def test_oembed_thumbnails_fit_inside_maxwidth_and_maxheight_and_xml_is_offered(standards_site, pages):
    guide = next(path for path in pages if path.startswith("/guides/") and path.count("/") == 3)
    url = standards_site.absolute(guide)

    wide = standards_site.get("/oembed", params={"url": url}).json()
    narrow = standards_site.get("/oembed", params={"url": url, "maxwidth": 50}).json()
    tiny = standards_site.get("/oembed", params={"url": url, "maxwidth": 10, "maxheight": 10}).json()
    as_xml = standards_site.get("/oembed", params={"url": url, "format": "xml", "maxwidth": 50})
    unknown = standards_site.get("/oembed", params={"url": url, "format": "yaml"})

    assert wide["thumbnail_width"] > 50
    assert narrow["thumbnail_width"] <= 50
    assert narrow["thumbnail_height"] <= 400
    assert "thumbnail_url" not in tiny
    assert as_xml.status_code == 200
    assert as_xml.headers["Content-Type"].startswith("text/xml")
    fields = {child.tag: child.text for child in ET.fromstring(as_xml.content)}  # noqa: S314
    assert fields["version"] == "1.0"
    assert int(fields["thumbnail_width"]) <= 50
    assert fields["title"] == narrow["title"]
    assert unknown.status_code == 501
    assert "ERROR" not in standards_site.log()


def test_oembed_answers_for_the_same_page_at_another_allowed_host(standards_site, pages):
    article = next(path for path in pages if path.startswith("/articles/") and path.count("/") == 3)
    other_host = standards_site.absolute(article).replace("127.0.0.1", "localhost")

    answer = standards_site.get("/oembed", params={"url": other_host})
    elsewhere = standards_site.get("/oembed", params={"url": other_host.replace("localhost", "elsewhere.example")})

    assert answer.status_code == 200
    assert answer.json()["type"] == "rich"
    assert elsewhere.status_code == 404


def test_a_bearer_token_works_wherever_the_session_token_header_does(standards_site):
    token = standards_site.token
    paid = next(item for item in lessons(standards_site) if not item["access"]["granted"])
    detail = f"/api/v2/pages/{paid['id']}/"

    by_header = standards_site.get("/api/account/me", headers={"X-Session-Token": token}).json()
    by_bearer = standards_site.get("/api/account/me", headers={"Authorization": f"Bearer {token}"}).json()
    lesson = standards_site.get(detail, params={"fields": "body,access"}, headers={"Authorization": f"Bearer {token}"})
    library = standards_site.get("/api/library", headers={"Authorization": f"Bearer {token}"})

    assert by_header == by_bearer
    assert by_bearer["user"]["email"] == "buyer@example.com"
    assert lesson.json()["access"]["granted"] is True
    assert lesson.json()["body"]
    assert library.status_code == 200


def test_an_invalid_bearer_token_is_refused_and_other_schemes_are_ignored(standards_site):
    wrong = {"Authorization": "Bearer not-a-session"}
    empty = {"Authorization": "Bearer "}
    basic = {"Authorization": "Basic c3RhZ2luZzpzdGFnaW5n"}

    assert standards_site.get("/api/account/me", headers=wrong).status_code == 401
    assert standards_site.get("/api/account/me", headers=empty).status_code == 401
    assert standards_site.get("/api/v2/pages/", headers=wrong).status_code == 401
    assert standards_site.get("/api/v2/pages/", headers=wrong).headers["WWW-Authenticate"].startswith("Bearer")
    assert standards_site.get("/api/account/me", headers=basic).json() == {"authenticated": False, "user": None}
    assert standards_site.get("/api/v2/pages/", headers=basic).status_code == 200
    assert standards_site.get("/api/catalogue/products", headers=basic).status_code == 200
    assert standards_site.get("/api/library", headers=basic).status_code == 401


def test_allauth_paths_answer_in_allauths_own_error_shape(standards_site):
    browser = standards_site.client()
    assert standards_site.get("/_allauth/browser/v1/config", browser).status_code == 200

    sign_out = browser.delete(standards_site.url + "/_allauth/browser/v1/auth/session", timeout=30)
    asks = [
        standards_site.post("/_allauth/app/v1/auth/code/request", json={"email": f"nobody{n}@example.com"})
        for n in range(8)
    ]

    assert sign_out.status_code == 403
    assert sign_out.headers["Content-Type"] == "application/json"
    assert sign_out.json()["status"] == 403
    assert sign_out.json()["errors"][0]["code"] == "csrf_failed"
    limited = asks[-1]
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    assert limited.json()["status"] == 429
    assert {"code", "message"} <= set(limited.json()["errors"][0])


def test_every_sitemap_url_of_the_demo_has_a_w3c_lastmod(standards_site):
    answer = standards_site.get("/sitemap.xml")

    urls = re.findall(r"<url>(.*?)</url>", answer.text, flags=re.DOTALL)
    assert len(urls) > 10
    for url in urls:
        lastmod = re.search(r"<lastmod>([^<]+)</lastmod>", url)
        assert lastmod, url
        date.fromisoformat(lastmod.group(1))
