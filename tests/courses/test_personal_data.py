"""courses.personal_data: the export holds every kind of record about the person, and nothing about anyone else."""

import json

from django.core.serializers.json import DjangoJSONEncoder

from courses import personal_data
from tests.courses.factories import UserFactory
from tests.courses.people import STAFF_NOTE, make_person


def _export(user) -> dict:
    return json.loads(json.dumps(personal_data.gather(user=user), cls=DjangoJSONEncoder))


def test_the_export_holds_every_kind_of_record(world):
    admin = UserFactory(email="boss@example.com", is_staff=True)
    person = make_person(world, email="sam@example.com", admin=admin)

    data = _export(person.user)

    assert data["account"]["email"] == "sam@example.com"
    assert data["account"]["email_addresses"] == [{"email": "sam@example.com", "verified": True, "primary": True}]
    assert data["account"]["date_joined"]
    [order] = data["orders"]
    assert (order["number"], order["amount"], order["currency"], order["status"]) == (
        person.order.number,
        9700,
        "usd",
        "paid",
    )
    assert order["terms_accepted"] is True
    assert order["delivery_consent_at"]
    [entitlement] = data["entitlements"]
    assert [change["action"] for change in entitlement["history"]] == ["grant", "revoke", "grant"]
    assert entitlement["history"][1]["staff_note"] == STAFF_NOTE
    assert "boss@example.com" not in json.dumps(data)  # who acted is someone else's data
    assert [row["course"] for row in data["enrolments"]] == ["Intro to AIS", "Relieving That Pain"]
    assert [row["lesson"] for row in data["lesson_progress"]] == ["Paid Lesson"]
    assert data["name_on_certificates"] == "Sam Bright"
    assert data["certificates"][0]["student_name"] == "Sam Bright"
    assert {consent["kind"] for consent in data["consents"]} == {
        "immediate delivery (no 14-day withdrawal)",
        "course e-mails",
    }
    assert data["emails_sent"]["outbox"][0]["subject"] == "Your receipt"
    assert data["emails_sent"]["local_mailbox"][0]["text"] == "Thanks!"
    assert data["downloads"][0]["file"].startswith("Workbook")
    assert data["signed_in_sessions"] == 0


def test_the_export_holds_nothing_about_another_person(world):
    person = make_person(world, email="sam@example.com")
    make_person(world, email="jimsam@example.com")  # an address that contains the first one

    text = json.dumps(_export(person.user), cls=DjangoJSONEncoder)

    assert "jimsam@example.com" not in text
    assert "browser-of-jimsam" not in text
