"""Processes the outside-in suites start (gunicorn, moto, schedulers): wait until one serves, and stop them."""

import signal
import subprocess
import time

import pytest
import requests


def wait_until_serving(process: subprocess.Popen, url: str, *, seconds: float, log) -> None:
    """Poll `url` until it answers at all; fail the test with the server's log if it exits or stays silent."""
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            pytest.fail(f"{url} exited at start:\n{log()}")
        try:
            requests.get(url, timeout=10)
            return
        except requests.RequestException:
            if time.monotonic() > deadline:
                pytest.fail(f"{url} did not answer within {seconds:.0f} seconds:\n{log()}")
            time.sleep(0.1)


def stop(processes, *, timeout: float = 30) -> None:
    """SIGTERM every process still running, then wait for each; kill one that outstays `timeout`."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
