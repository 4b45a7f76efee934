"""Staff in the Wagtail admin: an editor made by the test, a password sign-in, and steps on admin pages.

An admin page is Wagtail's own interface, whose tap-target sizes, widths and axe findings this project does not
control. So `admin_step` photographs the page and keeps only the checks that catch this project's own faults
there (console errors, uncaught exceptions, CSP violations, failed requests and unexpected error answers, all
from `Watch`); it skips `small_targets`, `horizontal_scroll` and `axe`, which `Journey.step` runs on every
public page. Use `journey.step` for the site's pages and `admin_step` for pages under /admin/ only.
"""

import re

from playwright.sync_api import expect

from tests.e2e.browser.journey import SCREENSHOTS, Journey

EDITOR_PASSWORD = "a long editor passphrase for the browser"


def make_editor(email: str = "editor@example.com"):
    """A superuser who signs in to /admin/ with a password (STAFF_REQUIRE_2FA is off by default)."""
    from tests.shop.factories import UserFactory

    editor = UserFactory(email=email, username=email, is_staff=True, is_superuser=True, first_name="Stephen")
    editor.set_password(EDITOR_PASSWORD)
    editor.save()
    return editor


def admin_step(journey: Journey, name: str) -> None:
    """Look at an admin page: screenshot it and run the `Watch` checks only (see the module's docstring)."""
    page = journey.page
    page.wait_for_load_state("load")
    journey.steps += 1
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    shot = SCREENSHOTS / f"{journey.name}-{journey.width}-{journey.steps:02d}-admin-{slug}.png"
    page.screenshot(path=shot, full_page=True)
    path = page.url.removeprefix(journey.site.url)
    journey.problems += [
        (f"{journey.width}px step {journey.steps:02d} {name} (admin): {path}", problem)
        for problem in journey.watch.take(page)
    ]


def sign_in_to_admin(journey: Journey, editor) -> None:
    """Type the editor's username and password on Wagtail's sign-in page and land on the dashboard."""
    page = journey.page
    journey.goto("/admin/")
    page.get_by_label(re.compile("username|e-?mail", re.I)).first.fill(editor.username)
    page.get_by_label(re.compile("password", re.I)).first.fill(EDITOR_PASSWORD)
    admin_step(journey, "sign-in")
    page.get_by_role("button", name=re.compile("sign in|log in", re.I)).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/admin/login/" not in page.url, page.url
    admin_step(journey, "dashboard")
