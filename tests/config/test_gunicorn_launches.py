"""Every gunicorn this project starts (bin/serve, CI scripts, tests) stays off gunicorn's default control socket.

The default socket path is one per user, so two servers on a machine (parallel tests, CI legs, `make run`
beside a test run) would take it from each other.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _command_at(path: Path, start: int) -> str:
    """The gunicorn command that starts at `start`: up to the end of the shell line or the Python list."""
    text = path.read_text(errors="replace").replace("\\\n", " ")
    rest = text[start:]
    end = rest.find("]") if path.suffix == ".py" else rest.find("\n")
    return rest if end < 0 else rest[:end]


def test_every_gunicorn_launch_disables_the_shared_control_socket():
    commands = {}
    for path in [*(ROOT / "bin").iterdir(), *(ROOT / ".ci").iterdir(), *ROOT.glob("tests/**/*.py")]:
        if path == Path(__file__).resolve():
            continue
        text = path.read_text(errors="replace").replace("\\\n", " ")
        for match in re.finditer(r"gunicorn", text):
            command = _command_at(path, match.start())
            if "config.wsgi" in command[:200]:
                commands.setdefault(path.relative_to(ROOT).as_posix(), []).append(command)

    assert {"bin/serve", ".ci/schemathesis", "tests/e2e/conftest.py", "tests/e2e/test_static_files.py"} <= set(commands)
    # A launch with the project's configuration file is off the socket too: the file says so.
    assert "control_socket_disable = True" in (ROOT / "config" / "gunicorn.conf.py").read_text()
    assert {
        path: command
        for path, found in commands.items()
        for command in found
        if "control-socket" not in command and "config/gunicorn.conf.py" not in command
    } == {}
