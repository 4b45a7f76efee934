"""The scheduler runs the periodic commands: Wagtail's scheduled publishing among them.

How the scheduler process stops on SIGTERM is tested from outside, in tests/e2e/test_scheduler_process.py.
"""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from website.models import ArticlePage


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_scheduler_publishes_a_page_whose_go_live_time_has_passed(demo_site):
    article = ArticlePage.objects.get(slug="pelvic-torsion-explained")
    article.title = "Pelvic torsion, revised"
    article.go_live_at = timezone.now() - timedelta(minutes=1)
    article.save_revision(approved_go_live_at=article.go_live_at)
    assert ArticlePage.objects.get(pk=article.pk).title != "Pelvic torsion, revised"

    call_command("scheduler", "--once")

    assert ArticlePage.objects.get(pk=article.pk).title == "Pelvic torsion, revised"


@pytest.mark.django_db
def test_a_tick_is_claimed_once_and_the_next_tick_again():
    from config import scheduling

    first = scheduling.claim(command="send_outbox", every=60, tick=100)
    second = scheduling.claim(command="send_outbox", every=60, tick=100)
    next_tick = scheduling.claim(command="send_outbox", every=60, tick=101)
    other_command = scheduling.claim(command="heartbeat", every=60, tick=100)

    assert (first, second, next_tick, other_command) == (True, False, True, True)
