"""The webhook scenario's sender (bench/run.py): Stripe-style deliveries of distinct events at N connections.

Each of the connections is a thread with its own HTTP connection taking the next event from a shared list, so every
event is sent once. Each is signed the moment it is sent, as Stripe signs (`t=<now>,v1=HMAC-SHA256(secret,
"<t>.<body>")`), so the site's verification (the Stripe SDK) runs in full and no signature goes stale however long
the run. wrk cannot do this: its Lua has no HMAC, and a replayed request is not a distinct event.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit


def signature(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


@dataclass
class Delivery:
    """What one run sent and got back."""

    accepted: list[str] = field(default_factory=list)  # event ids answered 200 with the expected result
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    taken: int = 0  # events taken from the list, answered or not
    seconds: float = 0.0
    exhausted: bool = False

    def summary(self) -> dict:
        ordered = sorted(self.latencies_ms)

        def percentile(p: float) -> float:
            return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 3) if ordered else 0.0

        return {
            "rps": round(len(self.accepted) / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": percentile(0.50),
            "p99_ms": percentile(0.99),
            "requests": len(self.latencies_ms),
            "errors": len(self.errors),
            "events_ran_out": self.exhausted,
        }


def deliver(
    url: str, events: list[dict], *, secret: str, seconds: float, connections: int, expect: str = "applied"
) -> Delivery:
    """POST events ({"id", "payload"}) to `url` until they run out or `seconds` pass; answers other than 200 with
    `{"result": expect}` are errors (the first few kept for the report)."""
    target = urlsplit(url)
    result = Delivery()
    lock = threading.Lock()
    position = iter(range(len(events)))
    deadline = time.monotonic() + seconds

    def next_event() -> dict | None:
        with lock:
            index = next(position, None)
            if index is None:
                result.exhausted = True
                return None
            result.taken += 1
        return events[index]

    def sender() -> None:
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
        try:
            while time.monotonic() < deadline:
                event = next_event()
                if event is None:
                    return
                body = event["payload"].encode()
                headers = {"Content-Type": "application/json", "Stripe-Signature": signature(body, secret)}
                started = time.perf_counter()
                try:
                    connection.request("POST", target.path, body=body, headers=headers)
                    response = connection.getresponse()
                    answer = response.read()
                except (OSError, http.client.HTTPException) as error:
                    connection.close()
                    with lock:
                        result.errors.append(f"{event['id']}: {error!r}")
                    continue
                elapsed = (time.perf_counter() - started) * 1000
                ok = response.status == 200 and _result(answer) == expect
                with lock:
                    result.latencies_ms.append(elapsed)
                    if ok:
                        result.accepted.append(event["id"])
                    else:
                        result.errors.append(f"{event['id']}: {response.status} {answer[:200]!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=sender, daemon=True) for _ in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - started
    return result


def _result(answer: bytes) -> str:
    try:
        return str(json.loads(answer).get("result", ""))
    except (ValueError, AttributeError):
        return ""
