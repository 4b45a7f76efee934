"""The access rule (courses/access.py), as a table over every state and on every surface."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from courses import access
from courses.blocks import file_ids_in
from courses.models import LessonCompletion
from shop import entitlements
from tests.courses.access_states import IDS, TABLE
from tests.courses.conftest import ACTOR, grant, marker


@pytest.mark.parametrize("row", TABLE, ids=IDS)
def test_access_for_answers_the_table(world, student, row):
    _, arrange, granted, reason = row
    user, lesson = arrange(world, student)

    answer = access.access_for(user=user or AnonymousUser(), lesson=lesson)

    assert (answer.granted, answer.reason) == (granted, reason)


@pytest.mark.parametrize("row", TABLE, ids=IDS)
@pytest.mark.parametrize("surface", ["page", "progress", "file"])
def test_every_surface_agrees_with_the_rule(client, world, student, row, surface):
    _, arrange, granted, _ = row
    user, lesson = arrange(world, student)
    if user is not None:
        client.force_login(user)

    if surface == "page":
        response = client.get(lesson.url)
        assert response.status_code == 200
        assert (marker(lesson) in response.content.decode()) is granted
    elif surface == "progress":
        response = client.post(reverse("courses:complete", args=[lesson.pk]))
        recorded = LessonCompletion.objects.filter(lesson=lesson).exists()
        if granted and user is not None:
            assert response.status_code == 302
            assert recorded
        else:
            assert response.status_code == 403
            assert not recorded
    else:
        (file_id,) = file_ids_in(lesson.body)
        response = client.get(reverse("courses:lesson_file", args=[lesson.pk, file_id]))
        assert response.status_code == (200 if granted else 403)
        if granted:
            assert b"worksheet" in b"".join(response.streaming_content)


def test_dripped_lesson_names_the_day_it_opens(world, student):
    grant(student, world.product)
    started = entitlements.state_for(user=student, product=world.product).granted_at

    answer = access.access_for(user=student, lesson=world.paid_dripped)

    assert answer.available_at == started + timedelta(days=7)


def test_dripped_lesson_opens_on_its_day(world, student):
    grant(student, world.product)

    answer = access.access_for(
        user=student, lesson=world.paid_dripped, now=timezone.now() + timedelta(days=7, seconds=1)
    )

    assert answer.granted


def test_drip_clock_survives_revoke_and_restore(world, student):
    grant(student, world.product)
    first = entitlements.state_for(user=student, product=world.product).granted_at
    entitlements.revoke(user=student, product=world.product, actor=ACTOR, reason="admin", refunded=False)
    entitlements.restore(user=student, product=world.product, actor=ACTOR, reason="admin restore")

    answer = access.access_for(user=student, lesson=world.paid_dripped)

    assert answer.available_at == first + timedelta(days=7)


def test_release_date_in_the_future_keeps_an_owner_out(world, student):
    grant(student, world.product)
    world.paid_lesson.release_at = timezone.now() + timedelta(days=3)
    world.paid_lesson.save_revision().publish()

    answer = access.access_for(user=student, lesson=world.paid_lesson)

    assert (answer.granted, answer.reason) == (False, "dripped")


def test_refund_closes_access_at_once_and_restore_keeps_progress(client, world, student):
    grant(student, world.product)
    client.force_login(student)
    client.post(reverse("courses:complete", args=[world.paid_lesson.pk]))
    entitlements.suspend(user=student, product=world.product, actor=ACTOR, reason="dispute opened")

    closed = client.get(world.paid_lesson.url)
    entitlements.restore(user=student, product=world.product, actor=ACTOR, reason="dispute won")
    reopened = client.get(world.paid_lesson.url)

    assert marker(world.paid_lesson) not in closed.content.decode()
    assert "dispute" in closed.content.decode()
    assert marker(world.paid_lesson) in reopened.content.decode()
    assert "You finished this lesson" in reopened.content.decode()


def test_locked_lesson_shows_the_way_in_and_the_teaser(client, world, student):
    client.force_login(student)

    response = client.get(world.paid_lesson.url)

    html = response.content.decode()
    assert "A taste of what is inside." in html
    assert "Buy the course" in html
    assert response["Cache-Control"].startswith("private")


@pytest.mark.parametrize(
    ("mode", "shows_body"),
    [("", True), ("anonymous", False), ("visitor", False), ("refunded", False), ("disputed", False)],
)
def test_editor_previews_each_access_state(world, mode, shows_body):
    response = world.paid_lesson.make_preview_request(preview_mode=mode)

    assert (marker(world.paid_lesson) in response.content.decode()) is shows_body


def test_preview_as_owner_on_a_day_before_the_drip_shows_the_lock(world):
    response = world.paid_dripped.make_preview_request(preview_mode="owner-day-6")

    html = response.content.decode()
    assert marker(world.paid_dripped) not in html
    assert "unlocks on" in html
