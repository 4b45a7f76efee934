"""docs/deploy.md and the Procfile list the same processes with the same commands."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def procfile_lines() -> list[str]:
    return [line for line in (ROOT / "Procfile").read_text().splitlines() if line.strip()]


def documented_processes() -> list[str]:
    """The commands in the Processes table of docs/deploy.md, as `name: command`."""
    return re.findall(r"^\| \w+ \| `(\w+: [^`]+)` \|", (ROOT / "docs" / "deploy.md").read_text(), re.MULTILINE)


def test_the_procfile_runs_what_the_deploy_guide_documents():
    assert documented_processes() == procfile_lines()
    assert [line.split(":")[0] for line in procfile_lines()] == ["release", "web", "worker", "scheduler"]


def test_every_procfile_command_names_a_real_entry_point():
    commands = {line.split(":", 1)[0]: line.split(":", 1)[1].split() for line in procfile_lines()}

    # The web process loads the shared gunicorn configuration (which also turns off the shared control socket).
    assert commands["web"][:4] == ["gunicorn", "config.wsgi", "--config", "config/gunicorn.conf.py"]
    for name in ("release", "worker", "scheduler"):
        assert commands[name][:2] == ["python", "manage.py"]
    assert (ROOT / "config" / "management" / "commands" / "scheduler.py").is_file()


def test_the_object_storage_section_names_the_variables_settings_read_and_the_scale_out_test_sets():
    doc = (ROOT / "docs" / "deploy.md").read_text()
    section = doc.split("## Object storage\n", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`(S3_[A-Z_]+)`", section))
    read = set(re.findall(r'env\.\w+\("(S3_[A-Z_]+)"', (ROOT / "config" / "settings.py").read_text()))
    assert documented == read

    from config.object_storage import ObjectStore
    from tests.objectstore import store_env

    assert set(store_env(ObjectStore(bucket="b"))) <= documented
    assert "AWS_STORAGE_BUCKET_NAME" not in doc
