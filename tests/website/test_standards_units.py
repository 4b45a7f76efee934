"""Issue 14's fixes as units: thumbnail boxes, durations, offers, reviewer rules, feed validators, Bearer tokens."""

import pytest
from django.core.exceptions import ValidationError

from core import seo
from core.models import AuthorProfile
from tests.api.conftest import session_token
from tests.courses.factories import UserFactory


@pytest.mark.parametrize(
    ("maxwidth", "maxheight", "box"),
    [
        (None, None, (640, 360)),
        (50, None, (50, 28)),
        (None, 50, (88, 50)),
        (300, 100, (177, 100)),
        (20, 20, None),
        (1, 1, None),
    ],
)
def test_a_16_by_9_thumbnail_fits_inside_both_limits_or_is_left_out(maxwidth, maxheight, box):
    found = seo.thumbnail_box(width=640, height=360, maxwidth=maxwidth, maxheight=maxheight, keep_ratio=True)

    assert found == box


def test_a_cover_is_capped_on_each_side_and_keeps_its_own_shape():
    assert seo.thumbnail_box(width=300, height=400, maxwidth=50, maxheight=None, keep_ratio=False) == (50, 400)
    assert seo.thumbnail_box(width=300, height=400, maxwidth=None, maxheight=10, keep_ratio=False) is None


@pytest.mark.parametrize(("minutes", "text"), [(0, "PT0M"), (10, "PT10M"), (60, "PT1H"), (95, "PT1H35M")])
def test_durations_are_iso_8601(minutes, text):
    assert seo.iso_duration(minutes=minutes) == text


def test_an_offer_carries_price_currency_availability_and_an_absolute_url():
    offer = seo.offer(None, price="0", currency="usd", available=True, url="/courses/intro/")

    assert offer["priceCurrency"] == "USD"
    assert offer["availability"] == "https://schema.org/InStock"
    assert offer["url"].startswith("http")


def test_the_author_cannot_be_the_articles_reviewer(site_tree):
    article = site_tree.hip
    article.reviewer = site_tree.author

    with pytest.raises(ValidationError) as raised:
        article.full_clean()

    assert "reviewer" in raised.value.message_dict


def test_a_reviewer_other_than_the_author_is_named_on_the_web_page_node(client, site_tree):
    reviewer = AuthorProfile.objects.create(name="Dr Aoife Byrne", slug="aoife-byrne")
    type(site_tree.hip).objects.filter(pk=site_tree.hip.pk).update(reviewer=reviewer)

    html = client.get("/articles/hip-flexor-stretches/").content.decode()

    assert '"@type":"WebPage"' in html
    assert '"lastReviewed":"2026-10-12"' in html
    assert '"reviewedBy":{"@type":"Person","name":"Dr Aoife Byrne"' in html
    assert "MedicalWebPage" not in html


def test_feed_entries_carry_the_articles_own_dates(client, site_tree):
    atom = client.get("/feeds/atom/").content.decode()
    rss = client.get("/feeds/rss/").content.decode()

    assert "<published>2025-03-04T00:00:00" in atom
    assert "<updated>2026-10-12T00:00:00" in atom
    assert "04 Mar 2025 00:00:00" in rss


def test_feeds_answer_304_until_an_article_changes(client, site_tree):
    first = client.get("/feeds/rss/")
    same = client.get("/feeds/rss/", headers={"If-None-Match": first["ETag"]})
    site_tree.hip.save_revision().publish()
    changed = client.get("/feeds/rss/", headers={"If-None-Match": first["ETag"]})

    assert same.status_code == 304
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]


def test_a_bearer_token_signs_in_like_the_session_token_header(client, db):
    user = UserFactory(email="reader@example.com")
    token = session_token(user)

    me = client.get("/api/account/me", headers={"Authorization": f"Bearer {token}"}).json()
    wrong = client.get("/api/account/me", headers={"Authorization": "Bearer nope"})
    basic = client.get("/api/account/me", headers={"Authorization": "Basic dXNlcjpwYXNz"}).json()

    assert me["user"]["email"] == "reader@example.com"
    assert wrong.status_code == 401
    assert basic["authenticated"] is False


def test_course_data_puts_the_instructor_on_an_online_instance_and_prices_the_free_course(rf, db):
    from tests.courses.world import build_world

    world = build_world()
    world.free.instructor = AuthorProfile.objects.create(name="Stephen O'Dwyer", slug="stephen")
    world.free.save()

    (course,) = world.free.structured_data(rf.get("/"))

    (instance,) = course["hasCourseInstance"]
    minutes = sum(lesson.duration_minutes for lesson in world.free.lessons())
    assert "instructor" not in course
    assert instance["courseMode"] == "online"
    assert instance["courseWorkload"] == seo.iso_duration(minutes=minutes)
    assert instance["instructor"]["name"] == "Stephen O'Dwyer"
    assert "@context" not in instance["instructor"]
    assert course["offers"]["price"] == "0"
    assert course["offers"]["priceCurrency"] == "USD"
    assert course["offers"]["url"].startswith("http://testserver/")
