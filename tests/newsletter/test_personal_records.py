"""The newsletter's rows reach the account's data export and go with the account when it is deleted."""

from courses import erasure, personal_data
from newsletter.models import Subscriber
from tests.courses.factories import UserFactory
from tests.newsletter.conftest import subscriber


def test_the_export_lists_the_newsletter_consent(db):
    user = UserFactory(email="me@example.com")
    subscriber("ME@example.com")

    data = personal_data.gather(user=user)

    [row] = data["emails_sent"]["newsletter"]
    assert row["email"] == "ME@example.com"
    assert row["status"] == "Subscribed"


def test_deleting_the_account_deletes_the_subscriber(db):
    user = UserFactory(email="me@example.com")
    subscriber("me@example.com", user=user)
    subscriber("someone-else@example.com")

    erasure.erase(user=user)

    assert list(Subscriber.objects.values_list("email", flat=True)) == ["someone-else@example.com"]
