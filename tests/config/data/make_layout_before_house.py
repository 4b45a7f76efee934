"""Builds layout-before-house.sqlite3.gz: a database as the code before the `core` room made it.

Run it with the project's Python from a checkout of that code (commit 91a3465), for example
`git worktree add ../before 91a3465`, then inside ../before:
`python <this file> <where to write the .sqlite3.gz>`. It migrates a fresh SQLite file, loads the demo
as `make run` does, then adds what the move of the models must carry over: a paid order with its
entitlement, a draft revision and a scheduled revision of guide pages, a workflow in progress on the
terms page, a group's page permission and a group's permission on the author profiles.
tests/config/test_house_migration.py migrates a copy with today's code and checks every row arrived.
"""

import gzip
import io
import os
import shutil
import sqlite3
import sys
import tempfile
from datetime import timedelta
from pathlib import Path


def build(db: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.test_settings"
    sys.path.insert(0, str(Path.cwd()))
    import django

    django.setup()
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission
    from django.core.management import call_command
    from django.utils import timezone
    from wagtail.models import GroupPagePermission, Workflow

    from shop import entitlements
    from shop.entitlements import Actor

    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())

    user_model = apps.get_model("auth", "User")
    admin = user_model.objects.get(username="admin")
    guide_model = apps.get_model("shop", "GuidePage")
    legal_model = apps.get_model("shop", "LegalPage")
    index_model = apps.get_model("shop", "ShopIndexPage")
    product_model = apps.get_model("shop", "Product")
    order_model = apps.get_model("shop", "Order")

    # A purchase: a paid order and the entitlement it granted.
    buyer = user_model.objects.create_user("buyer@example.com", email="buyer@example.com")
    product = product_model.objects.get(slug="stretching-guide")
    order = order_model.objects.create(
        product=product,
        user=buyer,
        email=buyer.email,
        status="paid",
        amount=product.price_amount,
        amount_paid=product.price_amount,
        currency=product.currency,
        stripe_session_id="cs_test_before_house",
        stripe_payment_intent_id="pi_test_before_house",
        stripe_charge_id="ch_test_before_house",
        paid_at=timezone.now(),
    )
    entitlements.grant(user=buyer, product=product, actor=Actor.for_system(), reason="Before the move", order=order)

    # A draft: a saved, unpublished revision of the stretching guide.
    guide = guide_model.objects.get(slug="stretching-guide")
    guide.subtitle = "A draft subtitle nobody has published"
    guide.save_revision(user=admin, log_action=True)

    # A scheduled revision: the pelvic torsion guide goes live with a new subtitle next year.
    scheduled = guide_model.objects.get(slug="pelvic-torsion-guide")
    scheduled.subtitle = "A subtitle scheduled for next year"
    scheduled.go_live_at = timezone.now() + timedelta(days=365)
    scheduled.save_revision(user=admin, log_action=True).publish(user=admin)

    # A workflow in progress on the terms of sale.
    terms = legal_model.objects.get(slug="terms")
    terms.updated_on = terms.updated_on.replace(year=2026)
    revision = terms.save_revision(user=admin, log_action=True)
    workflow = Workflow.objects.get(name="Moderators approval")
    workflow.start(terms, admin)
    assert terms.current_workflow_state is not None, revision

    # Group permissions: editors may publish under the guides index and change the author profiles.
    editors = Group.objects.get(name="Editors")
    GroupPagePermission.objects.create(
        group=editors,
        page=index_model.objects.get(),
        permission=Permission.objects.get(content_type__app_label="wagtailcore", codename="publish_page"),
    )
    editors.permissions.add(
        Permission.objects.get(content_type__app_label="website", codename="change_authorprofile"),
        Permission.objects.get(content_type__app_label="shop", codename="change_guidepage"),
    )
    from django.db import connection

    connection.close()


def main(out: str) -> None:
    with tempfile.TemporaryDirectory() as work:
        db = Path(work) / "db.sqlite3"
        build(db)
        with sqlite3.connect(db) as conn:
            conn.execute("PRAGMA journal_mode=DELETE")
        vacuumed = sqlite3.connect(db)
        vacuumed.execute("VACUUM")
        vacuumed.close()
        with db.open("rb") as source, gzip.open(out, "wb", compresslevel=9) as target:
            shutil.copyfileobj(source, target)


if __name__ == "__main__":
    main(sys.argv[1])
