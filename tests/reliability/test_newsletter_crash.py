"""A newsletter worker killed mid-send: `send_newsletters` SIGKILLed right after the provider took a message and
before the outbox marked it sent, then run again. Everyone gets the issue; at most the one person whose message
was in flight gets it twice (the outbox's guarantee, docs/newsletter.md); nobody gets it more often.
"""

from collections import Counter
from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from config.models import LocalMail
from core.models import OutboxEmail
from newsletter import sending
from newsletter.models import NewsletterIssue, Send, Subscriber
from tests.reliability.conftest import rounds
from tests.reliability.payments import manage, process_env

CRASH_SETTINGS = "tests.reliability.crash_settings"


def test_a_newsletter_worker_killed_mid_send_resumes_with_at_most_one_duplicate(live_db, tmp_path, figures):
    arm = tmp_path / "crash-armed"
    env = process_env(
        live_db,
        "http://127.0.0.1:9",  # no Stripe call is made
        DJANGO_SETTINGS_MODULE=CRASH_SETTINGS,
        RELIABILITY_CRASH_ARM=str(arm),
        NEWSLETTER_RATE="1000",
        NEWSLETTER_BATCH_SIZE="5",
    )
    people = rounds(full=40, ci=12)
    for n in range(people):
        Subscriber.objects.create(email=f"reader{n}@example.com", consent_at=timezone.now())
    issue = NewsletterIssue.objects.create(title="Crash", subject="The crash issue", body=[("heading", "Hello")])
    send = sending.start(issue=issue, segment=Send.Segment.EVERYONE)

    arm.write_text("mail-sent")
    crash = manage(env, "send_newsletters", "--max-seconds", "60")
    sent_before_crash = LocalMail.objects.filter(subject="The crash issue").count()
    again = manage(env, "send_newsletters", "--max-seconds", "60")
    # The outbox's stale-claim time passes: a claim that old belongs to a dead worker, and its row goes again.
    OutboxEmail.objects.filter(sent_at__isnull=True).update(claimed_at=F("claimed_at") - timedelta(minutes=11))
    later = manage(env, "send_newsletters", "--max-seconds", "60")

    received = Counter(LocalMail.objects.filter(subject="The crash issue").values_list("to", flat=True))
    expected = {f"reader{n}@example.com" for n in range(people)}
    lost = expected - set(received)
    duplicates = sum(count - 1 for count in received.values() if count > 1)
    send.refresh_from_db()
    figures.check(
        "newsletter worker killed mid-send",
        f"send_newsletters killed after the provider took message {sent_before_crash} of {people} (exit "
        f"{crash.returncode}), run twice more: {len(received)} people reached, {len(lost)} lost, {duplicates} "
        f"duplicate (at most 1 allowed), send finished: {send.finished_at is not None}",
        ok=crash.returncode == -9
        and again.returncode == later.returncode == 0
        and not lost
        and duplicates <= 1
        and set(received) == expected
        and send.finished_at is not None,
    )
    assert again.returncode == 0, again.stderr
