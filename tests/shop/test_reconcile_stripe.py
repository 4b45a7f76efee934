"""reconcile_stripe: replays missed events once; a second run changes nothing."""

import pytest
from django.core.management import call_command

from shop.models import Entitlement, Order, StripeEvent
from tests.shop.conftest import buy

pytestmark = pytest.mark.django_db


def test_missed_events_are_replayed_once(client, fake_stripe, guide):
    assert buy(client, guide).status_code == 303
    session_id = next(iter(fake_stripe.sessions))
    fake_stripe.complete(session_id)
    fake_stripe.refund(fake_stripe.charge_for(session_id))

    call_command("reconcile_stripe", "--since", "3d", stdout=None)
    first = (Order.objects.get().status, Entitlement.objects.get().status, StripeEvent.objects.count())
    call_command("reconcile_stripe", "--since", "3d", stdout=None)

    assert first == ("paid", "refunded", 2)
    assert (Order.objects.get().status, Entitlement.objects.get().status, StripeEvent.objects.count()) == first


def test_deploy_check_fails_without_key_or_demo(settings):
    from shop.checks import check_payments_configured

    settings.DEBUG, settings.STRIPE_SECRET_KEY, settings.SHOP_DEMO = False, "", False

    assert [e.id for e in check_payments_configured(None)] == ["shop.E001"]
