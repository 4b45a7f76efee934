"""The identity of the running release, which the page cache keys its entries by (core.pagecache).

A deploy changes code, templates, static files or packages without any editor saving anything, so nothing purges:
keyed by the release, the new release's workers never read what the old one rendered. `RELEASE` (a git revision,
a build number) names it when the deploy sets it; otherwise it is a hash of the project's own files and the
installed packages' versions, computed once per process when the middleware loads (in gunicorn's master, with
preload_app).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import sys
from collections.abc import Iterable
from pathlib import Path

from django.apps import apps
from django.conf import settings

SKIPPED_PARTS = {"__pycache__", "node_modules"}
SKIPPED_SUFFIXES = {".pyc", ".pyo"}


def identity() -> str:
    """RELEASE when the deploy names it, else the hash of the installed code (see code_identity)."""
    return settings.RELEASE or installed_code_identity()


@functools.cache
def installed_code_identity() -> str:
    return code_identity(roots=project_roots(), packages=installed_packages())


def project_roots() -> list[Path]:
    """What renders pages and is ours: each app inside the project, the templates and static folders."""
    base = Path(settings.BASE_DIR).resolve()
    # Installed packages count by their versions (below), not their files, wherever the environment lives.
    environment = Path(sys.prefix).resolve()
    roots = {Path(config.path).resolve() for config in apps.get_app_configs()}
    roots = {root for root in roots if root.is_relative_to(base) and not root.is_relative_to(environment)}
    for template in settings.TEMPLATES:
        roots.update(Path(folder).resolve() for folder in template.get("DIRS", ()))
    roots.update(Path(folder).resolve() for folder in getattr(settings, "STATICFILES_DIRS", ()))
    return sorted(roots)


def installed_packages() -> list[str]:
    """name==version of every installed distribution: a Wagtail upgrade renders differently too."""
    found = {f"{dist.metadata['Name']}=={dist.version}" for dist in importlib.metadata.distributions()}
    return sorted(found)


def code_identity(*, roots: Iterable[Path], packages: Iterable[str] = ()) -> str:
    """A short hash of every file's path and bytes under `roots` and of `packages`."""
    digest = hashlib.blake2b(digest_size=8)
    for root in roots:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root)
            hidden = any(part.startswith(".") for part in relative.parts)
            if hidden or not path.is_file() or SKIPPED_PARTS & set(relative.parts) or path.suffix in SKIPPED_SUFFIXES:
                continue
            digest.update(f"{root.name}/{relative.as_posix()}\0".encode())
            digest.update(path.read_bytes())
            digest.update(b"\0")
    for package in packages:
        digest.update(f"{package}\n".encode())
    return digest.hexdigest()
