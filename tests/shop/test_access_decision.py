"""The pure decisions of shop.fulfillment, as tables: access from a charge's state, and whether a session matches.

No database: each row is the facts in and the decision out.
"""

import pytest

from shop.fulfillment import charge_access, dispute_is_open, merge_dispute_status, session_problem
from shop.stripe_gateway import CheckoutSession

KEEP, REVOKE = "keep", "revoke"

# (amount_paid, amount_refunded, dispute_status, refund_policy) -> access status
ACCESS_TABLE = [
    # Paid, nothing else happened.
    (1900, 0, "", KEEP, "active"),
    (1900, 0, "", REVOKE, "active"),
    (0, 0, "", KEEP, "active"),  # a 100 % promotion code
    # Refunds.
    (1900, 1900, "", KEEP, "refunded"),
    (1900, 1900, "", REVOKE, "refunded"),
    (1900, 2000, "", KEEP, "refunded"),
    (1900, 500, "", KEEP, "active"),
    (1900, 500, "", REVOKE, "refunded"),
    (1900, 1899, "", KEEP, "active"),
    # Disputes Stripe documents as open.
    (1900, 0, "warning_needs_response", KEEP, "disputed"),
    (1900, 0, "warning_under_review", KEEP, "disputed"),
    (1900, 0, "needs_response", KEEP, "disputed"),
    (1900, 0, "under_review", KEEP, "disputed"),
    # Newer statuses (stripe-python's appeals) and any status we have never seen: open, never "keep access".
    (1900, 0, "appeal_needs_response", KEEP, "disputed"),
    (1900, 0, "appeal_under_review", KEEP, "disputed"),
    (1900, 0, "some_status_stripe_adds_later", KEEP, "disputed"),
    (1900, 500, "appeal_under_review", KEEP, "disputed"),
    (1900, 500, "some_status_stripe_adds_later", REVOKE, "disputed"),
    # Closed disputes.
    (1900, 0, "won", KEEP, "active"),
    (1900, 0, "warning_closed", KEEP, "active"),
    (1900, 0, "prevented", KEEP, "active"),
    (1900, 0, "lost", KEEP, "revoked"),
    (1900, 500, "won", KEEP, "active"),
    (1900, 500, "won", REVOKE, "refunded"),
    # Precedence: lost dispute > full refund > open dispute > partial refund.
    (1900, 1900, "lost", KEEP, "revoked"),
    (1900, 1900, "needs_response", KEEP, "refunded"),
    (1900, 1900, "appeal_needs_response", KEEP, "refunded"),
    (1900, 500, "needs_response", REVOKE, "disputed"),
    (1900, 500, "lost", KEEP, "revoked"),
]


@pytest.mark.parametrize(("paid", "refunded", "dispute", "policy", "expected"), ACCESS_TABLE)
def test_access_follows_the_charge_state(paid, refunded, dispute, policy, expected):
    access = charge_access(amount_paid=paid, amount_refunded=refunded, dispute_status=dispute, refund_policy=policy)

    assert access.status == expected
    assert access.reason


@pytest.mark.parametrize(
    ("status", "is_open"),
    [
        ("", False),
        ("won", False),
        ("lost", False),
        ("warning_closed", False),
        ("prevented", False),
        ("needs_response", True),
        ("appeal_needs_response", True),
        ("appeal_under_review", True),
        ("brand_new_status", True),
    ],
)
def test_a_dispute_is_open_unless_known_to_be_closed(status, is_open):
    assert dispute_is_open(status) is is_open


@pytest.mark.parametrize(
    ("stored", "current", "merged"),
    [
        ("", "needs_response", "needs_response"),
        ("needs_response", "", "needs_response"),
        ("needs_response", "won", "won"),
        ("won", "needs_response", "won"),
        ("", "appeal_under_review", "appeal_under_review"),
        ("lost", "appeal_under_review", "lost"),
        ("appeal_under_review", "won", "won"),
    ],
)
def test_dispute_states_only_move_forward(stored, current, merged):
    assert merge_dispute_status(stored, current) == merged


def _session(**changes) -> CheckoutSession:
    fields = {
        "id": "cs_test_1",
        "url": "",
        "status": "complete",
        "payment_status": "paid",
        "client_reference_id": "7",
        "metadata": {"order_id": "7", "product_id": "3"},
        "payment_intent_id": "pi_1",
        "amount_total": 1900,
        "currency": "usd",
        "customer_email": "ann@example.com",
        "expires_at": None,
        "amount_subtotal": 1900,
    }
    fields.update(changes)
    return CheckoutSession(**fields)


# (session changes, opened by the order, tax behaviour) -> does it match?
SESSION_TABLE = [
    ({}, True, "", True),
    ({}, False, "", False),
    ({"client_reference_id": ""}, True, "", True),
    ({"currency": "eur"}, True, "", False),
    ({"currency": ""}, True, "", False),
    ({"amount_subtotal": 1800, "amount_total": 1800}, True, "", False),
    ({"amount_subtotal": None}, True, "", False),
    ({"amount_total": None}, True, "", False),
    ({"metadata": {"order_id": "8", "product_id": "3"}}, True, "", False),
    ({"metadata": {"product_id": "3"}}, True, "", False),
    ({"metadata": {"order_id": "7"}}, True, "", False),
    ({"client_reference_id": "8"}, True, "", False),
    ({"amount_discount": 500, "amount_total": 1400}, True, "", True),
    ({"amount_discount": 1900, "amount_total": 0, "payment_status": "no_payment_required"}, True, "", True),
    ({"amount_discount": 2000, "amount_total": -100}, True, "", False),
    ({"amount_discount": 500, "amount_total": 1900}, True, "", False),
    ({"amount_tax": 300, "amount_total": 2200}, True, "", False),
    ({"amount_tax": 300, "amount_total": 2200}, True, "exclusive", True),
    ({"amount_tax": 300, "amount_total": 1900}, True, "exclusive", False),
    ({"amount_tax": 300, "amount_total": 1900}, True, "inclusive", True),
    ({"amount_tax": 300, "amount_total": 2200}, True, "inclusive", False),
    ({"amount_tax": 270, "amount_discount": 500, "amount_total": 1670}, True, "exclusive", True),
    ({"amount_shipping": 500, "amount_total": 2400}, True, "", False),
]


@pytest.mark.parametrize(("changes", "opened", "tax", "matches"), SESSION_TABLE)
def test_a_session_matches_only_its_order(changes, opened, tax, matches):
    problem = session_problem(
        session=_session(**changes),
        opened=opened,
        order_id=7,
        product_id=3,
        amount=1900,
        currency="usd",
        tax_behavior=tax,
    )

    assert (problem == "") is matches
