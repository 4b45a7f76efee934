"""One gathering of facts per request: course and lesson pages cost a bounded, constant number of queries.

The budgets are the page's own work (Page.serve with the request's site and user already resolved, as
Wagtail's routing and the session middleware hand it over): lesson page at most 12, course page at most
10, the same for 3 lessons as for 12 and for a course owned directly as through nested bundles.

The whole HTTP request for a signed-in student adds what every page pays before and around its own work,
constant too and capped below: the site, Wagtail's routing (the home page, then for each level down a
query for the child and one for its specific row: three levels to a lesson, two to a course), the view
restrictions, the session, the user, and the `wagtailadmin.access_admin` check (courses.access.is_staff: user and
group permissions, which Wagtail's user bar then reuses). Routing is
Wagtail's own on purpose (a hand-made router saved these queries and leaked a private page through an
alias); the anonymous page cache of the performance work is where reading gets cheap.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from shop.models import Product
from tests.courses.factories import CourseProductFactory, UserFactory
from tests.courses.world import _lesson, grant

LESSON_BUDGET = 12
COURSE_BUDGET = 10
# The page's budget plus the plumbing above: site 1, routing 7 or 5, restrictions 1, session 1, user 1, staff check 2.
REQUEST_BUDGET = {"paid_lesson": LESSON_BUDGET + 13, "paid": COURSE_BUDGET + 11}


def grow_to(course, count: int) -> None:
    existing = course.get_children().count()
    for n in range(existing, count):
        _lesson(course, f"extra-lesson-{n}", module="More" if n % 2 else "")


def own_through_nested_bundles(world, user, extra_bundles: int) -> None:
    """The student owns the course through a bundle inside a bundle; other bundles include it too."""
    outer = CourseProductFactory(slug="outer", name="Outer", kind=Product.Kind.BUNDLE)
    outer.includes.add(world.bundle)
    for n in range(extra_bundles):
        CourseProductFactory(slug=f"other-{n}", name=f"Other {n}", kind=Product.Kind.BUNDLE).includes.add(
            world.product, world.bundle
        )
    grant(user, outer)


def serve_queries(rf, page, user) -> int:
    """Queries of the page's own work, as routing and middleware hand the request over."""
    page = page.specific_class.objects.get(pk=page.pk)
    request = rf.get(page.url)
    request.user = type(user).objects.get(pk=user.pk)
    request.session = {}
    Site.find_for_request(request)
    page.serve(request).render()  # warm-up: site root paths are cached after the first request
    page = page.specific_class.objects.get(pk=page.pk)
    request.user = type(user).objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as captured:
        response = page.serve(request)
        response.render()
    assert response.status_code == 200
    return len(captured.captured_queries)


def request_queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("page", ["paid_lesson", "paid"])
def test_an_owners_page_costs_a_bounded_number_of_queries_as_lessons_grow(rf, world, student, page):
    grant(student, world.product)
    budget = LESSON_BUDGET if page == "paid_lesson" else COURSE_BUDGET

    few = serve_queries(rf, getattr(world, page), student)
    grow_to(world.paid, 12)
    many = serve_queries(rf, getattr(world, page), student)

    assert few <= budget
    assert many == few


@pytest.mark.parametrize("page", ["paid_lesson", "paid"])
def test_ownership_through_bundles_costs_the_same_however_many_bundles(rf, world, page):
    one, four = UserFactory(), UserFactory()
    budget = LESSON_BUDGET if page == "paid_lesson" else COURSE_BUDGET
    grant(one, world.bundle)
    own_through_nested_bundles(world, four, extra_bundles=3)

    through_one = serve_queries(rf, getattr(world, page), one)
    through_nested = serve_queries(rf, getattr(world, page), four)

    assert through_one <= budget
    assert through_nested == through_one


@pytest.mark.parametrize("page", ["paid_lesson", "paid"])
def test_the_whole_request_is_bounded_and_constant_as_lessons_grow(client, world, student, page):
    grant(student, world.product)
    client.force_login(student)

    few = request_queries(client, getattr(world, page).url)
    grow_to(world.paid, 12)
    many = request_queries(client, getattr(world, page).url)

    assert few <= REQUEST_BUDGET[page]
    assert many == few
