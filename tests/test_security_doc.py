"""docs/security.md names the tests that prove each fix: every one it names must exist."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CITATION = re.compile(r"`((?:tests/[\w/]+\.py)?(?:::\w+)?)(?:\[[^\]]*\])?`")


def cited_tests(text: str) -> list[tuple[str, str | None]]:
    """(file, test name or None) for each citation; `::name` alone belongs to the file cited before it."""
    cited, current = [], None
    for match in CITATION.finditer(text):
        path, _, name = match.group(1).partition("::")
        if path:
            current = path
        elif current is None:
            continue
        if path or name:
            cited.append((current, name or None))
    return cited


def missing_tests(text: str, root: Path) -> list[str]:
    missing = []
    for path, name in cited_tests(text):
        file = root / path
        if not file.is_file():
            missing.append(path)
        elif name and not re.search(rf"^def {name}\(", file.read_text(), re.MULTILINE):
            missing.append(f"{path}::{name}")
    return missing


def test_every_test_the_security_page_names_exists():
    text = (ROOT / "docs" / "security.md").read_text()

    assert len(cited_tests(text)) > 50
    assert missing_tests(text, ROOT) == []


def test_a_renamed_or_missing_test_is_reported(tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_a.py").write_text("def test_here():\n    pass\n")
    text = "`tests/test_a.py::test_here`, `::test_gone`; `tests/test_b.py::test_x`"

    assert missing_tests(text, tmp_path) == ["tests/test_a.py::test_gone", "tests/test_b.py"]
