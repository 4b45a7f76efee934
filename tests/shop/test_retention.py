"""shop.retention: a deleted account's orders keep the tax facts for ORDER_RETENTION_YEARS, then lose the buyer."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from shop import retention
from shop.models import Order
from tests.shop.factories import OrderFactory, UserFactory


def _order(*, user, years_ago: float, **fields) -> Order:
    order = OrderFactory(
        user=user,
        email="sam@example.com",
        status=Order.Status.PAID,
        browser_key="abc",
        stripe_charge_id="ch_1",
        stripe_payment_intent_id="pi_1",
        stripe_session_id=f"cs_{years_ago}",
        delivery_consent_at=timezone.now(),
        **fields,
    )
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(days=365.25 * years_ago))
    return order


def test_release_detaches_orders_and_forgets_the_browser(db):
    user = UserFactory()
    order = _order(user=user, years_ago=1)

    assert retention.release(user=user) == 1

    order.refresh_from_db()
    kept = (order.user_id, order.browser_key, order.email, order.stripe_charge_id)
    assert kept == (None, "", "sam@example.com", "ch_1")


def test_only_detached_orders_past_the_retention_are_anonymised(db, settings):
    settings.ORDER_RETENTION_YEARS = 10
    old = _order(user=None, years_ago=10.1)
    recent = _order(user=None, years_ago=9.9)
    live_customer = _order(user=UserFactory(), years_ago=11)

    call_command("anonymise_old_orders", stdout=None)
    call_command("anonymise_old_orders", stdout=None)

    old.refresh_from_db()
    assert (old.email, old.stripe_charge_id, old.stripe_payment_intent_id, old.stripe_session_id) == ("", "", "", None)
    assert (old.amount, old.currency, old.status) == (1900, "usd", "paid")
    assert old.delivery_consent_at is not None
    for kept in (recent, live_customer):
        kept.refresh_from_db()
        assert kept.email == "sam@example.com"


def test_the_scheduler_runs_the_anonymiser(settings):
    assert "anonymise_old_orders" in [command for command, _args, _every in settings.SCHEDULED_COMMANDS]
