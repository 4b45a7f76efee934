"""The release identity (core/release.py) and the page cache keyed by it: a deploy never serves old renders."""

import pytest
from django.test import Client

from core import release
from tests.website import conftest as website_fixtures

ARTICLE = "/articles/hip-flexor-stretches/"
site_tree = website_fixtures.site_tree


@pytest.fixture
def project(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text("<h1>{{ title }}</h1>")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "views.py").write_text("def view(): ...\n")
    return [tmp_path / "app", tmp_path / "templates"]


def test_a_changed_template_or_module_is_a_new_release(project):
    before = release.code_identity(roots=project, packages=["wagtail==8.0"])

    (project[1] / "page.html").write_text("<h2>{{ title }}</h2>")
    after_template = release.code_identity(roots=project, packages=["wagtail==8.0"])
    (project[0] / "views.py").write_text("def view(): return 1\n")
    after_code = release.code_identity(roots=project, packages=["wagtail==8.0"])
    upgraded = release.code_identity(roots=project, packages=["wagtail==8.1"])

    assert len({before, after_template, after_code, upgraded}) == 4


def test_compiled_files_and_hidden_files_are_not_the_release(project):
    before = release.code_identity(roots=project)

    (project[0] / "__pycache__").mkdir()
    (project[0] / "__pycache__" / "views.cpython-313.pyc").write_bytes(b"\x00compiled")
    (project[0] / ".DS_Store").write_bytes(b"finder")

    assert release.code_identity(roots=project) == before


def test_without_release_set_the_identity_is_the_installed_code(settings):
    settings.RELEASE = ""

    assert release.identity() == release.installed_code_identity()
    assert release.project_roots()  # the project's own apps and templates are hashed
    settings.RELEASE = "abc123"
    assert release.identity() == "abc123"


def test_a_new_release_renders_afresh_and_never_serves_the_old_releases_entry(settings, site_tree):
    settings.PAGE_CACHE_ENABLED = True
    settings.RELEASE = "release-one"
    old = Client()
    assert [old.get(ARTICLE)["X-Page-Cache"] for _ in range(2)] == ["miss", "hit"]

    settings.RELEASE = "release-two"
    new = Client()  # a worker of the new release: the middleware reads the release when it loads

    assert new.get(ARTICLE)["X-Page-Cache"] == "miss"
    assert new.get(ARTICLE)["X-Page-Cache"] == "hit"
    assert old.get(ARTICLE)["X-Page-Cache"] == "hit"  # an old worker still running keeps its own entries
