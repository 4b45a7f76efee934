"""config/gunicorn.conf.py: the address comes from HOST and PORT, and no shared control socket is made."""

import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parents[2] / "config" / "gunicorn.conf.py"


def test_the_config_binds_where_host_and_port_say_and_disables_the_control_socket(monkeypatch):
    monkeypatch.setenv("HOST", "127.0.0.2")
    monkeypatch.setenv("PORT", "8765")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")

    conf = runpy.run_path(str(CONF))

    assert conf["bind"] == ["127.0.0.2:8765"]
    assert conf["workers"] == 3
    assert conf["control_socket_disable"] is True
    assert conf["preload_app"] is True
    assert conf["max_requests"] > 0
