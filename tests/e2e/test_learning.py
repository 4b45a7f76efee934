"""Outside-in: a buyer pays through the demo checkout and types the e-mailed code on the thank-you page or the
course page to land on lesson 1; the learning home and the certificate PDF, as a person gets them over HTTP."""

import io
import re

import pytest
from pypdf import PdfReader

from courses import certificates
from shop import entitlements
from shop.models import Order
from tests.courses.factories import UserFactory
from tests.courses.world import ACTOR, build_world, marker
from tests.e2e.conftest import csrf_token
from tests.e2e.test_courses import finish_free_course, sign_in

CODE = re.compile(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", re.MULTILINE)
BUYER = "paying.reader@example.com"


@pytest.fixture
def demo_payments(settings):
    """Demo payments in the server too: start_live_site passes these settings on."""
    settings.STRIPE_SECRET_KEY = ""
    settings.SHOP_DEMO = True
    settings.STRIPE_WEBHOOK_SECRET = "whsec_demo_for_the_e2e_learning_tests"


def _gated_world():
    world = build_world()
    world.paid_preview.free_preview = False  # lesson 1 opens to buyers only
    world.paid_preview.save_revision().publish()
    return world


def _pay(live_site, browser, world) -> str:
    buy_path = f"/shop/buy/{world.product.slug}/"
    buy_page = live_site.get(buy_path, browser)
    token = re.search(r'name="token" value="([0-9a-f]+)"', buy_page.text).group(1)
    started = live_site.submit(
        browser, buy_path, {"token": token, "price": str(world.product.price_amount), "consent": "on"}
    )
    assert started.status_code == 303, started.text[:500]
    checkout_path = started.headers["Location"].removeprefix(live_site.url)
    paid = live_site.submit(browser, checkout_path, {"email": BUYER, "consent": "on", "action": "pay"})
    assert paid.status_code == 303, paid.text[:500]
    return paid.headers["Location"]


def _codes(live_site) -> list[str]:
    return [found.group(1) for mail in live_site.mail() if BUYER in mail.to and (found := CODE.search(mail.text_body))]


def _type_code(live_site, browser, page, code: str):
    form = page.text[page.text.index('action="/accounts/login/code/confirm/"') :]
    next_url = re.search(r'name="next" value="([^"]+)"', form).group(1)
    return live_site.post(
        "/accounts/login/code/confirm/",
        browser,
        data={"csrfmiddlewaretoken": csrf_token(form), "code": code, "next": next_url},
        headers={"Referer": page.url},
    )


def test_a_buyer_types_the_emailed_code_on_the_thank_you_page_and_lands_on_lesson_1(demo_payments, live_db, live_site):
    world = _gated_world()
    browser = live_site.client()
    thank_you_path = _pay(live_site, browser, world)

    thank_you = live_site.get(thank_you_path, browser)
    (code,) = _codes(live_site)
    signed_in = _type_code(live_site, browser, thank_you, code)
    lesson = live_site.get(signed_in.headers["Location"], browser)

    assert thank_you.status_code == 200
    assert "Type the code we e-mailed you" in thank_you.text
    assert signed_in.status_code == 302
    assert signed_in.headers["Location"] == world.paid_preview.url
    assert lesson.status_code == 200
    assert marker(world.paid_preview) in lesson.text


def test_the_session_id_and_order_number_in_another_browser_open_no_lesson(demo_payments, live_db, live_site):
    world = _gated_world()
    browser = live_site.client()
    thank_you_path = _pay(live_site, browser, world)
    live_site.get(thank_you_path, browser)
    (code,) = _codes(live_site)
    order = Order.objects.get()
    other = live_site.client()

    stolen = live_site.get(thank_you_path, other)
    by_number = live_site.get(f"/shop/orders/{order.pk}/", other)
    typed = live_site.post(
        "/accounts/login/code/confirm/",
        other,
        data={"csrfmiddlewaretoken": other.cookies.get("csrftoken", ""), "code": code},
        headers={"Referer": live_site.url + thank_you_path},
    )
    lesson = live_site.get(world.paid_preview.url, other)
    paying_browser_before_code = live_site.get(world.paid_preview.url, browser)

    assert stolen.status_code == 404
    assert by_number.status_code == 302
    assert typed.status_code in {302, 403}
    assert marker(world.paid_preview) not in lesson.text
    assert marker(world.paid_preview) not in paying_browser_before_code.text
    assert live_site.get("/api/account/me", other).json()["authenticated"] is False
    assert live_site.get("/api/account/me", browser).json()["authenticated"] is False


def test_go_to_the_course_then_type_the_code_on_the_course_page(demo_payments, live_db, live_site):
    world = _gated_world()
    browser = live_site.client()
    live_site.get(_pay(live_site, browser, world), browser)
    (code,) = _codes(live_site)

    course_page = live_site.get(world.paid.url, browser)
    signed_in = _type_code(live_site, browser, course_page, code)
    lesson = live_site.get(signed_in.headers["Location"], browser)

    assert "opens a week after you buy" in course_page.text
    assert signed_in.headers["Location"] == world.paid_preview.url
    assert marker(world.paid_preview) in lesson.text


def _one_page_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, "Self-treatment for iliopsoas syndrome")
    pdf.save()
    return buffer.getvalue()


def test_the_learning_home_shows_guides_courses_and_the_named_certificate(live_db, live_site):
    from django.core.files.base import ContentFile

    from shop.models import ProductFile
    from tests.shop.factories import ProductFactory

    world = build_world()
    user = UserFactory(first_name="", last_name="")
    guide = ProductFactory(name="Healing the Hidden Root of Pain", slug="iliopsoas-guide", kind="guide")
    ProductFile.objects.create(product=guide, title="The guide", file=ContentFile(_one_page_pdf(), name="g.pdf"))
    entitlements.grant(user=user, product=guide, actor=ACTOR, reason="Paid.")
    entitlements.grant(user=user, product=world.product, actor=ACTOR, reason="Paid.")
    finish_free_course(world, user)
    browser = sign_in(live_site, user)

    home = live_site.get("/learn/", browser)
    download = re.search(r'href="(/shop/download/[^"]+)"', home.text).group(1)
    certificate_path = f"/learn/courses/{world.free.pk}/certificate/"
    asked = live_site.get(certificate_path, browser)
    named = live_site.submit(browser, certificate_path, {"name": "Mary Seacole"})
    pdf = live_site.get(f"/learn/courses/{world.free.pk}/certificate.pdf", browser)
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    home_after = live_site.get("/learn/", browser)
    old_library = live_site.get("/shop/library/", browser)

    assert home.status_code == 200
    assert "LibraryItem(" not in home.text
    assert guide.name in home.text
    assert live_site.get(download, browser).content.startswith(b"%PDF")
    assert world.paid.title in home.text
    assert "Start: Paid Preview" in home.text
    assert "What name should your certificate carry?" in asked.text
    assert named.status_code == 302
    assert "Mary Seacole" in text
    assert user.email not in text
    assert "Made out to <strong>Mary Seacole</strong>" in home_after.text
    assert certificates.issue(user=user, course=world.free).student_name == "Mary Seacole"
    assert old_library.headers["Location"] == "/learn/"
