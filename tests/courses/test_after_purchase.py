"""Right after paying for a course: the thank-you and course pages take the e-mailed code and open lesson 1.

Only the code sent to the address paid with signs anyone in; the paying browser, the session id and the
order number never do.
"""

import re

import pytest
from django.core import mail
from django.test import Client

from core import login_codes
from shop.models import Order
from tests.courses.factories import UserFactory
from tests.courses.world import marker
from tests.html_checks import assert_accessible_html

pytestmark = pytest.mark.django_db
CODE = re.compile(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", re.MULTILINE)
BUYER = "new.buyer@example.com"


@pytest.fixture
def demo_payments(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.SHOP_DEMO = True
    settings.STRIPE_WEBHOOK_SECRET = "whsec_demo_for_the_course_tests"


@pytest.fixture
def gated_world(world):
    """The world with lesson 1 of the paid course closed to non-buyers (no free preview)."""
    world.paid_preview.free_preview = False
    world.paid_preview.save_revision().publish()
    world.paid_preview.refresh_from_db()
    return world


def pay(client, *, product_slug: str, price: int, email: str = BUYER) -> str:
    """Buy through the demo checkout; answers the thank-you page's address."""
    started = client.post(f"/shop/buy/{product_slug}/", {"token": "a" * 32, "price": str(price), "consent": "on"})
    assert started.status_code == 303, started.content[:300]
    paid = client.post(started["Location"], {"email": email, "consent": "on", "action": "pay"})
    assert paid.status_code == 303, paid.content[:300]
    return paid["Location"]


def codes_sent_to(email: str) -> list[str]:
    return [CODE.search(m.body).group(1) for m in mail.outbox if email in m.to and CODE.search(m.body)]


def test_the_thank_you_page_sends_one_code_and_takes_it_to_lesson_1(client, gated_world, demo_payments):
    lesson_1 = gated_world.paid_preview
    thank_you_url = pay(client, product_slug=gated_world.product.slug, price=gated_world.product.price_amount)

    page = client.get(thank_you_url).content.decode()
    client.get(thank_you_url)  # a reload sends no second code
    (code,) = codes_sent_to(BUYER)
    before = client.get(lesson_1.url).content.decode()
    signed_in = client.post("/accounts/login/code/confirm/", {"code": code, "next": lesson_1.url})
    lesson = client.get(signed_in["Location"])

    assert_accessible_html(page)
    assert 'action="/accounts/login/code/confirm/"' in page
    assert f'name="next" value="{lesson_1.url}"' in page
    assert BUYER in page
    assert marker(lesson_1) not in before
    assert signed_in.status_code == 302
    assert signed_in["Location"] == lesson_1.url
    assert lesson.status_code == 200
    assert marker(lesson_1) in lesson.content.decode()


def test_the_course_page_takes_the_code_the_thank_you_page_sent(client, gated_world, demo_payments):
    client.get(pay(client, product_slug=gated_world.product.slug, price=gated_world.product.price_amount))

    course_page = client.get(gated_world.paid.url).content.decode()

    assert_accessible_html(course_page)
    assert "Type the code we e-mailed you" in course_page
    assert BUYER in course_page
    assert f'name="next" value="{gated_world.paid_preview.url}"' in course_page


def test_the_session_id_and_order_number_in_another_browser_open_nothing(client, gated_world, demo_payments):
    thank_you_url = pay(client, product_slug=gated_world.product.slug, price=gated_world.product.price_amount)
    client.get(thank_you_url)
    (code,) = codes_sent_to(BUYER)
    order = Order.objects.get()
    other = Client()

    stolen_page = other.get(thank_you_url)
    stolen_order = other.get(f"/shop/orders/{order.pk}/")
    typed = other.post("/accounts/login/code/confirm/", {"code": code, "next": gated_world.paid_preview.url})
    lesson = other.get(gated_world.paid_preview.url).content.decode()

    assert stolen_page.status_code == 404
    assert stolen_order.status_code == 302  # to sign in
    assert typed.status_code == 302
    assert typed["Location"].startswith("/accounts/login/code/")  # no pending sign-in in this browser
    assert "_auth_user_id" not in other.session
    assert marker(gated_world.paid_preview) not in lesson
    assert len(codes_sent_to(BUYER)) == 1


def test_a_guide_order_sends_no_code(client, demo_site, demo_payments):
    thank_you_url = pay(client, product_slug="stretching-guide", price=1900)

    page = client.get(thank_you_url).content.decode()

    assert codes_sent_to(BUYER) == []
    assert "Type the code" not in page


def test_no_code_is_started_for_staff_a_signed_in_browser_or_another_address(rf, db):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore

    editor = UserFactory(email="editor@example.com", is_staff=True)
    student = UserFactory(email="student@example.com")
    signed_in = rf.get("/")
    signed_in.user, signed_in.session = student, SessionStore()
    anonymous = rf.get("/")
    anonymous.user, anonymous.session = AnonymousUser(), SessionStore()

    assert login_codes.send(request=anonymous, user=editor, email=editor.email) is False
    assert login_codes.send(request=signed_in, user=student, email=student.email) is False
    assert login_codes.send(request=anonymous, user=student, email="someone.else@example.com") is False
    assert mail.outbox == []
    assert login_codes.pending_email(anonymous) == ""
