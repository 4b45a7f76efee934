"""Issue 15's proof: two gunicorn servers (A and B) behind no balancer but the test itself, two task workers and
two schedulers, on one PostgreSQL database, one Redis and one S3-compatible object store (moto in server mode;
tests/scaleout/conftest.py).

What a person does through one server holds on the other: a publish purges B's page cache, an image uploaded
through A renders on B from the public bucket, a payment whose webhook reaches B downloads through A from the
private bucket (never readable without the app), and no process writes a file to local disk; a rate limit counts
across both,
a refund through A closes the download on both. Underneath: each scheduled command runs once per tick however many
schedulers run, and e-mails wait for stopped workers and go exactly once when they are back.
"""

import io
import json
import re
import time

import pytest
import requests
from django.db.models import Count
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.models import Collection, Page, Site

from config.models import LocalMail, ScheduledRun
from core.models import OutboxEmail
from shop.models import Entitlement, Order, ProductFile
from shop.stripe_gateway import sign_payload
from tests.e2e.conftest import csrf_token
from tests.scaleout.conftest import TICK_SECONDS, WEBHOOK_SECRET
from tests.shop.factories import ProductFactory, UserFactory
from tests.website.conftest import add_article
from website.models import ArticleIndexPage, HomePage

PASSWORD = "a-long-editor-password"
CODE = re.compile(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", re.MULTILINE)


def eventually(check, *, seconds: float = 60, what: str = ""):
    """Wait for `check()` to return something true (another process is doing the work); its value."""
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"not within {seconds} s: {what}")
        time.sleep(0.25)


def small_site():
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Relief for lower back pain", slug="relief", introduction="Hi."))
    site = Site.objects.get(is_default_site=True)
    old_root = site.root_page
    site.root_page = home
    site.save()
    if old_root.specific_class is Page:
        old_root.delete()
    index = home.add_child(instance=ArticleIndexPage(title="Articles", slug="articles", show_in_menus=True))
    index.save_revision().publish()
    return index


def pdf_bytes() -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, "The stretching guide")
    pdf.save()
    return buffer.getvalue()


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (640, 360), "#0b6b5c").save(buffer, format="PNG")
    return buffer.getvalue()


def signed_in_editor(site):
    browser = site.client()
    answer = site.submit(browser, "/admin/login/", {"username": "editor", "password": PASSWORD})
    assert answer.status_code == 302, answer.text[:500]
    return browser


def admin_post(site, browser, path, data=None):
    page = site.get(path, browser)
    assert page.status_code == 200, (path, page.status_code)
    return site.post(
        path,
        browser,
        data={"csrfmiddlewaretoken": csrf_token(page.text), **(data or {})},
        headers={"Referer": site.url + path},
    )


def post_event(site, event: dict):
    payload = json.dumps(event).encode()
    return site.post(
        "/shop/stripe/webhook/",
        data=payload,
        headers={
            "Content-Type": "application/json",
            "Stripe-Signature": sign_payload(payload=payload, secret=WEBHOOK_SECRET),
        },
    )


def pay(site_for_checkout, site_for_webhook, fake_stripe, *, slug: str, email: str) -> Order:
    """A buyer starts checkout on one server; Stripe's signed webhook for the payment reaches the other."""
    browser = site_for_checkout.client()
    page = site_for_checkout.get(f"/shop/buy/{slug}/", browser)
    token = re.search(r'name="token" value="([0-9a-f]+)"', page.text).group(1)
    price = re.search(r'name="price" value="(\d+)"', page.text).group(1)
    started = site_for_checkout.submit(browser, f"/shop/buy/{slug}/", {"token": token, "price": price, "consent": "on"})
    assert started.status_code == 303, started.text[:500]
    order = Order.objects.get(checkout_token=token)
    answer = post_event(site_for_webhook, fake_stripe.complete(order.stripe_session_id, email=email))
    assert answer.status_code == 200, answer.text
    order.refresh_from_db()
    assert order.status == "paid"
    return order


def sign_in_with_a_code(asked_on, confirmed_on, email: str):
    """The code is asked for on one server and typed into the other: one session, kept in the database."""
    browser = asked_on.client()
    asked_on.submit(browser, "/accounts/login/code/", {"email": email})
    code = eventually(
        lambda: next(
            (
                found.group(1)
                for mail in LocalMail.objects.filter(to__icontains=email).order_by("-pk")
                if (found := CODE.search(mail.text_body))
            ),
            None,
        ),
        what="the sign-in code e-mail",
    )
    confirm = confirmed_on.get("/accounts/login/code/confirm/", browser)
    answer = confirmed_on.post(
        "/accounts/login/code/confirm/",
        browser,
        data={"csrfmiddlewaretoken": csrf_token(confirm.text), "code": code},
        headers={"Referer": confirmed_on.url + "/accounts/login/code/confirm/"},
    )
    assert answer.status_code == 302, answer.text[:500]
    return browser


def mails_to(email: str) -> int:
    return LocalMail.objects.filter(to__icontains=email).count()


def test_two_servers_two_workers_two_schedulers_share_everything(
    cluster, fake_stripe, scaleout_redis, scaleout_storage
):
    index = small_site()
    draft = add_article(index, slug="new-advice", title="Advice published through server A", publish=False)
    article = add_article(index, slug="pictured", title="An article with a picture")
    editor = UserFactory(username="editor", email="editor@example.com", is_staff=True, is_superuser=True)
    editor.set_password(PASSWORD)
    editor.save()
    guide = ProductFactory(name="Stretching guide", slug="stretching-guide", kind="guide", price_amount=1900)
    from django.core.files.base import ContentFile

    guide_file = ProductFile.objects.create(
        product=guide, title="The guide", file=ContentFile(pdf_bytes(), name="guide.pdf")
    )

    a = cluster.start_web("a", _port())
    b = cluster.start_web("b", _port())
    cluster.start_workers(2)
    cluster.start_schedulers(2)
    try:
        _publish_through_a_shows_on_b(a, b, draft)
        _image_uploaded_through_a_renders_on_b(a, b, article, scaleout_storage)
        order, buyer, download = _pay_with_webhook_to_b_download_through_a(
            a, b, fake_stripe, guide, guide_file, scaleout_storage
        )
        _a_redis_restart_signs_nobody_out(a, b, scaleout_redis, buyer, download)
        _rate_limit_hit_on_a_counts_on_b(a, b)
        _refund_through_a_revokes_on_both(a, b, fake_stripe, order=order, buyer=buyer, download=download)
        _stopped_workers_delay_e_mails_and_lose_none(a, b, fake_stripe, cluster, guide)
        _each_tick_runs_once(cluster)
        assert scaleout_storage.files_on_local_disk() == []
    except BaseException:
        print(cluster.logs())  # what the processes said, for whoever reads the failure
        raise


def _port() -> int:
    from tests.scaleout.conftest import free_port

    return free_port()


def _publish_through_a_shows_on_b(a, b, draft):
    listing = [b.get("/articles/"), b.get("/articles/")]
    assert [answer.headers.get("X-Page-Cache") for answer in listing] == ["miss", "hit"]
    assert "Advice published through server A" not in listing[1].text
    editor = signed_in_editor(a)

    published = admin_post(a, editor, f"/admin/bulk/wagtailcore/page/publish/?id={draft.pk}")

    assert published.status_code == 302
    after = b.get("/articles/")
    assert after.status_code == 200
    assert after.headers.get("X-Page-Cache") == "miss"  # A's purge reached B's cache
    assert "Advice published through server A" in after.text
    assert b.get("/articles/new-advice/").status_code == 200


def _image_uploaded_through_a_renders_on_b(a, b, article, storage):
    editor = signed_in_editor(a)
    page = a.get("/admin/images/multiple/add/", editor)
    uploaded = a.post(
        "/admin/images/multiple/add/",
        editor,
        data={"title": "Uploaded through A", "collection": str(Collection.get_first_root_node().pk)},
        files={"files[]": ("through-a.png", png_bytes(), "image/png")},
        headers={
            "X-CSRFToken": csrf_token(page.text) or editor.cookies.get("csrftoken", ""),
            "X-Requested-With": "XMLHttpRequest",
            "Referer": a.url + "/admin/images/multiple/add/",
        },
    )
    assert uploaded.status_code == 200, uploaded.text[:500]
    assert uploaded.json()["success"] is True
    image = Image.objects.get(title="Uploaded through A")
    assert image.file.name in storage.public_keys()  # A wrote the original to the shared bucket
    article.hero_image, article.hero_alt = image, "A picture uploaded through A"
    article.save_revision().publish()  # this process purges through the same Redis

    answer = b.get(article.url)
    public = re.escape(storage.public_url(""))
    sources = set(re.findall(rf'({public}images/[^"\s,]+)', answer.text))
    assert sources, "B's page shows no picture from the public bucket"
    assert "/media/" not in answer.text  # no picture is served from a server's disk
    csp = answer.headers.get("Content-Security-Policy", "")
    assert storage.store.endpoint_url in csp, csp  # the browser may load pictures from the store
    made = {rendition.file.name for rendition in image.renditions.all()}
    assert sources <= {storage.public_url(name) for name in made}  # B's renditions, made once, in the bucket
    assert made <= set(storage.public_keys())
    for source in sources:
        shown = requests.get(source, timeout=10)  # as a browser does: anonymous, straight from the store
        assert shown.status_code == 200, source
        assert shown.headers["Content-Type"].startswith("image/")
        assert PILImage.open(io.BytesIO(shown.content)).width > 0


def _pay_with_webhook_to_b_download_through_a(a, b, fake_stripe, guide, guide_file, storage):  # noqa: PLR0917
    assert guide_file.file.name in storage.private_keys()
    assert guide_file.file.name not in storage.public_keys()
    anonymous = requests.get(storage.private_url(guide_file.file.name), timeout=10)
    assert anonymous.status_code == 403  # a private object: only the app, with the store's keys, reads it
    assert not anonymous.content.startswith(b"%PDF")

    order = pay(a, b, fake_stripe, slug=guide.slug, email="buyer@example.com")
    eventually(lambda: LocalMail.objects.filter(to__icontains="buyer@example.com").exists(), what="the receipt")
    buyer = sign_in_with_a_code(b, a, "buyer@example.com")

    home = a.get("/learn/", buyer)
    download = re.search(r'href="(/shop/download/[^"]+)"', home.text).group(1)
    through_a = a.get(download, buyer)
    through_b = b.get(download, buyer)

    assert through_a.status_code == 200
    assert through_a.content.startswith(b"%PDF")
    assert through_b.content == through_a.content
    assert storage.files_on_local_disk() == []  # the guide came from the object store, not a server's disk
    return order, buyer, download


def _a_redis_restart_signs_nobody_out(a, b, redis, buyer, download):
    assert redis.forget_everything() > 0  # the page cache and its generation were there

    # The session is in the database: B still knows the buyer. Each page signs the link anew (with the time),
    # so the link's signed content is compared, not the whole token.
    signed_content = download.rsplit(":", 2)[0]
    assert signed_content in b.get("/learn/", buyer).text
    assert a.get(download, buyer).status_code == 200
    assert b.get("/articles/").headers.get("X-Page-Cache") == "miss"  # the cache starts afresh, nothing stale


def _rate_limit_hit_on_a_counts_on_b(a, b):
    # API_RATE_CHECKOUT=2/d for the cluster: two checkout starts through A, the third (through B) is refused.
    for _attempt in range(2):
        started = int(time.time() // 86400)
        first = [a.post("/api/checkout", json={}).status_code for _ in range(2)]
        third = b.post("/api/checkout", json={})
        if int(time.time() // 86400) == started:  # not across midnight, where a new window starts
            break
        time.sleep(1)
    assert 429 not in first
    assert third.status_code == 429
    assert int(third.headers["Retry-After"]) > 0


def _refund_through_a_revokes_on_both(a, b, fake_stripe, *, order, buyer, download):
    editor = signed_in_editor(a)
    customer = f"/admin/shop/customers/{order.user_id}/"
    refunded = a.post(
        f"{customer}orders/{order.pk}/refund/",
        editor,
        data={"csrfmiddlewaretoken": csrf_token(a.get(customer, editor).text), "amount": "", "reason": "Asked."},
        headers={"Referer": a.url + customer},
    )
    assert refunded.status_code == 302, refunded.text[:500]
    refund_event = next(event for event in reversed(fake_stripe.events) if event["type"] == "charge.refunded")
    assert post_event(b, refund_event).status_code == 200

    assert Entitlement.objects.get(user_id=order.user_id, product=order.product).status == "refunded"
    for site in (a, b):
        refused = site.get(download, buyer)
        assert refused.status_code == 403, (site.url, refused.status_code)
        assert not refused.content.startswith(b"%PDF")


def _stopped_workers_delay_e_mails_and_lose_none(a, b, fake_stripe, cluster, guide):
    cluster.stop_workers()
    buyers = ["while-stopped-1@example.com", "while-stopped-2@example.com"]
    pay(a, b, fake_stripe, slug=guide.slug, email=buyers[0])
    pay(b, a, fake_stripe, slug=guide.slug, email=buyers[1])

    time.sleep(5)
    waiting = {email: OutboxEmail.objects.filter(to=email, sent_at__isnull=True).count() for email in buyers}
    assert all(count >= 1 for count in waiting.values()), waiting
    assert [mails_to(email) for email in buyers] == [0, 0]  # delayed: nobody takes tasks

    cluster.start_workers(2)
    eventually(
        lambda: not OutboxEmail.objects.filter(to__in=buyers, sent_at__isnull=True).exists(),
        seconds=90,
        what="the held e-mails sent after the workers came back",
    )
    time.sleep(3)  # both workers had their chance at every task: still one e-mail per outbox row

    for email in buyers:
        assert mails_to(email) == OutboxEmail.objects.filter(to=email).count() == waiting[email]


def _each_tick_runs_once(cluster):
    eventually(
        lambda: cluster.tick_file.exists() and len(cluster.tick_file.read_text().splitlines()) >= 3,
        seconds=60,
        what="three ticks of the marker command",
    )
    cluster.stop_schedulers()

    runs = cluster.tick_file.read_text().splitlines()
    claimed = ScheduledRun.objects.filter(command__startswith="shell ", every=TICK_SECONDS)
    assert len(runs) == claimed.count()  # each claimed tick ran once, on one scheduler
    assert claimed.values("tick").annotate(n=Count("id")).filter(n__gt=1).count() == 0
    # The minute commands ran once in each minute the cluster was up, not once per scheduler.
    heartbeats = ScheduledRun.objects.filter(command="heartbeat")
    assert heartbeats.count() == heartbeats.values("tick").distinct().count() >= 1
