"""Leak crawl: paid text planted in the demo never reaches anyone without access, on any URL the site exposes.

Unique canary sentences go into every paid lesson body, a paid lesson file, each guide's PDF, a document in
a group-only collection and an unpublished draft. Then six people without access (anonymous, signed in
without buying, refunded, disputed, someone who bought another guide, an app with an allauth session token)
each fetch every URL the site and both APIs expose: the page tree and sitemap (lessons included), editors'
preview addresses, feeds, search for the canaries' own words, oEmbed for every page, documents, media, lesson
files, guide downloads (their own old links and the buyer's), every v2 listing and detail with all fields,
and every GET operation of /api/'s OpenAPI schema; plus every same-site link found on the way. The canary's
marker never appears in a request, so finding it in an answer means paid content was served. The entitled
buyer walks the same crawl and must receive every canary, so a crawl that reaches nothing fails.
"""

import io
import re
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from html import unescape
from urllib.parse import quote, urljoin, urlsplit

import requests
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfReader
from wagtail.documents.models import Document
from wagtail.models import Collection, CollectionViewRestriction, Page
from wagtail.rich_text import RichText

from core.models import AuthorProfile
from courses.demo import PAID_SLUG
from courses.models import CoursePage, LessonFile, LessonPage
from shop import downloads, entitlements
from shop.demo import guide_pdf
from shop.models import Order, Product
from tests.courses.factories import UserFactory
from tests.reliability.conftest import SCALE, rounds
from tests.reliability.web import (
    UNLIMITED,
    app_token,
    live_db,  # noqa: F401 - these scenarios run on the demo
    sign_in,
)
from tests.shop.factories import OrderFactory
from website.models import Topic

ACTOR = entitlements.Actor.for_command("reliability")
MEMBERS = "members"  # the owner of the group-only document
DRAFT = "draft"  # the owner of the unpublished draft: nobody outside the admin
# Links found beyond the listed addresses, per person: well above what the demo exposes (a bound against
# loops); CI walks the listed addresses only.
FOUND_LINKS = rounds(full=600, ci=0)
LINK = re.compile(r"""(?:href|src|action)=["']([^"'#]+)|<loc>([^<]+)</loc>|"(?:[a-z_]*url)":\s*"([^"]+)\"""")
SKIP = ("/static/", "/accounts/logout", "/learn/unsubscribe/", "/account/delete/", "/account/sessions/")


@dataclass(frozen=True)
class Canary:
    owner: str  # the product slug (or MEMBERS, DRAFT) whose holders may read it
    where: str
    words: str  # made-up words only this canary holds: the crawl searches for them
    marker: str  # never part of any request: seeing it in an answer means the content was served

    @property
    def text(self) -> str:
        return f"{self.words} {self.marker}"


def _canary(owner: str, where: str) -> Canary:
    letters = "".join(secrets.choice("bcdfghjklmnpqrstvwxz") for _ in range(6))
    return Canary(owner, where, f"quillon{letters} marzipel{letters}", f"CANARY{secrets.token_hex(6).upper()}")


def _paragraph(text: str):
    return ("paragraph", RichText(f"<p>{text}</p>"))


def _blocks(page) -> list:
    return [(block.block_type, block.value) for block in page.body]


def plant_canaries() -> list[Canary]:
    canaries = []
    course = CoursePage.objects.get(slug=PAID_SLUG)
    paid = list(LessonPage.objects.child_of(course).live().filter(free_preview=False))
    for number, lesson in enumerate(paid):
        canary = _canary(PAID_SLUG, f"lesson {lesson.slug}")
        extra = [_paragraph(canary.text)]
        if number == 0:
            sheet_canary = _canary(PAID_SLUG, "lesson file")
            sheet = LessonFile.objects.create(
                title="Pelvis worksheet",
                file=ContentFile(f"Worksheet.\n{sheet_canary.text}\n".encode(), name="pelvis-worksheet.txt"),
            )
            extra.append(("worksheet", {"file": sheet, "description": "Fill it in after the lesson."}))
            canaries.append(sheet_canary)
        lesson.body = [*_blocks(lesson), *extra]
        lesson.save_revision().publish()
        canaries.append(canary)
    preview = LessonPage.objects.child_of(course).live().get(free_preview=True)
    draft = _canary(DRAFT, "unpublished draft of the preview lesson")
    preview.body = [*_blocks(preview), _paragraph(draft.text)]
    preview.save_revision()
    canaries.append(draft)
    for product in Product.objects.filter(kind=Product.Kind.GUIDE):
        canary = _canary(product.slug, f"guide PDF {product.slug}")
        pdf = guide_pdf(title=product.name, chapters=["Inside"], pages=[f"The method. {canary.text}"])
        product_file = product.files.get()
        product_file.file.save(f"{product.slug}-edition.pdf", ContentFile(pdf), save=True)
        canaries.append(canary)
    group = Group.objects.create(name="Members")
    collection = Collection.get_first_root_node().add_child(name="Members only")
    restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.GROUPS
    )
    restriction.groups.add(group)
    handout = _canary(MEMBERS, "document in a group-only collection")
    Document.objects.create(
        title="Members handout", collection=collection, file=ContentFile(handout.text.encode(), name="handout.txt")
    )
    canaries.append(handout)
    return canaries


@dataclass
class Person:
    name: str
    owns: set[str]
    email: str = ""
    user: object = None
    cookies: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)


def _paid_order(user, product: Product) -> Order:
    return OrderFactory(product=product, user=user, email=user.email, status=Order.Status.PAID, paid_at=timezone.now())


def _buy(user, *slugs: str) -> list[Order]:
    orders = []
    for slug in slugs:
        product = Product.objects.get(slug=slug)
        order = _paid_order(user, product)
        granted = timezone.now() - timedelta(days=60)  # every dripped lesson has opened
        entitlements.grant(user=user, product=product, actor=ACTOR, reason="bought", order=order, granted_at=granted)
        orders.append(order)
    return orders


def arrange_people() -> dict[str, Person]:
    """Who crawls, and what each of them may read. Only the buyer owns everything."""
    people = {
        name: Person(name, set(), email=f"{name.replace(' ', '-')}@example.com")
        for name in ("anonymous", "non-buyer", "refunded", "disputed", "other buyer", "token caller", "buyer")
    }
    for person in people.values():
        if person.name != "anonymous":
            person.user = UserFactory(email=person.email, username=person.email)
    everything = (PAID_SLUG, "all-three-guides")
    for order in _buy(people["refunded"].user, *everything):
        order.amount_refunded = order.amount
        order.save(update_fields=["amount_refunded"])
        entitlements.revoke(user=order.user, product=order.product, actor=ACTOR, reason="refund", refunded=True)
    for order in _buy(people["disputed"].user, *everything):
        order.dispute_status = "needs_response"
        order.save(update_fields=["dispute_status"])
        entitlements.suspend(user=order.user, product=order.product, actor=ACTOR, reason="dispute")
    _buy(people["other buyer"].user, "stretching-guide")
    people["other buyer"].owns = {"stretching-guide"}
    _buy(people["buyer"].user, *everything)
    people["buyer"].user.groups.add(Group.objects.get(name="Members"))
    people["buyer"].owns = {PAID_SLUG, MEMBERS, *Product.objects.filter(kind="guide").values_list("slug", flat=True)}
    return people


def _download_urls() -> list[str]:
    """Signed download links for every file each buyer ever had: their own old links, and other people's."""
    urls = []
    for order in Order.objects.filter(status=Order.Status.PAID).select_related("product", "user"):
        for product in entitlements.expand(order.product):
            for product_file in product.files.all():
                token = downloads.token_for(user=order.user, product_file=product_file, order=order)
                urls += [downloads.url_for(token=token), f"/api/library/downloads/{token}"]
    return urls


def _api_urls(site, values: dict[str, list[str]]) -> list[str]:
    """Every GET operation of /api/'s OpenAPI schema, its path parameters filled with every value we have."""
    schema = site.get("/api/openapi.json").json()
    urls = []
    for template, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        expanded = [template]
        for name in re.findall(r"{(\w+)}", template):
            expanded = [url.replace(f"{{{name}}}", quote(str(v), safe="")) for url in expanded for v in values[name]]
        urls += expanded
    return urls


def _page_urls(site, canaries: list[Canary]) -> list[str]:
    """Pages, previews, feeds, search, oEmbed and the v2 API's pages: every page type, every field."""
    pages = [page.specific for page in Page.objects.filter(depth__gt=1)]
    if SCALE == "ci":  # CI: every lesson and course, and one page of each other type
        kinds = {}
        for page in pages:
            kinds.setdefault(type(page), page)
        pages = [page for page in pages if isinstance(page, LessonPage | CoursePage) or kinds[type(page)] is page]
    urls = ["/", "/sitemap.xml", "/robots.txt", "/feeds/rss/", "/feeds/atom/", "/learn/", "/account/"]
    for slug in Topic.objects.values_list("slug", flat=True):
        urls += [f"/feeds/topic/{slug}/rss/", f"/feeds/topic/{slug}/atom/", f"/articles/topic/{slug}/"]
    for slug in AuthorProfile.objects.exclude(slug=None).values_list("slug", flat=True):
        urls += [f"/feeds/author/{slug}/rss/", f"/feeds/author/{slug}/atom/", f"/articles/author/{slug}/"]
    for canary in canaries:
        for words in (canary.words, canary.words.split()[0]):
            urls += [f"/search/?q={quote(words)}", f"/api/v2/pages/?search={quote(words)}&fields=*"]
    for page in pages:
        if page.live and page.url:
            address = quote(site.url + page.url)
            urls += [page.url, f"/oembed?url={address}&format=json"]
            urls.append(f"/api/v2/pages/find/?html_path={quote(page.url)}")
        urls += [f"/api/v2/pages/{page.pk}/?fields=*", f"/admin/pages/{page.pk}/view_draft/"]
        urls += [f"/admin/pages/{page.pk}/edit/preview/?mode={mode}" for mode, _ in page.preview_modes]
    for model in {type(page) for page in pages}:
        kind = f"{model._meta.app_label}.{model.__name__}"
        urls.append(f"/api/v2/pages/?type={kind}&fields=*&limit=100")
    for course in CoursePage.objects.all():
        urls.append(f"/api/v2/pages/?child_of={course.pk}&type=courses.LessonPage&fields=*&limit=100")
        urls += [f"/learn/courses/{course.pk}/certificate/", f"/learn/courses/{course.pk}/certificate.pdf"]
    urls += ["/api/v2/pages/?fields=*&limit=100", "/api/v2/pages/preview/?token=forged"]
    return urls


def _file_urls() -> list[str]:
    """Documents, media (straight and by way of ../), lesson files under every lesson, orders and receipts."""
    urls = [f"/api/v2/{endpoint}/?fields=*&limit=100" for endpoint in ("documents", "images", "authors")]
    for document in Document.objects.all():
        urls += [document.url, f"/api/v2/documents/{document.pk}/", f"/media/{document.file.name}"]
        urls += [f"/media/images/../{document.file.name}", f"/media/%2e%2e/{document.file.name}"]
    files = list(LessonFile.objects.all())
    for lesson in LessonPage.objects.all():
        for lesson_file in files:
            urls.append(f"/learn/lessons/{lesson.pk}/files/{lesson_file.pk}/{lesson_file.filename}")
    for lesson_file in files:
        urls += [f"/media/{lesson_file.file.name}", f"/media/images/../../private/{lesson_file.file.name}"]
    for order in Order.objects.all():
        urls += [f"/shop/orders/{order.pk}/", f"/shop/orders/{order.pk}/receipt.pdf"]
    return urls


def seed_urls(site, canaries: list[Canary]) -> list[str]:
    """The same list for everyone: what the site and both APIs expose, and every buyer's download links."""
    tokens = _download_urls()
    values = {
        "slug": list(Product.objects.values_list("slug", flat=True)),
        "order_id": list(Order.objects.values_list("pk", flat=True)),
        "course_id": list(CoursePage.objects.values_list("pk", flat=True)),
        "lesson_id": list(LessonPage.objects.values_list("pk", flat=True)),
        "token": [url.rsplit("/", 1)[-1] for url in tokens if url.startswith("/api/")],
    }
    urls = [*_page_urls(site, canaries), *_file_urls(), *tokens, *_api_urls(site, values)]
    return list(dict.fromkeys(urls))


@dataclass
class Crawl:
    found: dict[str, int] = field(default_factory=dict)  # canary marker → times received
    statuses: dict[str, int] = field(default_factory=dict)  # URL → status
    failures: list[str] = field(default_factory=list)


def _readable(response: requests.Response) -> str:
    """Everything a client could read from the answer: headers, body, and the text of a PDF."""
    text = response.content.decode("utf-8", "replace") + "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    if response.content.startswith(b"%PDF"):
        try:
            reader = PdfReader(io.BytesIO(response.content))
            text += "\n".join(page.extract_text() or "" for page in reader.pages)
            text += str(reader.metadata or "")
        except Exception as error:  # an unreadable PDF is a finding, not a crash
            text += f"\nunreadable PDF: {error}"
    return text


def _links(base: str, site_url: str, text: str) -> list[str]:
    links = []
    for groups in LINK.findall(text):
        link = unescape(next(group for group in groups if group)).replace("\\/", "/")
        parts = urlsplit(urljoin(base, link))
        if parts.scheme in ("http", "https", "") and parts.netloc in ("", urlsplit(site_url).netloc):
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path.startswith("/") and not path.startswith(SKIP) and not path.startswith("/admin/"):
                links.append(path)
    return links


def crawl(site, person: Person, seeds: list[str], markers: list[str]) -> Crawl:
    """GET every seed and every same-site link found on the way, four at a time, as this person."""
    result, lock, local = Crawl(), threading.Lock(), threading.local()

    def fetch(url: str) -> tuple[list[str], list[str]]:
        """The answer's same-site links, and where it redirects (always followed: a redirect is the answer)."""
        if not hasattr(local, "session"):
            local.session = requests.Session()
            local.session.cookies.update(person.cookies)
            local.session.headers.update({"User-Agent": "backcare-leak-crawl", **person.headers})
        try:
            response = local.session.get(site.url + url, allow_redirects=False, timeout=60)
        except requests.RequestException as error:
            with lock:
                result.failures.append(f"{url}: {error}")
            return [], []
        text = _readable(response)
        with lock:
            result.statuses[url] = response.status_code
            for marker in markers:
                if marker in text:
                    result.found[marker] = result.found.get(marker, 0) + text.count(marker)
        moved = response.headers.get("Location", "") if response.is_redirect else ""
        return _links(site.url + url, site.url, text), _links(site.url + url, site.url, f'href="{moved}"')

    seen, level, found = set(), list(dict.fromkeys(seeds)), 0
    with ThreadPoolExecutor(max_workers=4) as pool:
        while level:
            seen.update(level)
            answers = list(pool.map(fetch, level))
            redirects = [link for _, moved in answers for link in moved if link not in seen]
            links = [link for links, _ in answers for link in links if link not in seen and link not in redirects]
            links = list(dict.fromkeys(links))[: max(FOUND_LINKS - found, 0)]
            found += len(links)
            level = list(dict.fromkeys(redirects + links))
    return result


def test_no_canary_reaches_anyone_without_access(start_live_site, figures):
    canaries = plant_canaries()
    people = arrange_people()
    # The test's own key: the download links it signs for each buyer are then the links the site handed out.
    site = start_live_site(workers=3, SERVE_MEDIA="1", SECRET_KEY=settings.SECRET_KEY, **UNLIMITED)
    for person in people.values():
        if person.name == "token caller":
            person.headers = {"X-Session-Token": app_token(site, person.email)}
        elif person.name != "anonymous":
            person.cookies = {"sessionid": sign_in(site, person.email).cookies["sessionid"]}
    seeds = seed_urls(site, canaries)
    markers = [canary.marker for canary in canaries]

    crawls = {name: crawl(site, person, seeds, markers) for name, person in people.items()}

    by_marker = {canary.marker: canary for canary in canaries}
    leaks = {
        name: {by_marker[m].where: n for m, n in crawls[name].found.items() if by_marker[m].owner not in person.owns}
        for name, person in people.items()
    }
    # Bytes of markers received where the person may not read them (the buyer counts too: the draft).
    leaked_bytes = sum(
        len(m) * n
        for name, person in people.items()
        for m, n in crawls[name].found.items()
        if by_marker[m].owner not in person.owns
    )
    errors = {name: sorted(u for u, s in c.statuses.items() if s >= 500) + c.failures for name, c in crawls.items()}
    buyer_expected = [canary for canary in canaries if canary.owner != DRAFT]
    buyer_got = [canary for canary in buyer_expected if canary.marker in crawls["buyer"].found]
    own_guide = next(canary for canary in canaries if canary.owner == "stretching-guide")
    fetched = sum(len(crawls[name].statuses) for name in people if name != "buyer")
    figures.check(
        "leak crawl",
        f"{len(seeds)} URLs x 6 states ({fetched} requests with the links found), {leaked_bytes} canary bytes",
        ok=leaked_bytes == 0,
    )
    figures.check(
        "leak crawl control",
        f"the entitled buyer received {len(buyer_got)}/{len(buyer_expected)} canaries, "
        f"the other buyer their own guide's: {own_guide.marker in crawls['other buyer'].found}",
        ok=len(buyer_got) == len(buyer_expected) and own_guide.marker in crawls["other buyer"].found,
    )
    assert leaks == {name: {} for name in people}, leaks
    assert errors == {name: [] for name in people}, errors
