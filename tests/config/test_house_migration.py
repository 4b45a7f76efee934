"""A database made before the `core` room existed migrates to today's layout with every row intact.

tests/config/data/layout-before-house.sqlite3.gz was made by make_layout_before_house.py from the code at
91a3465: the demo as `make run` loads it, a paid order and its entitlement, a draft and a scheduled
revision of guide pages, a workflow in progress on the terms page and group permissions. The test migrates a
copy with today's migrations in a separate process (the suite's own database stays untouched), then compares
every row that points at a moved model, by id, and asks the ORM, search and the reference index.
"""

import gzip
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
BEFORE = Path(__file__).parent / "data" / "layout-before-house.sqlite3.gz"
MOVED = {
    ("website", "authorprofile"): "core",
    ("shop", "outboxemail"): "core",
    ("shop", "guidepage"): "website",
    ("shop", "shopindexpage"): "website",
    ("shop", "legalpage"): "website",
}
# Rows that point at content types or at the moved rows; each must come through unchanged, ids included.
IDENTITY_QUERIES = {
    "pages": "SELECT id, content_type_id, path, url_path, title, live FROM wagtailcore_page",
    "revisions": (
        "SELECT id, content_type_id, base_content_type_id, object_id, approved_go_live_at FROM wagtailcore_revision"
    ),
    "page_log": "SELECT id, content_type_id, page_id, action, revision_id FROM wagtailcore_pagelogentry",
    "model_log": "SELECT id, content_type_id, object_id, action FROM wagtailcore_modellogentry",
    "workflow_states": (
        "SELECT id, base_content_type_id, content_type_id, object_id, status FROM wagtailcore_workflowstate"
    ),
    "group_page_permissions": "SELECT group_id, page_id, permission_id FROM wagtailcore_grouppagepermission",
    "group_permissions": "SELECT group_id, permission_id FROM auth_group_permissions",
    "permissions": "SELECT id, content_type_id, codename FROM auth_permission",
    "search_entries": "SELECT content_type_id, object_id FROM wagtailsearch_indexentry",
    "references": "SELECT content_type_id, object_id, to_content_type_id, to_object_id FROM wagtailcore_referenceindex",
    "orders": "SELECT id, product_id, user_id, status, amount_paid, stripe_session_id FROM shop_order",
    "entitlements": "SELECT id, user_id, product_id, status, order_id FROM shop_entitlement",
    "guides": "SELECT page_ptr_id, product_id, author_id, subtitle FROM {guidepage}",
    "legal": "SELECT page_ptr_id, body FROM {legalpage}",
    "authors": "SELECT id, name, slug FROM {authorprofile}",
    "outbox": "SELECT id, key, sent_at FROM {outboxemail}",
    "article_authors": "SELECT page_ptr_id, author_id FROM website_articlepage",
    "course_instructors": "SELECT page_ptr_id, instructor_id FROM courses_coursepage",
}
# Later migrations add models, and with them content types and permissions: these may only gain rows.
GROWING = {"permissions"}
BEFORE_TABLES = {
    "guidepage": "shop_guidepage",
    "legalpage": "shop_legalpage",
    "authorprofile": "website_authorprofile",
    "outboxemail": "shop_outboxemail",
}
AFTER_TABLES = {
    "guidepage": "website_guidepage",
    "legalpage": "website_legalpage",
    "authorprofile": "core_authorprofile",
    "outboxemail": "core_outboxemail",
}


def rows(db: Path, tables: dict[str, str]) -> dict[str, list]:
    with sqlite3.connect(db) as conn:
        return {
            name: sorted(map(list, conn.execute(sql.format(**tables)).fetchall()), key=repr)
            for name, sql in IDENTITY_QUERIES.items()
        }


def content_types(db: Path) -> dict[int, tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        found = conn.execute("SELECT id, app_label, model FROM django_content_type").fetchall()
    return {pk: (app, model) for pk, app, model in found}


def lesson_cautions(db: Path) -> int:
    """Lesson bodies and lesson revisions that hold a callout in the courses' old "caution" tone."""
    with sqlite3.connect(db) as conn:
        pages = conn.execute("SELECT count(*) FROM courses_lessonpage WHERE body LIKE '%caution%'").fetchone()[0]
        revisions = conn.execute(
            "SELECT count(*) FROM wagtailcore_revision JOIN django_content_type AS ct ON ct.id = content_type_id"
            " WHERE ct.app_label = 'courses' AND ct.model = 'lessonpage' AND content LIKE '%caution%'"
        ).fetchone()[0]
    return pages + revisions


def run(args: list[str], db: Path) -> str:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "DJANGO_SETTINGS_MODULE": "config.test_settings"}
    done = subprocess.run(
        [sys.executable, *args], check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    db = tmp_path_factory.mktemp("house") / "before.sqlite3"
    with gzip.open(BEFORE, "rb") as source, db.open("wb") as target:
        shutil.copyfileobj(source, target)
    before_rows, before_types, before_cautions = rows(db, BEFORE_TABLES), content_types(db), lesson_cautions(db)
    run(["manage.py", "migrate", "--noinput"], db)
    return {
        "db": db,
        "before_rows": before_rows,
        "before_types": before_types,
        "before_cautions": before_cautions,
        "after_cautions": lesson_cautions(db),
        "after_rows": rows(db, AFTER_TABLES),
        "after_types": content_types(db),
        "facts": json.loads(run(["-m", "tests.config.layout_facts"], db)),
    }


def test_every_row_that_points_at_a_moved_model_comes_through_unchanged(migrated):
    before, after = migrated["before_rows"], migrated["after_rows"]

    assert before["orders"]
    assert before["entitlements"]
    assert before["workflow_states"]
    for name in IDENTITY_QUERIES:
        if name in GROWING:
            assert {tuple(row) for row in before[name]} <= {tuple(row) for row in after[name]}, name
        else:
            assert after[name] == before[name], name


def test_moved_content_types_keep_their_ids_under_the_new_app_label(migrated):
    before, after = migrated["before_types"], migrated["after_types"]

    for (old_app, model), new_app in MOVED.items():
        pk = next(pk for pk, label in before.items() if label == (old_app, model))
        assert after[pk] == (new_app, model)
    moved_ids = {pk for pk, label in before.items() if label in MOVED}
    assert {pk: label for pk, label in after.items() if pk in before and pk not in moved_ids} == {
        pk: label for pk, label in before.items() if pk not in moved_ids
    }


def test_the_old_tables_are_gone_and_the_migrations_are_recorded(migrated):
    with sqlite3.connect(migrated["db"]) as conn:
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        applied = set(conn.execute("SELECT app, name FROM django_migrations").fetchall())

    assert not tables & set(BEFORE_TABLES.values())
    assert set(AFTER_TABLES.values()) <= tables
    assert ("core", "0001_initial") in applied
    assert ("website", "0004_guide_and_legal_pages") in applied
    assert ("shop", "0001_squashed_0006_outbox_headers") in applied


def test_pages_revisions_workflow_and_permissions_work_after_the_move(migrated):
    facts = migrated["facts"]

    assert (facts["guide_pages"], facts["legal_pages"], facts["shop_index"]) == (3, 3, 1)
    assert {"GuidePage", "LegalPage", "ShopIndexPage", "ArticlePage", "CoursePage"} <= set(facts["specific_classes"])
    assert facts["draft_subtitle"] == "A draft subtitle nobody has published"
    assert facts["draft_pending"] is True
    assert facts["scheduled_page"] == ["GuidePage", True]
    assert facts["scheduled_subtitle"] == "A subtitle scheduled for next year"
    assert facts["workflow"] == ["in_progress", "LegalPage"]
    assert {"core.change_authorprofile", "website.change_guidepage"} <= set(facts["editors_permissions"])


def test_the_purchase_still_gives_access(migrated):
    facts = migrated["facts"]

    assert facts["buyer_products"] == ["stretching-guide"]
    assert facts["entitlement"] == [["active", "paid"]]


def test_search_and_the_reference_index_find_the_moved_pages(migrated):
    facts = migrated["facts"]

    assert "GuidePage" in facts["search_iliopsoas"]
    assert "stretching-guide" in facts["search_guides"]
    assert "refund-policy" in facts["search_terms"]
    assert {"website.guidepage", "website.articlepage", "courses.coursepage"} <= set(facts["references_to_author"])
    assert "website.guidepage" in facts["references_to_product"]


def test_lessons_callouts_join_the_one_callout_block_in_pages_and_revisions(migrated):
    assert migrated["before_cautions"] > 0
    assert migrated["after_cautions"] == 0
    assert migrated["facts"]["callout_tones"] == ["warning"]
    assert migrated["facts"]["revision_callout_tones"] == ["warning"]
