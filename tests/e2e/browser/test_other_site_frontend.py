"""A frontend on another site: a static page at http://localhost:<its port> uses the app at
http://127.0.0.1:<port>, so Chromium treats every call as cross-site (CORS preflights, third-party cookies).

It signs in through django-allauth's headless app client (X-Session-Token), lists the catalogue, starts a
checkout, joins the free course and reads a lesson's body. The app lists the frontend in CORS_ALLOWED_ORIGINS.
"""

import functools
import http.server
import re
import socket
import threading
from pathlib import Path

import pytest

from courses.models import CoursePage, LessonPage
from tests.e2e.browser.people import SIGN_IN_CODE, last_mail_to
from tests.shop.factories import UserFactory

FRONTEND = Path(__file__).parent / "frontend"
READER = "fran.frontend@example.com"


@pytest.fixture
def frontend():
    """The static frontend, served by http.server on localhost on a port of its own."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(FRONTEND))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def live_site(start_live_site, frontend):
    return start_live_site(SERVE_MEDIA="1", CORS_ALLOWED_ORIGINS=frontend)


@pytest.mark.parametrize("window", ["1280"])  # one window is enough: the calls are the point here
def test_a_frontend_on_another_site_signs_in_buys_and_reads_a_lesson(live_site, frontend, open_journey):
    journey = open_journey(live_site, "other-site-frontend")
    page = journey.page
    UserFactory(email=READER)  # a reader with an account: sign-in codes go to known addresses only
    free_course = CoursePage.objects.live().get(product__isnull=True)
    lesson = LessonPage.objects.live().child_of(free_course).first()
    journey.expect_status("/auth/code/request", 401)  # allauth answers "pending: now the code" with 401
    journey.expect_status("/api/checkout", 401)  # the call made without the token, on purpose
    page.goto(f"{frontend}/index.html?api={live_site.url}")
    call = functools.partial(page.evaluate)

    asked = call("(email) => frontend.askForCode(email)", READER)
    assert asked["status"] == 401, asked  # a pending sign-in, waiting for the code
    code = SIGN_IN_CODE.search(last_mail_to(journey, READER).text_body).group(1)
    signed_in = call("(code) => frontend.typeCode(code)", code)
    assert signed_in["status"] == 200, signed_in
    assert signed_in["data"]["data"]["user"]["email"] == READER

    catalogue = call("() => frontend.showCatalogue()")
    assert catalogue["status"] == 200, catalogue
    guide = next(product["slug"] for product in catalogue["data"] if product["kind"] == "guide")
    assert page.get_by_role("listitem").count() == len(catalogue["data"])
    started = call("(slug) => frontend.startCheckout(slug)", guide)
    assert started["status"] == 201, started
    assert re.match(rf"{re.escape(live_site.url)}/shop/demo/checkout/cs_demo_", started["data"]["checkout_url"])
    # The API's session cookie is never used cross-site: without the token the same call is refused.
    assert call("(slug) => frontend.checkoutWithoutToken(slug)", guide) == 401

    assert call("(id) => frontend.enrol(id)", free_course.pk)["status"] in (200, 201)
    read = call("(id) => frontend.readLesson(id)", lesson.pk)
    assert read["status"] == 200, read
    assert read["data"]["title"] == lesson.title
    assert read["data"]["body"], read["data"]
    journey.step("frontend-signed-in")

    journey.finish()
