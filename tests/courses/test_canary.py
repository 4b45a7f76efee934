"""A sentence planted in a paid lesson never reaches anyone without access, on any URL the site exposes."""

import re
from datetime import timedelta
from urllib.parse import urljoin, urlsplit

import pytest
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from wagtail.models import Page

from core.models import OutboxEmail
from courses import drip, enrolment
from tests.courses.conftest import CANARY

# Search must be live here, or "search never shows the canary" would prove nothing.
pytestmark = pytest.mark.indexing

LINK = re.compile(r"""(?:href|src|action)=["']([^"'#]+)""")
WORDS = CANARY.split()[:3]  # what the crawl searches for
TAIL = " ".join(CANARY.split()[3:])  # never part of a query, so never echoed back by a search page
SKIP = ("/admin/", "/accounts/logout", "/django-admin/")


def _plain_routes(resolver=None, prefix="") -> list[str]:
    """Every URL pattern without parameters, e.g. /sitemap.xml, /search/, /feed/, /oembed/."""
    resolver = resolver or get_resolver()
    routes = []
    for pattern in resolver.url_patterns:
        text = str(pattern.pattern).lstrip("^").rstrip("$")
        if any(mark in text for mark in ("<", "(", "[", "\\", "*", "?")):
            continue
        if isinstance(pattern, URLResolver):
            routes += _plain_routes(pattern, prefix + text)
        elif isinstance(pattern, URLPattern):
            routes.append("/" + prefix + text)
    return routes


def _seeds() -> list[str]:
    pages = [page.specific for page in Page.objects.live() if page.url]
    urls = {page.url for page in pages}
    urls |= {"/", "/sitemap.xml", "/robots.txt"}
    urls |= set(_plain_routes())
    query = " ".join(WORDS)
    for base in list(urls):
        if "search" in base:
            urls |= {f"{base}?q={query}", f"{base}?query={query}", f"{base}?search={query}"}
        if "oembed" in base:
            urls |= {f"{base}?url=http://testserver{page.url}&format=json" for page in pages}
    for page in pages:
        urls |= {urljoin(page.url, suffix) for suffix in ("feed/", "rss/", "atom/", "feed.xml")}
        urls.add(f"/search/?q={query}")
        urls.add(f"/oembed/?url=http://testserver{page.url}")
    return sorted(urls)


def _crawl(client) -> dict[str, str]:
    """GET every seed and every same-site link found on the way (up to a generous limit)."""
    seen: dict[str, str] = {}
    queue = _seeds()
    # Other apps' failures are their tests' business; an error page still must not carry the canary.
    client.raise_request_exception = False
    while queue and len(seen) < 400:
        url = queue.pop()
        if url in seen or url.startswith(SKIP):
            continue
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", "replace")
        seen[url] = text + " " + " ".join(f"{k}: {v}" for k, v in response.headers.items())
        if response.status_code in (301, 302, 303, 307, 308):
            queue.append(response["Location"])
        for link in LINK.findall(text):
            parts = urlsplit(urljoin(url, link))
            if parts.netloc in ("", "testserver") and parts.path.startswith("/"):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen


@pytest.mark.parametrize("who", ["anonymous", "signed-in non-buyer"])
def test_canary_never_reaches_a_visitor_without_access(client, world, student, who, django_capture_on_commit_callbacks):
    if who != "anonymous":
        client.force_login(student)
    with django_capture_on_commit_callbacks(execute=True):
        enrolment.enrol(user=student, course=world.free, wants_email=True)
        drip.send_due(now=timezone.now() + timedelta(days=30))

    pages = _crawl(client)

    leaks = [url for url, text in pages.items() if CANARY in text or TAIL in text]
    searches = [text for url, text in pages.items() if "?q=" in url]
    assert world.paid_lesson.url in pages
    assert len(pages) > 15
    assert leaks == []
    # Words only the paid body contains must not find the lesson either: its body is never indexed.
    assert not any(world.paid_lesson.url in text for text in searches)
    assert not any(CANARY in message.body for message in mail.outbox)
    assert not any(CANARY in str(row.context) for row in OutboxEmail.objects.all())


def test_search_finds_a_paid_lesson_by_its_title(client, world):
    """The control for the search check above: titles are indexed, so a miss on the canary means something."""
    response = client.get("/search/", {"q": world.paid_lesson.title})

    assert world.paid_lesson.url in response.content.decode()


def test_canary_reaches_the_owner(client, world, student):
    from tests.courses.conftest import grant

    grant(student, world.product)
    client.force_login(student)

    response = client.get(world.paid_lesson.url)

    assert CANARY in response.content.decode()
