"""The house's floors hold: no room reaches up, by any kind of reference.

core (bottom) ← shop ← courses ← website (top); config wires them together and only its plumbing modules
(those that import no room) may be used from a room. A room may name what is on its own floor or below;
every kind of reference counts: Python imports, string model references ("website.X", get_model), migration
dependencies, templates that load another room's tags or include its templates, and reflection
(`_meta.related_objects`, matching class names). The checks are plain functions so the tests below can
prove each one catches a synthetic offender.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FLOORS = {"core": 0, "shop": 1, "courses": 2, "website": 3, "audience": 4, "newsletter": 4}
# config modules any room may import: the API's error shape, field types and authentication, no room inside.
CONFIG_PLUMBING = {"config.api.errors", "config.api.fields", "config.api.security", "config.api.types"}
TEMPLATE_TAG = re.compile(r"{%\s*load\s+([^%]+?)\s*%}")
TEMPLATE_NAME = re.compile(r"{%\s*(?:extends|include)\s+[\"']([^\"']+)[\"']")
MODEL_STRING = re.compile(r"^(?P<room>core|shop|courses|website|audience|newsletter)\.(?P<name>[A-Za-z_]\w*)$")
MIGRATION_NAME = re.compile(r"^\d{4}_\w+$")


def _room_of(module: str) -> str | None:
    top = module.split(".", 1)[0]
    return top if top in FLOORS else None


def _above(own: str, other: str | None) -> bool:
    return other in FLOORS and FLOORS[other] > FLOORS[own]


def imports_reaching_up(room: str, source: str) -> list[str]:
    """Imports of a room above `room`, or of config modules that are not plumbing."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for module in modules:
            if _above(room, _room_of(module)):
                found.append(f"line {node.lineno}: imports {module}")
        if modules and modules[0].split(".")[0] == "config":
            named = set(modules)
            if not named & CONFIG_PLUMBING:
                found.append(f"line {node.lineno}: imports {modules[0]} (config wires the rooms; only its plumbing)")
    return found


def strings_reaching_up(room: str, source: str) -> list[str]:
    """String references to a room above: "website.AuthorProfile", apps.get_model("website", ...),
    and migration dependencies such as ("website", "0001_initial")."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = MODEL_STRING.match(node.value)
            if match and _above(room, match["room"]):
                found.append(f"line {node.lineno}: names {node.value!r}")
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "get_model" and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str) and _above(room, first.value):
                found.append(f"line {node.lineno}: get_model({first.value!r}, …)")
        elif isinstance(node, ast.Tuple) and len(node.elts) == 2:
            app, name = node.elts
            if (
                isinstance(app, ast.Constant)
                and isinstance(name, ast.Constant)
                and isinstance(app.value, str)
                and isinstance(name.value, str)
                and MIGRATION_NAME.match(name.value)
                and app.value in FLOORS
                and _above(room, app.value)
            ):
                found.append(f"line {node.lineno}: depends on migration {app.value}.{name.value}")
    return found


def reflection(source: str) -> list[str]:
    """Finding other rooms' models by reflection: `_meta.related_objects`, or matching a class's name."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "related_objects":
            found.append(f"line {node.lineno}: walks _meta.related_objects")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"startswith", "endswith"}
            and isinstance(node.func.value, ast.Attribute)
            and node.func.value.attr == "__name__"
        ):
            found.append(f"line {node.lineno}: matches a class name")
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(isinstance(side, ast.Attribute) and side.attr == "__name__" for side in sides):
                found.append(f"line {node.lineno}: compares a class name")
    return found


def tag_libraries() -> dict[str, str]:
    """Template tag library name → the room that defines it."""
    return {
        path.stem: room
        for room in FLOORS
        for path in (ROOT / room).glob("templatetags/*.py")
        if path.stem != "__init__"
    }


def templates_reaching_up(room: str, source: str, libraries: dict[str, str]) -> list[str]:
    found = []
    for match in TEMPLATE_TAG.finditer(source):
        names = match.group(1).split()
        if "from" in names:  # {% load tag from library %}
            names = names[names.index("from") + 1 :]
        for name in names:
            if _above(room, libraries.get(name)):
                found.append(f"loads {name} ({libraries[name]})")
    for match in TEMPLATE_NAME.finditer(source):
        other = match.group(1).split("/", 1)[0]
        if other in FLOORS and _above(room, other):
            found.append(f"uses the template {match.group(1)}")
    return found


def python_files():
    for room in FLOORS:
        for path in sorted((ROOT / room).rglob("*.py")):
            yield room, path


def test_no_room_imports_a_room_above_it():
    offences = {
        str(path.relative_to(ROOT)): found
        for room, path in python_files()
        if (found := imports_reaching_up(room, path.read_text()))
    }

    assert offences == {}


def test_no_room_names_a_model_or_migration_of_a_room_above_it():
    offences = {
        str(path.relative_to(ROOT)): found
        for room, path in python_files()
        if (found := strings_reaching_up(room, path.read_text()))
    }

    assert offences == {}


def test_no_room_finds_models_by_reflection():
    offences = {
        str(path.relative_to(ROOT)): found
        for room, path in python_files()
        if "migrations" not in path.parts and (found := reflection(path.read_text()))
    }

    assert offences == {}


def test_no_room_template_loads_tags_or_templates_of_a_room_above_it():
    libraries = tag_libraries()
    offences = {
        str(path.relative_to(ROOT)): found
        for room in FLOORS
        for path in sorted((ROOT / "templates" / room).rglob("*"))
        if path.is_file() and (found := templates_reaching_up(room, path.read_text(), libraries))
    }

    assert libraries == {"website_tags": "website"}
    assert offences == {}


def test_config_plumbing_imports_no_room():
    for module in sorted(CONFIG_PLUMBING):
        source = (ROOT / (module.replace(".", "/") + ".py")).read_text()
        imported = [node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Import | ast.ImportFrom)]
        names = [alias.name for node in imported if isinstance(node, ast.Import) for alias in node.names]
        names += [node.module for node in imported if isinstance(node, ast.ImportFrom) and node.module]

        assert [name for name in names if _room_of(name)] == [], module


# --- The checks catch what they are for --------------------------------------------------------------


@pytest.mark.parametrize(
    ("room", "source"),
    [
        ("shop", "from website.models import GuidePage\n"),
        ("shop", "import courses.access\n"),
        ("core", "def f():\n    from shop import entitlements\n"),
        ("courses", "from website import seo\n"),
        ("shop", "from config.urls import urlpatterns\n"),
    ],
)
def test_an_import_up_a_floor_is_caught(room, source):
    assert imports_reaching_up(room, source)


@pytest.mark.parametrize(
    ("room", "source"),
    [
        ("website", "from courses import access\nfrom shop.models import Product\nfrom core import seo\n"),
        ("shop", "from core import accounts, outbox\nfrom config.api.errors import ApiError\n"),
        ("core", "from django.db import models\n"),
    ],
)
def test_imports_down_a_floor_pass(room, source):
    assert imports_reaching_up(room, source) == []


@pytest.mark.parametrize(
    ("room", "source"),
    [
        ("shop", 'author = models.ForeignKey("website.AuthorProfile", on_delete=models.SET_NULL)\n'),
        ("courses", 'parent_page_types = ["website.HomePage"]\n'),
        ("courses", 'home_model = apps.get_model("website", "HomePage")\n'),
        ("shop", "dependencies = [('shop', '0002_order'), ('website', '0002_topics')]\n"),
        ("core", "field = models.ForeignKey(to='shop.product', on_delete=models.CASCADE)\n"),
    ],
)
def test_a_string_reference_up_a_floor_is_caught(room, source):
    assert strings_reaching_up(room, source)


def test_string_references_down_a_floor_pass():
    source = 'subpage_types = ["courses.CourseIndexPage", "website.GuidePage"]\ndeps = [("shop", "0001_initial")]\n'

    assert strings_reaching_up("website", source) == []


@pytest.mark.parametrize(
    "source",
    [
        "for relation in Product._meta.related_objects:\n    pass\n",
        'if block.__class__.__name__.startswith("ProductPromo"):\n    pass\n',
        'found = [m for m in models if m.__name__ == "GuidePage"]\n',
    ],
)
def test_reflection_is_caught(source):
    assert reflection(source)


def test_a_template_loading_tags_or_templates_from_above_is_caught():
    libraries = {"website_tags": "website", "core_tags": "core"}

    assert templates_reaching_up("shop", "{% load static website_tags %}", libraries)
    assert templates_reaching_up("courses", "{% load page_meta from website_tags %}", libraries)
    assert templates_reaching_up("shop", '{% include "website/blocks/callout.html" %}', libraries)
    assert templates_reaching_up("website", '{% load core_tags %}{% include "shop/_downloads.html" %}', libraries) == []
