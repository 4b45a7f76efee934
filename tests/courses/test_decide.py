"""The pure access decision (courses.access.decide) as a table: facts in, answer out, no database."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from courses import access
from courses.access import Viewer

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
PRODUCT = SimpleNamespace(pk=1, name="Relieving That Pain")

PAID = SimpleNamespace(is_free=False, product=PRODUCT)
FREE = SimpleNamespace(is_free=True, product=None)


def lesson(*, preview=False, drip=None, release=None):
    return SimpleNamespace(free_preview=preview, drip_days=drip, release_at=release)


ANONYMOUS = Viewer()
VISITOR = Viewer(signed_in=True)
STAFF = Viewer(signed_in=True, staff=True)


def owner(days_ago: int) -> Viewer:
    return Viewer(signed_in=True, status="active", granted_at=NOW - days_ago * DAY)


def enrolled(days_ago: int) -> Viewer:
    return Viewer(signed_in=True, enrolled_at=NOW - days_ago * DAY)


# (name, course, lesson, viewer, granted, reason, opens)
TABLE = [
    ("anonymous, paid lesson", PAID, lesson(), ANONYMOUS, False, access.SIGN_IN_REQUIRED, None),
    ("anonymous, paid preview", PAID, lesson(preview=True), ANONYMOUS, True, access.PREVIEW, None),
    ("anonymous, free course", FREE, lesson(), ANONYMOUS, False, access.SIGN_IN_REQUIRED, None),
    ("anonymous, free preview", FREE, lesson(preview=True), ANONYMOUS, True, access.PREVIEW, None),
    ("visitor, paid lesson", PAID, lesson(), VISITOR, False, access.NOT_PURCHASED, None),
    ("visitor, dripped paid lesson", PAID, lesson(drip=7), VISITOR, False, access.NOT_PURCHASED, None),
    ("visitor, free course not enrolled", FREE, lesson(), VISITOR, True, access.FREE, None),
    ("visitor, free dripped not enrolled", FREE, lesson(drip=2), VISITOR, False, access.DRIPPED, None),
    ("enrolled, free dripped day 1", FREE, lesson(drip=2), enrolled(1), False, access.DRIPPED, NOW + DAY),
    ("enrolled, free dripped day 2", FREE, lesson(drip=2), enrolled(2), True, access.FREE, None),
    ("enrolled, free lesson", FREE, lesson(), enrolled(0), True, access.FREE, None),
    ("owner, paid lesson", PAID, lesson(), owner(0), True, access.OWNED, None),
    ("owner, preview", PAID, lesson(preview=True), owner(0), True, access.PREVIEW, None),
    ("owner day 0, dripped 7", PAID, lesson(drip=7), owner(0), False, access.DRIPPED, NOW + 7 * DAY),
    ("owner day 6, dripped 7", PAID, lesson(drip=7), owner(6), False, access.DRIPPED, NOW + DAY),
    ("owner day 7, dripped 7", PAID, lesson(drip=7), owner(7), True, access.OWNED, None),
    ("owner, released tomorrow", PAID, lesson(release=NOW + DAY), owner(30), False, access.DRIPPED, NOW + DAY),
    ("owner, released yesterday", PAID, lesson(release=NOW - DAY), owner(0), True, access.OWNED, None),
    (
        "owner, release later than drip",
        PAID,
        lesson(drip=1, release=NOW + 3 * DAY),
        owner(10),
        False,
        access.DRIPPED,
        NOW + 3 * DAY,
    ),
    (
        "owner, drip later than release",
        PAID,
        lesson(drip=10, release=NOW - 3 * DAY),
        owner(5),
        False,
        access.DRIPPED,
        NOW + 5 * DAY,
    ),
    ("owner, drip ends exactly now", PAID, lesson(drip=3), owner(3), True, access.OWNED, None),
    ("refunded, paid lesson", PAID, lesson(), Viewer(signed_in=True, status="refunded"), False, access.REFUNDED, None),
    ("revoked, paid lesson", PAID, lesson(), Viewer(signed_in=True, status="revoked"), False, access.REFUNDED, None),
    ("disputed, paid lesson", PAID, lesson(), Viewer(signed_in=True, status="disputed"), False, access.DISPUTED, None),
    (
        "refunded, preview",
        PAID,
        lesson(preview=True),
        Viewer(signed_in=True, status="refunded"),
        True,
        access.PREVIEW,
        None,
    ),
    (
        "disputed, dripped",
        PAID,
        lesson(drip=7),
        Viewer(signed_in=True, status="disputed"),
        False,
        access.DISPUTED,
        None,
    ),
    ("staff, paid lesson", PAID, lesson(), STAFF, True, access.STAFF, None),
    ("staff, dripped", PAID, lesson(drip=30), STAFF, True, access.STAFF, None),
    ("staff, released next year", PAID, lesson(release=NOW + 365 * DAY), STAFF, True, access.STAFF, None),
    ("staff, free course", FREE, lesson(drip=2), STAFF, True, access.STAFF, None),
    (
        "unknown status, paid",
        PAID,
        lesson(),
        Viewer(signed_in=True, status="pending"),
        False,
        access.NOT_PURCHASED,
        None,
    ),
]


@pytest.mark.parametrize("row", TABLE, ids=[row[0] for row in TABLE])
def test_decide_answers_the_table(row):
    _, course, the_lesson, viewer, granted, reason, opens = row

    answer = access.decide(lesson=the_lesson, course=course, viewer=viewer, now=NOW)

    assert (answer.granted, answer.reason, answer.available_at) == (granted, reason, opens)
    assert answer.product is course.product


@pytest.mark.parametrize("reason", sorted(access.GRANTED_REASONS | access.DENIED_REASONS))
def test_every_reason_is_either_granted_or_denied(reason):
    assert (reason in access.GRANTED_REASONS) != (reason in access.DENIED_REASONS)


def test_decide_needs_no_database():
    """The table above runs without the db fixture: pytest-django would refuse any query here."""
    answer = access.decide(lesson=lesson(drip=7), course=PAID, viewer=owner(7), now=NOW)

    assert answer.granted
