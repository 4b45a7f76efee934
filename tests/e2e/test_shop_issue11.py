"""Outside-in, through gunicorn: issue 11's shop defects (3, 4, 5, 7, 10) and the numbered PDF receipt.

A demo buyer pays for the course, an editor refunds it from the customer page through the demo gateway, the
student's lessons close with the customer-facing message (never the staff note), the receipt e-mail's text
is not HTML-escaped, the Local mailbox shows both parts, the buyer downloads the numbered receipt with the
VAT number they added, and an editor types a price as "21.00" in the product editor.
"""

import io
import re

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from courses.models import LessonPage
from shop.models import Entitlement, Order, Product
from tests.e2e.conftest import csrf_token
from tests.shop.factories import UserFactory

PASSWORD = "correct horse battery staple"
CODE = re.compile(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", re.MULTILINE)
STAFF_NOTE = "Testing: customer asked to cancel"


@pytest.fixture
def demo_settings(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.SHOP_DEMO = True
    settings.STRIPE_WEBHOOK_SECRET = "whsec_demo_e2e_install_secret"


def _editor():
    editor = UserFactory(email="stephen@example.com", username="stephen", is_staff=True, is_superuser=True)
    editor.set_password(PASSWORD)
    editor.save()
    return editor


def _admin_browser(site, editor):
    browser = site.client()
    answer = site.submit(browser, "/admin/login/", {"username": editor.username, "password": PASSWORD})
    assert answer.status_code == 302, answer.text
    return browser


def _buy_with_demo_checkout(site, slug: str, email: str) -> Order:
    browser = site.client()
    page = site.get(f"/shop/buy/{slug}/", browser)
    token = re.search(r'name="token" value="([0-9a-f]+)"', page.text).group(1)
    price = re.search(r'name="price" value="(\d+)"', page.text).group(1)
    started = site.submit(browser, f"/shop/buy/{slug}/", {"token": token, "price": price, "consent": "on"})
    assert started.status_code == 303, started.text
    demo_path = started.headers["Location"].removeprefix(site.url)
    paid = site.submit(browser, demo_path, {"email": email, "consent": "on", "action": "pay"})
    assert paid.status_code == 303, paid.text
    return Order.objects.get(stripe_session_id=demo_path.rstrip("/").rsplit("/", 1)[-1])


def _sign_in_with_a_code(site, email: str):
    browser = site.client()
    site.submit(browser, "/accounts/login/code/", {"email": email})
    last = site.mail()[-1]
    found = CODE.search(last.text_body)
    assert found, (last.subject, last.text_body[:500])
    code = found.group(1)
    answer = site.submit(browser, "/accounts/login/code/confirm/", {"code": code})
    assert answer.status_code == 302, answer.text
    return browser


def test_demo_refund_closes_lessons_with_the_customer_message_and_the_receipt_is_numbered(
    live_db, demo_settings, start_live_site
):
    call_command("load_demo", stdout=None)
    course_product = Product.objects.get(slug="relieving-that-pain")
    editor = _editor()
    site = start_live_site(SHOP_SELLER_ADDRESS="1 Harbour Road | Cork | Ireland", SHOP_SELLER_VAT_ID="IE9876543W")

    order = _buy_with_demo_checkout(site, course_product.slug, "student@example.com")
    assert (order.status, order.stripe_payment_intent_id) == ("paid", f"pi_demo_{order.pk}")
    assert order.receipt_display == "BC-R-000001"

    # Defect 7: the receipt's text part is not HTML-escaped, and it names the receipt.
    receipt_mail = next(m for m in site.mail() if order.number in m.subject)
    assert "&#x27;" not in receipt_mail.text_body
    assert "&amp;" not in receipt_mail.text_body
    assert "Receipt BC-R-000001" in receipt_mail.text_body
    assert receipt_mail.html_body

    # The Local mailbox shows the text part with clickable links and the HTML part sandboxed.
    admin = _admin_browser(site, editor)
    mail_page = site.get(f"/admin/local_mailbox/inspect/{receipt_mail.pk}/", admin)
    assert mail_page.status_code == 200
    assert re.search(r'<a href="http://127\.0\.0\.1:\d+/shop/library/"', mail_page.text)
    assert 'sandbox="allow-popups allow-popups-to-escape-sandbox"' in mail_page.text
    html_part = site.get(f"/admin/local_mailbox/inspect/{receipt_mail.pk}/html/", admin)
    assert html_part.status_code == 200
    assert "sandbox" in html_part.headers["Content-Security-Policy"]
    assert "Thank you for your order" in html_part.text

    # The receipt: only its owner gets it; the owner adds a VAT number and downloads the PDF.
    other_order = _buy_with_demo_checkout(site, "stretching-guide", "someone.else@example.com")
    assert other_order.receipt_display == "BC-R-000002"
    student = _sign_in_with_a_code(site, "student@example.com")
    stranger = _sign_in_with_a_code(site, "someone.else@example.com")
    assert site.get(f"/shop/orders/{order.pk}/receipt.pdf", stranger).status_code == 404
    detail = site.get(f"/shop/orders/{order.pk}/", student)
    assert f'href="/shop/orders/{order.pk}/receipt.pdf"' in detail.text
    bad = site.submit(student, f"/shop/orders/{order.pk}/", {"vat_number": "nope!"})
    assert bad.status_code == 400
    assert "country prefix" in bad.text
    saved = site.submit(student, f"/shop/orders/{order.pk}/", {"vat_number": "IE 1234567T"})
    assert saved.status_code == 302
    pdf = site.get(f"/shop/orders/{order.pk}/receipt.pdf", student)
    assert pdf.status_code == 200
    assert pdf.headers["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    for expected in ("BC-R-000001", "Stephen O'Dwyer", "1 Harbour Road", "IE9876543W", "IE1234567T"):
        assert expected in text, expected
    assert order.amount_display in text
    assert "Tax (VAT) as charged" in text

    # Defect 5: the refund button works for demo orders and goes through the signed webhook.
    customer_page = site.get(f"/admin/shop/customers/{order.user_id}/", admin)
    assert "Refund through Stripe" in customer_page.text
    refund_path = f"/admin/shop/customers/{order.user_id}/orders/{order.pk}/refund/"
    refunded = site.post(
        refund_path,
        admin,
        data={"csrfmiddlewaretoken": csrf_token(customer_page.text), "amount": "", "reason": "Asked by phone."},
        headers={"Referer": site.url + f"/admin/shop/customers/{order.user_id}/"},
    )
    assert refunded.status_code == 302, refunded.text
    order.refresh_from_db()
    assert order.amount_refunded == order.amount_paid
    assert Entitlement.objects.get(user=order.user, product=course_product).status == "refunded"

    # Defect 3: staff take access away with a note; the student reads only the customer message.
    customer_page = site.get(f"/admin/shop/customers/{order.user_id}/", admin)
    assert "included in their data export" in customer_page.text
    restored = site.post(
        f"/admin/shop/customers/{order.user_id}/access/",
        admin,
        data={
            "csrfmiddlewaretoken": csrf_token(customer_page.text),
            "product": course_product.pk,
            "action": "restore",
            "message": "reopened",
            "reason": "Goodwill, see ticket 12.",
        },
        headers={"Referer": site.url + f"/admin/shop/customers/{order.user_id}/"},
    )
    assert restored.status_code == 302
    revoked = site.post(
        f"/admin/shop/customers/{order.user_id}/access/",
        admin,
        data={
            "csrfmiddlewaretoken": csrf_token(customer_page.text),
            "product": course_product.pk,
            "action": "revoke",
            "message": "cancelled",
            "reason": STAFF_NOTE,
        },
        headers={"Referer": site.url + f"/admin/shop/customers/{order.user_id}/"},
    )
    assert revoked.status_code == 302
    paid_lesson = LessonPage.objects.live().get(slug="releasing-the-hip-flexors")
    pages = [
        site.get("/courses/relieving-that-pain/", student),
        site.get(paid_lesson.url, student),
        site.get("/learn/", student),
    ]
    for page in pages:
        assert page.status_code == 200
        assert "You asked us to cancel this purchase, so it is closed." in page.text, page.url
        assert "Testing" not in page.text
    assert all("Testing" not in mail.text_body + mail.html_body for mail in site.mail())


def test_an_editor_types_a_price_as_money_and_the_guide_page_shows_it(live_db, demo_settings, start_live_site):
    call_command("load_demo", stdout=None)
    guide = Product.objects.get(slug="stretching-guide")
    editor = _editor()
    site = start_live_site()
    admin = _admin_browser(site, editor)
    edit_path = f"/admin/snippets/shop/product/edit/{guide.pk}/"

    form = site.get(edit_path, admin)
    assert form.status_code == 200
    assert 'name="price"' in form.text
    fields = {
        "csrfmiddlewaretoken": csrf_token(form.text),
        "name": guide.name,
        "slug": guide.slug,
        "kind": guide.kind,
        "summary": guide.summary,
        "currency": guide.currency,
        "active": "on",
        "partial_refund_policy": guide.partial_refund_policy,
        "includes": [p.pk for p in guide.includes.all()],
    }
    headers = {"Referer": site.url + edit_path}
    refused = site.post(edit_path, admin, data={**fields, "price": "21.005"}, headers=headers)
    assert refused.status_code == 200
    assert "2 decimal places at most" in refused.text
    guide.refresh_from_db()
    assert guide.price_amount != 2100

    saved = site.post(edit_path, admin, data={**fields, "price": "21.00"}, headers=headers)

    assert saved.status_code == 302, saved.text[:3000]
    guide.refresh_from_db()
    assert guide.price_amount == 2100
    guide_page = site.get("/guides/stretching-guide/", allow_redirects=True)
    assert guide_page.status_code == 200
    assert "$21.00" in guide_page.text or "€21.00" in guide_page.text or "£21.00" in guide_page.text
    orders = site.get("/admin/order/", admin)
    assert "Amount display" not in orders.text
