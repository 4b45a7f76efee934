"""Third-party checkers against the demo site as gunicorn serves it: the Nu HTML Checker, feedparser,
openapi-spec-validator, the oEmbed 1.0 rules and a schema.org check of every JSON-LD object."""

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import html5lib
from openapi_spec_validator import validate

from tests.e2e.conftest import ROOT
from tests.standards import schema_org

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
OEMBED_TYPES = {"photo", "video", "link", "rich"}
OEMBED_REQUIRED = {"photo": {"url", "width", "height"}, "video": {"html", "width", "height"}}
OEMBED_REQUIRED["rich"] = OEMBED_REQUIRED["video"]


def json_ld(html: str) -> list:
    """Every JSON-LD object in the page, parsed as a browser parses the page (html5lib), then as JSON."""
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    return [json.loads(script.text) for script in tree.iter("script") if script.get("type") == "application/ld+json"]


def nodes_of(objects, kind: str) -> list[dict]:
    found = []
    for obj in objects:
        if isinstance(obj, list):
            found += nodes_of(obj, kind)
        elif isinstance(obj, dict):
            if obj.get("@type") == kind:
                found.append(obj)
            found += nodes_of(list(obj.values()), kind)
    return found


def absolute(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def test_every_page_type_passes_the_nu_html_checker(pages, tmp_path):
    java = shutil.which("java")
    assert java, "Java is needed for the Nu HTML Checker (Debian: default-jre-headless; make standards installs it)"
    assert VNU.exists(), "vnu.jar is missing: npm ci installs vnu-jar (make standards runs bin/install-standards-tools)"
    files = {}
    for number, (path, html) in enumerate(pages.items()):
        file = tmp_path / f"page-{number}.html"
        file.write_text(html)
        files[str(file.resolve())] = path

    run = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", "--exit-zero-always", *files],
        capture_output=True,
        text=True,
        timeout=240,
        check=True,
    )

    messages = json.loads(run.stderr or run.stdout)["messages"]
    errors = [
        f"{files.get(Path(urlsplit(m.get('url', '')).path).as_posix(), m.get('url'))}:{m.get('lastLine')}: "
        f"{m['message']}"
        for m in messages
        if m.get("type") == "error" or m.get("subType") == "fatal"
    ]
    assert errors == []
    assert len(files) >= 15


def test_every_json_ld_object_is_valid_schema_org(pages):
    problems, kinds = [], set()
    for path, html in pages.items():
        for obj in json_ld(html):
            assert obj.get("@context") == "https://schema.org", path
            kinds.add(obj["@type"])
            problems += [f"{path}: {problem}" for problem in schema_org.problems(obj)]

    assert problems == []
    assert {"Article", "Book", "Course", "LearningResource", "WebSite", "BreadcrumbList", "WebPage"} <= kinds


def test_courses_put_the_instructor_on_an_online_course_instance(pages):
    courses = [course for html in pages.values() for course in nodes_of(json_ld(html), "Course") if "offers" in course]

    assert len(courses) >= 2
    for course in courses:
        (instance,) = course["hasCourseInstance"]
        assert instance["courseMode"] == "online"
        assert re.fullmatch(r"PT(\d+H)?(\d+M)?", instance["courseWorkload"])
        assert instance["instructor"]["@type"] == "Person"
        assert "instructor" not in course
        assert course["offers"]["priceCurrency"] == "USD"
    free = [course for course in courses if course["isAccessibleForFree"]]
    assert free
    assert free[0]["offers"]["price"] == "0"


def test_every_feed_parses_with_the_articles_own_dates(standards_site, pages):
    articles = {}
    for html in pages.values():
        for article in nodes_of(json_ld(html), "Article"):
            articles[article["url"]] = article
    feeds = ["/feeds/rss/", "/feeds/atom/"]
    home = pages["/"]
    feeds += sorted(set(re.findall(r'href="(/feeds/(?:topic|author)/[^"]+)"', "".join(pages.values()))))
    assert len(feeds) >= 4, home[:200]

    for path in feeds:
        answer = standards_site.get(path)
        parsed = feedparser.parse(answer.content)
        assert answer.status_code == 200, path
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.entries, path
        assert absolute(parsed.feed.link), path
        for entry in parsed.entries:
            assert absolute(entry.link), (path, entry.link)
            article = articles[entry.link]
            assert date(*entry.published_parsed[:3]).isoformat() == article["datePublished"], (path, entry.link)
            if parsed.version.startswith("atom"):  # RSS 2.0 has no "updated"
                assert date(*entry.updated_parsed[:3]).isoformat() == article["dateModified"], (path, entry.link)


def test_the_openapi_documents_are_valid(standards_site):
    ours = standards_site.get("/api/openapi.json")

    assert ours.status_code == 200
    validate(ours.json())
    assert "bearer" in json.dumps(ours.json()["components"]["securitySchemes"]).lower()


def _oembed(standards_site, url: str, **params) -> dict:
    answer = standards_site.get(url.removeprefix(standards_site.url), params=params)
    assert answer.status_code == 200, url
    if answer.headers["Content-Type"].startswith("text/xml"):
        root = ET.fromstring(answer.content)  # noqa: S314 - our own server's answer
        assert root.tag == "oembed"
        return {child.tag: child.text for child in root}
    return answer.json()


def _oembed_problems(data: dict, *, maxwidth=None, maxheight=None) -> list[str]:
    found = []
    if str(data.get("version")) != "1.0":
        found.append(f"version {data.get('version')!r}")
    if data.get("type") not in OEMBED_TYPES:
        found.append(f"type {data.get('type')!r}")
    found += [
        f"{data['type']} without {name}" for name in OEMBED_REQUIRED.get(data.get("type"), ()) if not data.get(name)
    ]
    thumbnail = {name for name in ("thumbnail_url", "thumbnail_width", "thumbnail_height") if name in data}
    if thumbnail and len(thumbnail) != 3:
        found.append(f"thumbnail fields come together, not {sorted(thumbnail)}")
    for name in ("url", "thumbnail_url", "provider_url", "author_url"):
        if name in data and not absolute(data[name]):
            found.append(f"{name} {data[name]!r} is not absolute")
    for name, limit in (("width", maxwidth), ("thumbnail_width", maxwidth), ("height", maxheight)):
        if limit and name in data and int(data[name]) > limit:
            found.append(f"{name} {data[name]} > {limit}")
    if maxheight and "thumbnail_height" in data and int(data["thumbnail_height"]) > maxheight:
        found.append(f"thumbnail_height {data['thumbnail_height']} > {maxheight}")
    return found


def test_oembed_discovery_and_answers_follow_the_oembed_rules(standards_site, pages):
    problems, kinds = [], set()
    for path, html in pages.items():
        discovered = re.findall(
            r'<link rel="alternate" type="(application/json|text/xml)\+oembed" href="([^"]+)"', html
        )
        if path in {"/search/?q=back", "/no-such-page/"} or path.startswith("/accounts/"):
            continue
        assert {kind for kind, _ in discovered} == {"application/json", "text/xml"}, path
        for kind, escaped in discovered:
            href = escaped.replace("&amp;", "&")
            for maxwidth, maxheight in [(None, None), (50, None), (None, 50), (300, 100), (20, 20), (1, 1)]:
                params = {key: value for key, value in (("maxwidth", maxwidth), ("maxheight", maxheight)) if value}
                data = _oembed(standards_site, href, **params)
                kinds.add((kind, data["type"]))
                problems += [f"{path} {kind} {params}: {p}" for p in _oembed_problems(data, **params)]
    assert problems == []
    assert {("application/json", "rich"), ("text/xml", "rich"), ("application/json", "link")} <= kinds


def _urls(value, key=""):
    """(key, value) of every string under a key naming a URL, anywhere in a JSON answer."""
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _urls(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _urls(item, key)
    elif isinstance(value, str) and (key.endswith("url") or key == "url") and value:
        yield key, value


def test_every_url_in_the_api_answers_is_absolute(standards_site):
    bearer = {"Authorization": f"Bearer {standards_site.token}"}
    answers = {}
    for path in [
        "/api/v2/pages/?fields=*&limit=50",
        "/api/v2/images/?fields=*&limit=50",
        "/api/v2/documents/?fields=*",
        "/api/v2/authors/?fields=*",
        "/api/catalogue/products",
    ]:
        answers[path] = standards_site.get(path).json()
    course_ids = [
        item["id"]
        for item in answers["/api/v2/pages/?fields=*&limit=50"]["items"]
        if item["meta"]["type"] == "courses.CoursePage"
    ]
    lesson_ids = [
        item["id"]
        for item in answers["/api/v2/pages/?fields=*&limit=50"]["items"]
        if item["meta"]["type"] == "courses.LessonPage"
    ]
    assert course_ids
    assert lesson_ids
    for course_id in course_ids:
        answers[f"outline {course_id}"] = standards_site.get(f"/api/learning/courses/{course_id}/outline").json()
    answers["lesson (not bought)"] = standards_site.get(f"/api/v2/pages/{lesson_ids[-1]}/?fields=*").json()
    answers["library"] = standards_site.get("/api/library", headers=bearer).json()
    answers["dashboard"] = standards_site.get("/api/learning/dashboard", headers=bearer).json()

    relative = [
        (where, key, url)
        for where, answer in answers.items()
        for key, url in _urls(answer)
        # Wagtail's rendition objects keep their path in `url` beside the absolute `full_url`.
        if not absolute(url) and not (key == "url" and '"full_url"' in json.dumps(answer))
    ]
    assert relative == []
    urls = [url for answer in answers.values() for _, url in _urls(answer)]
    assert any("/shop/buy/" in url or "/buy/" in url for url in urls)
    assert answers["library"]["items"]
    assert all(absolute(item["page_url"]) for item in answers["library"]["items"] if item["page_url"])
    assert all(
        absolute(image["meta"]["download_url"]) for image in answers["/api/v2/images/?fields=*&limit=50"]["items"]
    )
