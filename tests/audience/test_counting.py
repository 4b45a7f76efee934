"""Anonymous view counts: one INSERT per view, nothing under DNT or GPC, no cookie, a roll-up that counts once."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from audience import counting
from audience.models import PageView, PageViewDay

pytestmark = pytest.mark.django_db
BEACON = "/audience/view/"


@pytest.fixture
def page():
    return Page.objects.get(depth=2)


def test_a_view_is_one_insert_and_sets_no_cookie(client, page):
    with CaptureQueriesContext(connection) as captured:
        response = client.post(BEACON, {"page": page.pk})

    writes = [query["sql"] for query in captured.captured_queries if not query["sql"].startswith("SELECT")]
    assert response.status_code == 204
    assert response.cookies == {}
    assert [sql.split()[0] for sql in writes if "audience" in sql] == ["INSERT"]
    assert list(PageView.objects.values_list("page_id", flat=True)) == [page.pk]


@pytest.mark.parametrize("header", [{"HTTP_DNT": "1"}, {"HTTP_SEC_GPC": "1"}])
def test_do_not_track_and_global_privacy_control_are_not_counted(client, page, header):
    response = client.post(BEACON, {"page": page.pk}, **header)

    assert response.status_code == 204
    assert not PageView.objects.exists()


@pytest.mark.parametrize("value", ["", "abc", "-3", "99999999999", "1 OR 1=1"])
def test_malformed_page_ids_are_not_counted(client, value):
    assert client.post(BEACON, {"page": value}).status_code == 204
    assert not PageView.objects.exists()


def test_the_beacon_takes_only_post(client, page):
    assert client.get(BEACON, {"page": page.pk}).status_code == 405
    assert not PageView.objects.exists()


def test_rollup_folds_views_per_page_and_day_once(page):
    other = Page.objects.get(depth=1)
    for day, page_id in [(1, page.pk), (1, page.pk), (2, page.pk), (1, other.pk), (1, 987654)]:
        counting.record(page_id=page_id, day=date(2026, 11, day))

    assert counting.rollup() == 4
    assert counting.rollup() == 0
    counting.record(page_id=page.pk, day=date(2026, 11, 1))
    counting.rollup()

    totals = set(PageViewDay.objects.values_list("page_id", "day", "views"))
    assert totals == {
        (page.pk, date(2026, 11, 1), 3),
        (page.pk, date(2026, 11, 2), 1),
        (other.pk, date(2026, 11, 1), 1),
    }
    assert not PageView.objects.exists()


def test_the_rollup_is_scheduled(settings):
    assert ("rollup_page_views", [], 24 * 3600) in settings.SCHEDULED_COMMANDS
