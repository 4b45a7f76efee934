"""`manage.py import_buyers FILE.csv`: past buyers get their products and one invitation, once, or nothing at all."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command

from core.models import OutboxEmail
from shop import entitlements
from shop.entitlements import Actor
from shop.models import Entitlement, EntitlementChange
from tests.shop.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

GOOD = """email,product,date
ann@example.com,stretching-guide,2021-03-31
Ann@Example.com,Iliopsoas Guide,2022-01-15
bob@example.com,stretching-guide,2020-11-02
"""


@pytest.fixture
def products():
    return (
        ProductFactory(name="Stretching guide", slug="stretching-guide"),
        ProductFactory(name="Iliopsoas guide", slug="iliopsoas-guide"),
    )


def _import(tmp_path, text, capture):
    path = tmp_path / "buyers.csv"
    path.write_text(text, encoding="utf-8")
    with capture(execute=True):
        call_command("import_buyers", str(path), stdout=None)


def test_past_buyers_get_their_products_and_one_invitation_each(tmp_path, products, django_capture_on_commit_callbacks):
    stretching, iliopsoas = products

    _import(tmp_path, GOOD, django_capture_on_commit_callbacks)

    ann = get_user_model().objects.get(email__iexact="ann@example.com")
    bob = get_user_model().objects.get(email="bob@example.com")
    assert entitlements.product_ids_for(ann) == {stretching.pk, iliopsoas.pk}
    assert entitlements.product_ids_for(bob) == {stretching.pk}
    assert not ann.has_usable_password()
    backdated = Entitlement.objects.get(user=bob)
    assert backdated.granted_at.date() == date(2020, 11, 2)
    assert set(EntitlementChange.objects.values_list("actor_kind", "command", "action")) == {
        ("command", "import_buyers", "grant")
    }
    assert "2021-03-31" in EntitlementChange.objects.get(entitlement__user=ann, entitlement__product=stretching).reason
    assert sorted(message.to[0].lower() for message in mail.outbox) == ["ann@example.com", "bob@example.com"]
    to_ann = next(message for message in mail.outbox if message.to[0].lower() == "ann@example.com")
    assert "Stretching guide" in to_ann.body
    assert "Iliopsoas guide" in to_ann.body
    assert "/shop/library/" in to_ann.body


def test_running_it_again_changes_nothing(tmp_path, products, django_capture_on_commit_callbacks):
    _import(tmp_path, GOOD, django_capture_on_commit_callbacks)
    before = (Entitlement.objects.count(), EntitlementChange.objects.count(), OutboxEmail.objects.count())
    mail.outbox = []

    _import(tmp_path, GOOD, django_capture_on_commit_callbacks)

    after = (Entitlement.objects.count(), EntitlementChange.objects.count(), OutboxEmail.objects.count())
    assert after == before == (3, 3, 2)
    assert mail.outbox == []


def test_running_it_again_does_not_undo_a_refund(tmp_path, products, django_capture_on_commit_callbacks):
    _import(tmp_path, GOOD, django_capture_on_commit_callbacks)
    bob = get_user_model().objects.get(email="bob@example.com")
    entitlements.revoke(user=bob, product=products[0], actor=Actor.for_system(), reason="Refunded by hand.")

    _import(tmp_path, GOOD, django_capture_on_commit_callbacks)

    assert Entitlement.objects.get(user=bob).status == "revoked"


def test_a_current_customer_is_not_granted_twice_nor_invited(tmp_path, products, django_capture_on_commit_callbacks):
    customer = UserFactory(email="bob@example.com")
    entitlements.grant(user=customer, product=products[0], actor=Actor.for_checkout(), reason="Paid.")

    _import(tmp_path, "bob@example.com,stretching-guide,2020-11-02\n", django_capture_on_commit_callbacks)

    assert Entitlement.objects.get(user=customer).granted_at.year != 2020
    assert EntitlementChange.objects.filter(actor_kind="command").count() == 0
    assert mail.outbox == []


def test_bad_file_reports_every_bad_line_and_imports_nothing(tmp_path, products, django_capture_on_commit_callbacks):
    text = (
        "email,product,date\n"
        "ann@example.com,stretching-guide,2021-03-31\n"
        "not-an-address,stretching-guide,2021-03-31\n"
        "bob@example.com,no-such-guide,2021-03-31\n"
        "cat@example.com,stretching-guide,31/03/2021\n"
        "dan@example.com,stretching-guide\n"
        "eve@example.com,iliopsoas-guide,2999-01-01\n"
    )

    with pytest.raises(CommandError) as raised:
        _import(tmp_path, text, django_capture_on_commit_callbacks)

    message = str(raised.value)
    assert "Nothing was imported" in message
    for expected in (
        "line 3: 'not-an-address' is not an e-mail address",
        "line 4: no product with the slug or name 'no-such-guide'",
        "line 5: the date '31/03/2021' is not a date",
        "line 6: expected 3 columns",
        "line 7: the date '2999-01-01' is in the future",
    ):
        assert expected in message
    assert "line 2" not in message
    assert Entitlement.objects.count() == 0
    assert get_user_model().objects.count() == 0
    assert OutboxEmail.objects.count() == 0
    assert mail.outbox == []


def test_ambiguous_product_name_asks_for_the_slug(tmp_path, products, django_capture_on_commit_callbacks):
    ProductFactory(name="Stretching Guide", slug="stretching-guide-2nd")

    with pytest.raises(CommandError, match="line 1: more than one product is called 'stretching guide'"):
        _import(tmp_path, "ann@example.com,stretching guide,2021-03-31\n", django_capture_on_commit_callbacks)

    assert Entitlement.objects.count() == 0


@pytest.mark.parametrize("text", ["", "email,product,date\n"], ids=["empty", "header-only"])
def test_empty_file_is_refused(tmp_path, text, django_capture_on_commit_callbacks):
    with pytest.raises(CommandError, match="no purchases"):
        _import(tmp_path, text, django_capture_on_commit_callbacks)


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_buyers", str(tmp_path / "nope.csv"))
