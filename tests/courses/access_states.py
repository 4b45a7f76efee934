"""Every access state a lesson can be in, as arrangements over the shared world (one table, every surface)."""

from courses import enrolment
from shop import entitlements
from tests.courses.factories import UserFactory
from tests.courses.world import ACTOR, grant


def _anonymous(world, student):
    return None, world.paid_lesson


def _non_buyer(world, student):
    return student, world.paid_lesson


def _owner(world, student):
    grant(student, world.product)
    return student, world.paid_lesson


def _bundle_owner(world, student):
    grant(student, world.bundle)
    return student, world.paid_lesson


def _free_preview(world, student):
    return None, world.paid_preview


def _free_course(world, student):
    enrolment.enrol(user=student, course=world.free, wants_email=False)
    return student, world.free_lesson


def _free_course_anonymous(world, student):
    return None, world.free_lesson


def _dripped(world, student):
    grant(student, world.product)
    return student, world.paid_dripped


def _free_dripped(world, student):
    enrolment.enrol(user=student, course=world.free, wants_email=False)
    return student, world.free_dripped


def _refunded(world, student):
    grant(student, world.product)
    entitlements.revoke(user=student, product=world.product, actor=ACTOR, reason="refund", refunded=True)
    return student, world.paid_lesson


def _bundle_refunded(world, student):
    grant(student, world.bundle)
    entitlements.revoke(user=student, product=world.bundle, actor=ACTOR, reason="refund", refunded=True)
    return student, world.paid_lesson


def _disputed(world, student):
    grant(student, world.product)
    entitlements.suspend(user=student, product=world.product, actor=ACTOR, reason="dispute opened")
    return student, world.paid_lesson


def _restored(world, student):
    grant(student, world.product)
    entitlements.suspend(user=student, product=world.product, actor=ACTOR, reason="dispute opened")
    entitlements.restore(user=student, product=world.product, actor=ACTOR, reason="dispute won")
    return student, world.paid_lesson


def _staff(world, student):
    return UserFactory(email="editor@example.com", is_staff=True), world.paid_dripped


TABLE = [
    ("anonymous", _anonymous, False, "sign_in_required"),
    ("signed-in non-buyer", _non_buyer, False, "not_purchased"),
    ("owner", _owner, True, "owned"),
    ("bundle owner", _bundle_owner, True, "owned"),
    ("free preview", _free_preview, True, "preview"),
    ("free course", _free_course, True, "free"),
    ("free course, anonymous", _free_course_anonymous, False, "sign_in_required"),
    ("dripped", _dripped, False, "dripped"),
    ("free course, dripped", _free_dripped, False, "dripped"),
    ("refunded", _refunded, False, "refunded"),
    ("bundle refunded", _bundle_refunded, False, "refunded"),
    ("disputed", _disputed, False, "disputed"),
    ("restored", _restored, True, "owned"),
    ("staff", _staff, True, "staff"),
]
IDS = [row[0] for row in TABLE]
