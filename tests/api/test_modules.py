"""The API's modules keep their shape: v2 field modules reach no model, router modules are plain and short."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIELD_MODULES = ["config.api.fields", "courses.api_fields", "shop.api_fields"]
ROUTER_MODULES = ["website.api", "courses.api", "shop.api"]
MAX_FUNCTION_LINES = 60
ROOMS = {"config", "core", "courses", "shop", "website"}


def _path(module: str) -> Path:
    return ROOT / (module.replace(".", "/") + ".py")


def _source(module: str) -> str:
    return _path(module).read_text()


def _project_imports(source: str, *, top_level_only: bool = False) -> set[str]:
    """The project's own modules a source imports ("from shop import x" names shop.x too): anywhere in it, or
    only those its import runs (module level, not under `if TYPE_CHECKING`)."""
    tree = ast.parse(source)
    found = set()
    for node in tree.body if top_level_only else ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name.split(".")[0] in ROOMS and _path(name).exists()}


def reachable(module: str) -> set[str]:
    """Every project module importing `module` loads: its own imports anywhere in it, and what the project
    modules it imports load at import time (courses.access, say, reads models only when it is asked)."""
    seen = _project_imports(_source(module))
    todo = list(seen)
    while todo:
        current = todo.pop()
        for name in _project_imports(_source(current), top_level_only=True) - seen:
            seen.add(name)
            todo.append(name)
    return seen


def long_functions(source: str, *, limit: int = MAX_FUNCTION_LINES) -> list[str]:
    return [
        f"{node.name}: {node.end_lineno - node.lineno + 1} lines"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno - node.lineno + 1 > limit
    ]


def imports_in_functions(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found += [
                f"{node.name}: line {inner.lineno}"
                for inner in ast.walk(node)
                if isinstance(inner, ast.Import | ast.ImportFrom)
            ]
    return found


@pytest.mark.parametrize("module", FIELD_MODULES)
def test_v2_field_modules_reach_no_model_and_no_router(module):
    reached = reachable(module)

    assert [name for name in reached if name.endswith(".models")] == []
    assert [name for name in reached if name in ROUTER_MODULES or name == "config.api.root"] == []


@pytest.mark.parametrize("module", FIELD_MODULES)
def test_v2_field_modules_import_without_the_app_registry(module):
    # A fresh interpreter with settings but without django.setup(): importing a model here would raise
    # AppRegistryNotReady, which is exactly the cycle the split removes.
    code = (
        "import os, sys; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.test_settings'; "
        f"import {module}; "
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in {'core', 'courses', 'shop', 'website'}); "
        "print(','.join(loaded))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)

    assert done.returncode == 0, done.stderr
    assert [name for name in done.stdout.strip().split(",") if name.endswith((".models", ".api"))] == []


@pytest.mark.parametrize("module", ROUTER_MODULES)
def test_router_modules_have_no_long_functions(module):
    assert long_functions(_source(module)) == []


@pytest.mark.parametrize("module", ROUTER_MODULES)
def test_router_modules_import_at_the_top(module):
    assert imports_in_functions(_source(module)) == []


def test_the_checks_catch_what_they_are_for():
    body = "\n".join(f"    x = {n}" for n in range(MAX_FUNCTION_LINES))
    source = f"def build_router():\n    from shop.models import Product\n{body}\n"

    assert long_functions(source) == [f"build_router: {MAX_FUNCTION_LINES + 2} lines"]
    assert imports_in_functions(source) == ["build_router: line 2"]
    assert "shop.models" in _project_imports(source)
