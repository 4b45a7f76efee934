"""A locked course or lesson says why, with the price, and offers the one next step."""

from shop import entitlements
from shop.entitlements import Actor
from tests.courses.conftest import grant


def test_course_page_tells_a_visitor_that_buying_opens_every_lesson(client, world):
    html = client.get(world.paid.url).content.decode()

    assert f"Every lesson opens once you buy Relieving That Pain ({world.product.price_display})." in html
    assert "This lesson is part of" not in html


def test_locked_lesson_names_its_course_and_price_and_offers_sign_in(client, world):
    html = client.get(world.paid_lesson.url).content.decode()

    assert f"This lesson is part of Relieving That Pain ({world.product.price_display})" in html
    assert "Already bought it? Sign in" in html


def test_refunded_student_is_told_why_access_ended(client, world, student):
    grant(student, world.product)
    entitlements.revoke(user=student, product=world.product, actor=Actor.for_system(), reason="test", refunded=True)
    client.force_login(student)

    html = client.get(world.paid_lesson.url).content.decode()

    assert "This purchase was refunded, so it is closed." in html


def test_a_student_whose_access_staff_took_away_reads_the_customer_message_not_the_staff_note(client, world, student):
    grant(student, world.product)
    entitlements.revoke(
        user=student,
        product=world.product,
        actor=Actor.for_system(),
        reason="Testing: customer asked to cancel",
        message="cancelled",
    )
    client.force_login(student)

    lesson = client.get(world.paid_lesson.url).content.decode()
    course = client.get(world.paid.url).content.decode()

    for html in (lesson, course):
        assert "You asked us to cancel this purchase, so it is closed." in html
        assert "Testing" not in html
