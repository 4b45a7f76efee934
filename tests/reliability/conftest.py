"""The reliability suite (`make reliability`): scenarios against real processes, one figure line each.

Each scenario starts gunicorn (`start_live_site`, the same machinery as tests/e2e) and, where payments are
involved, the fake Stripe server, then drives traffic, crashes or hostile input at it and counts what
came out: orders, entitlements, receipts, responses of 500 and above, canary bytes. It reports its
figure through `figures`:

    figures.check("duplicate storm", "1 paid order, 1 entitlement, 1 receipt, 0 responses >= 500", ok=...)
    figures.report("load p95", "article 41 ms, lesson 55 ms")   # timings: reported, never asserted

`check` fails the test when `ok` is false; `report` never does. At the end the run prints one line per
scenario, and a full run of the whole directory (RELIABILITY_SCALE=full, no file, -k or -m chosen) writes them
into docs/reliability.md under the database's own heading, with the date and the command.

RELIABILITY_SCALE=ci runs every scenario with fewer rounds (`rounds(full=20, ci=4)`), for `.ci/run`.
"""

import os
import shlex
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings

from tests.e2e.conftest import ROOT, shared_cache, start_live_site  # noqa: F401 (fixtures)
from tests.fakestripe.server import FakeStripe

SCALE = os.environ.get("RELIABILITY_SCALE", "full")
DOCS = ROOT / "docs" / "reliability.md"
WEBHOOK_SECRET = "whsec_reliability"
STRIPE_KEY = "sk_test_reliability"


def rounds(*, full: int, ci: int) -> int:
    """How many rounds a scenario runs: the full count, or the smaller one CI can afford."""
    return ci if SCALE == "ci" else full


@dataclass
class Figure:
    scenario: str
    text: str
    ok: bool | None  # None: a timing, reported and never asserted


@dataclass
class Figures:
    lines: list[Figure] = field(default_factory=list)

    def check(self, scenario: str, text: str, *, ok: bool) -> None:
        self.lines.append(Figure(scenario, text, ok))
        assert ok, f"{scenario}: {text}"

    def report(self, scenario: str, text: str) -> None:
        self.lines.append(Figure(scenario, text, None))


_FIGURES = Figures()


@pytest.fixture
def figures() -> Figures:
    return _FIGURES


def pytest_collection_modifyitems(config, items):
    """As in tests/e2e: a file copy of the migrated database per test on SQLite, transactional on PostgreSQL."""
    sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    marker = pytest.mark.django_db if sqlite else pytest.mark.django_db(transaction=True, serialized_rollback=True)
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(marker)
            item.add_marker(pytest.mark.indexing)


@pytest.fixture
def live_db(file_db):
    """The database this test and its servers share, as the servers' DATABASE_URL."""
    return file_db


@pytest.fixture
def fake_stripe(settings):
    """The fake Stripe server in this process; every server started by `start_live_site` talks to it."""
    fake = FakeStripe(secret_key=STRIPE_KEY)
    settings.STRIPE_API_BASE = fake.start()
    settings.STRIPE_SECRET_KEY = STRIPE_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.SHOP_DEMO = False
    yield fake
    fake.stop()


def _line(figure: Figure) -> str:
    verdict = {True: "PASS", False: "FAIL", None: "    "}[figure.ok]
    return f"{verdict} {figure.scenario}: {figure.text}"


_STARTED = time.monotonic()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not _FIGURES.lines:
        return
    vendor = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    terminalreporter.section(f"reliability figures ({vendor}, scale {SCALE})")
    for figure in _FIGURES.lines:
        terminalreporter.write_line(_line(figure))
    whole_suite = all(Path(arg.split("::")[0]).resolve() == Path(__file__).parent for arg in config.args)
    if SCALE == "full" and whole_suite and not config.option.keyword and not config.option.markexpr:
        _write_docs(vendor, exitstatus)


def _write_docs(vendor: str, exitstatus) -> None:
    """Replace this database's section of docs/reliability.md with this run's figures."""
    start, end = f"<!-- figures:{vendor}:start -->", f"<!-- figures:{vendor}:end -->"
    command = " ".join(shlex.quote(arg) for arg in ["pytest", *sys.argv[1:]])
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    outcome = "passed" if exitstatus == 0 else "FAILED"
    minutes, seconds = divmod(round(time.monotonic() - _STARTED), 60)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    body = "\n".join(
        [
            start,
            f"Run {when}, {outcome}, in {minutes} min {seconds:02d} s (load average at the end {load}; "
            f"{os.cpu_count()} cores): `DATABASE={vendor} {command}` (scale {SCALE}).",
            "",
            "```",
            *(_line(figure) for figure in _FIGURES.lines),
            "```",
            end,
        ]
    )
    text = DOCS.read_text() if DOCS.exists() else ""
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + body + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + f"\n\n## {vendor}\n\n{body}\n"
    DOCS.write_text(text)
