"""Issue 13's query budgets, for whole requests through the test client on the demo content and on the demo grown
tenfold (tests/demo_content.py), with production's database cache (every cache read a query) and the page cache
not answering: what a render costs.

The same URL must cost the same at 1x and 10x content, and no more than its budget. The budgets of the lesson page
and the v2 detail are the best reached without re-implementing Wagtail's routing or restriction checks (DESIGN.md);
the report of the change that set them lists where each remaining query goes.
"""

from django.contrib.auth import get_user_model

from courses.models import CoursePage, LessonPage
from shop import entitlements
from tests import demo_content
from website.models import ArticlePage

# Issue 13's targets for the article and home pages. The lesson and the v2 detail are at the best reached within
# the rules (Wagtail routes and checks restrictions itself; access facts are gathered by courses/access.py):
# lesson: site, routing 7 (home, then child + specific row for the index, course and lesson), frame, private
# sections, course with instructor/cover/product, the course's lessons, session, user, enrolment, the staff check's
# user and group permissions (2), entitlements, completions, renditions, the visit's UPDATE;
# v2 detail: site, frame, Wagtail's restriction list, the private sections, the page, its specific row, the body's
# promotions, renditions, the visible parent, topics.
BUDGETS = {"article": 12, "home": 12, "lesson for an entitled student": 21, "v2 article detail": 10}


def counts(client, student) -> dict[str, int]:
    article = ArticlePage.objects.live().get(slug="hip-flexor-stretches")
    course = CoursePage.objects.live().filter(product__isnull=False).order_by("path").first()
    lesson = LessonPage.objects.live().child_of(course).order_by("path").first()
    client.logout()
    found = {
        "article": len(demo_content.request_queries(client, article.url)),
        "home": len(demo_content.request_queries(client, "/")),
        "v2 article detail": len(demo_content.request_queries(client, f"/api/v2/pages/{article.pk}/")),
    }
    client.force_login(student)
    found["lesson for an entitled student"] = len(demo_content.request_queries(client, lesson.url))
    return found


def test_each_page_stays_within_its_budget_and_costs_the_same_on_tenfold_content(
    db, settings, client, django_capture_on_commit_callbacks
):
    demo_content.use_production_caches(settings)
    demo_content.load()
    course = CoursePage.objects.live().filter(product__isnull=False).order_by("path").first()
    student = get_user_model().objects.create(username="student", email="student@example.com")
    entitlements.grant(
        user=student, product=course.product, actor=entitlements.Actor.for_system(), reason="query budget test"
    )
    demo = counts(client, student)
    # The purges of the growth run (they wait for a commit): the frame is rebuilt for the grown site.
    with django_capture_on_commit_callbacks(execute=True):
        demo_content.grow(10)
    grown = counts(client, student)

    assert {page: count for page, count in demo.items() if count > BUDGETS[page]} == {}
    assert grown == demo
