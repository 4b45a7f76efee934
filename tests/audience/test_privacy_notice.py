"""The privacy notice says what is counted and recorded, and why there is no consent banner."""

from website.demo_guides import OLD_PRIVACY_BODIES
from website.models import LegalPage


def test_the_demo_privacy_notice_explains_counting_attribution_and_no_banner(client, demo_site):
    text = client.get("/privacy/").content.decode()

    assert "Reading this site sets no cookie" in text
    assert "Do Not Track or Global Privacy Control" in text
    assert "none of it is sent to Stripe" in text
    assert "Why there is no cookie banner" in text


def test_load_demo_updates_an_old_demo_notice_but_not_an_edited_one(demo_site):
    from django.core.management import call_command

    privacy = LegalPage.objects.get(slug="privacy")
    privacy.body = OLD_PRIVACY_BODIES[0]
    privacy.save_revision().publish()
    call_command("load_demo", stdout=None)
    privacy.refresh_from_db()
    updated = str(privacy.body)
    privacy.body = "<p>Edited by the author.</p>"
    privacy.save_revision().publish()
    call_command("load_demo", stdout=None)
    privacy.refresh_from_db()

    assert "Why there is no cookie banner" in updated
    assert str(privacy.body) == "<p>Edited by the author.</p>"
