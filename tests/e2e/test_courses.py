"""Outside-in: the courses room over real HTTP (gunicorn): huge ids, certificate names, shared files."""

import re

from courses import certificates, enrolment, progress
from courses.blocks import file_ids_in
from tests.courses.factories import UserFactory
from tests.courses.test_sharing import share
from tests.courses.world import build_world
from tests.e2e.conftest import csrf_token


def sign_in(live_site, user):
    """Sign in as a student does: ask for a code, read it in the e-mail, type it in."""
    browser = live_site.client()
    live_site.submit(browser, "/accounts/login/code/", {"email": user.email})
    (message,) = [mail for mail in live_site.mail() if user.email in mail.to]
    code = re.search(r"^\s*([A-Z0-9-]{6,12})\s*$", message.text_body, re.MULTILINE).group(1)
    response = live_site.submit(browser, "/accounts/login/code/confirm/", {"code": code})
    assert response.status_code == 302, response.text[:500]
    return browser


def finish_free_course(world, user):
    for lesson in (world.free_lesson, world.free_dripped):
        lesson.drip_days = None
        lesson.save_revision().publish()
    enrolment.enrol(user=user, course=world.free, wants_email=False)
    for lesson in world.free.lessons():
        progress.complete(user=user, lesson=lesson)


def test_huge_ids_in_courses_addresses_are_404_over_http(live_db, live_site):
    build_world()
    huge = "9" * 30

    answers = {
        path: live_site.get(path).status_code
        for path in (
            f"/learn/lessons/{huge}/files/{huge}/",
            f"/learn/lessons/{huge}/files/{huge}/sheet.pdf",
            f"/learn/courses/{huge}/certificate.pdf",
        )
    }

    assert set(answers.values()) == {404}, answers
    assert "Traceback" not in live_site.log()


def test_certificate_page_shows_no_email_and_a_renamed_certificate_says_superseded(live_db, live_site):
    world = build_world()
    user = UserFactory(first_name="", last_name="")
    finish_free_course(world, user)
    browser = sign_in(live_site, user)

    pdf = live_site.get(f"/learn/courses/{world.free.pk}/certificate.pdf", browser)
    first = certificates.issue(user=user, course=world.free)
    first_page = live_site.get(f"/learn/certificates/{first.code}/")
    dashboard = live_site.get("/learn/", browser)
    renamed = live_site.post(
        "/learn/certificates/name/",
        browser,
        data={"csrfmiddlewaretoken": csrf_token(dashboard.text), "name": "Grace Hopper"},
        headers={"Referer": live_site.url + "/learn/"},
    )
    current = certificates.issue(user=user, course=world.free)
    old_page = live_site.get(f"/learn/certificates/{first.code}/")
    new_page = live_site.get(f"/learn/certificates/{current.code}/")

    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert 'name="name"' in dashboard.text
    assert first_page.status_code == 200
    assert user.email not in first_page.text
    assert "a student" in first_page.text
    assert renamed.status_code == 302
    assert current.code != first.code
    assert old_page.status_code == 410
    assert "superseded" in old_page.text
    assert "Grace Hopper" not in old_page.text
    assert current.code not in old_page.text
    assert user.email not in old_page.text
    assert "Grace Hopper" in new_page.text


def test_a_shared_paid_file_is_not_served_through_the_free_lesson_to_a_non_buyer(live_db, live_site):
    world = build_world()
    shared = share(paid_lesson=world.paid_lesson, free_lesson=world.free_lesson)
    world.free_dripped.drip_days = None
    world.free_dripped.save_revision().publish()
    user = UserFactory()
    enrolment.enrol(user=user, course=world.free, wants_email=False)
    browser = sign_in(live_site, user)
    (own_file,) = file_ids_in(world.free_dripped.body)

    shared_answer = live_site.get(f"/learn/lessons/{world.free_lesson.pk}/files/{shared}/", browser)
    own_answer = live_site.get(f"/learn/lessons/{world.free_dripped.pk}/files/{own_file}/", browser)

    assert shared_answer.status_code == 403
    assert b"worksheet" not in shared_answer.content
    assert own_answer.status_code == 200  # the free course's own files still reach its students
    assert b"worksheet" in own_answer.content
