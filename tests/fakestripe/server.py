"""A stateful Stripe-compatible HTTP server on loopback for the tests (sessions, intents, charges, refunds,
disputes, events, idempotency replay and fault injection), answering with Stripe's published object shapes."""

import contextlib
import copy
import itertools
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

SHAPES = json.loads((Path(__file__).with_name("shapes.json")).read_text())


def shape(name: str) -> dict:
    """A fresh copy of Stripe's example object of this kind."""
    return copy.deepcopy(SHAPES[name])


def parse_form(pairs: list[tuple[str, str]]) -> dict:
    """Stripe's form encoding (`a[b][0][c]=v`) back into nested dicts and lists."""
    root: dict = {}
    for key, value in pairs:
        parts = key.replace("]", "").split("[")
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value

    def listify(node):
        if isinstance(node, dict):
            node = {k: listify(v) for k, v in node.items()}
            if node and all(k.isdigit() for k in node):
                return [node[k] for k in sorted(node, key=int)]
        return node

    return listify(root)


class StripeFaultError(Exception):
    def __init__(self, status: int, error_type: str, message: str, code: str = ""):
        super().__init__(message)
        self.status, self.error_type, self.message, self.code = status, error_type, message, code

    def body(self) -> dict:
        error = {"type": self.error_type, "message": self.message}
        if self.code:
            error["code"] = self.code
        return {"error": error}


class FakeStripe:
    """Stripe's state for one test, with helpers that play the customer's and the bank's part."""

    def __init__(self, *, secret_key: str = "sk_test_fake"):  # noqa: S107
        self.secret_key = secret_key
        self.sessions: dict[str, dict] = {}
        self.intents: dict[str, dict] = {}
        self.charges: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.disputes: dict[str, dict] = {}
        self.events: list[dict] = []
        self.requests: list[tuple[str, str, dict, str]] = []
        self.faults: list[dict] = []
        self._idempotent: dict[str, tuple[str, int, dict]] = {}
        self._intent_metadata: dict[str, dict] = {}
        self._ids = itertools.count(1)
        self._clock = itertools.count()
        self.lock = threading.RLock()
        self.server: ThreadingHTTPServer | None = None
        self._connections: set = set()

    # --- lifecycle -------------------------------------------------------------------------------

    def start(self) -> str:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Small JSON answers: without this each reply waits ~40 ms for the client's delayed ACK.
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def setup(self):
                super().setup()
                with fake.lock:
                    fake._connections.add(self.connection)

            def finish(self):
                with fake.lock:
                    fake._connections.discard(self.connection)
                with contextlib.suppress(OSError):  # the client hung up first (it timed out on a slow answer)
                    super().finish()

            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

            def _serve(self, method):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                url = urlsplit(self.path)
                transport = fake._transport_fault(method, url.path, self.headers.get("Idempotency-Key", ""))
                if transport is not None and transport["kind"] == "disconnect":
                    # Hang up without an answer: the client sees the connection drop mid-request.
                    self.close_connection = True
                    return
                if transport is not None:
                    # Slow, not broken: the request runs after the pause (a client that gave up never sees it).
                    time.sleep(transport["seconds"])
                query = url.query if method == "GET" else body
                params = parse_form(parse_qsl(query, keep_blank_values=True))
                status, payload = fake.handle(
                    method=method,
                    path=url.path,
                    params=params,
                    authorization=self.headers.get("Authorization", ""),
                    idempotency_key=self.headers.get("Idempotency-Key", ""),
                )
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", f"req_{next(fake._ids)}")
                try:
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    # The client gave up waiting (a delay fault): the request ran, nobody hears the answer.
                    self.close_connection = True

        self._handler = Handler
        return self._serve(port=0)

    def _serve(self, *, port: int) -> str:
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler)
        self.server.daemon_threads = True
        # A short poll so that stop() returns at once instead of after the default half second.
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def refuse_connections(self) -> None:
        """Stop listening, so that connecting is refused (Stripe unreachable); `accept_connections` undoes it."""
        self._port = self.server.server_address[1]
        self.stop()
        with self.lock:
            # Kept-alive connections would still be answered: cut them too, as a dead Stripe would.
            for connection in list(self._connections):
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)

    def accept_connections(self) -> None:
        """Listen again on the same port (the clients keep their base address)."""
        self._serve(port=self._port)

    # --- fault injection -------------------------------------------------------------------------

    def fail(self, method: str, path_prefix: str, *, status: int = 500, times: int = 1) -> None:
        """Answer the next `times` matching requests with an error.

        500 and above: api_error (kept against the idempotency key and replayed, as Stripe does); 429:
        rate_limit_error (turned away before running, so not kept); other statuses: invalid request.
        """
        self.faults.append({"kind": "error", "method": method, "prefix": path_prefix, "status": status, "times": times})

    def delay(self, method: str, path_prefix: str, *, seconds: float, times: int = 1) -> None:
        """Run the next `times` matching requests only after `seconds`: a client with a shorter timeout gives up
        while the request still happens (a session is created, a refund made), as on a slow Stripe."""
        self.faults.append(
            {"kind": "delay", "method": method, "prefix": path_prefix, "seconds": seconds, "times": times}
        )

    def disconnect(self, method: str, path_prefix: str, *, times: int = 1) -> None:
        """Hang up on the next `times` matching requests without running them or answering."""
        self.faults.append({"kind": "disconnect", "method": method, "prefix": path_prefix, "times": times})

    def _take_fault(self, method: str, path: str, kinds: tuple[str, ...]) -> dict | None:
        with self.lock:
            for fault in self.faults:
                matches = fault["method"] == method and path.startswith(fault["prefix"])
                if fault["kind"] in kinds and fault["times"] > 0 and matches:
                    fault["times"] -= 1
                    return fault
        return None

    def _transport_fault(self, method: str, path: str, idempotency_key: str) -> dict | None:
        fault = self._take_fault(method, path, ("delay", "disconnect"))
        if fault is not None and fault["kind"] == "disconnect":
            # Logged (a delayed request is logged when it runs) so tests see which key each try sent.
            with self.lock:
                self.requests.append((method, path, {"fault": "disconnect"}, idempotency_key))
        return fault

    def _fault_for(self, method: str, path: str) -> StripeFaultError | None:
        fault = self._take_fault(method, path, ("error",))
        if fault is None:
            return None
        if fault["status"] >= 500:
            return StripeFaultError(fault["status"], "api_error", "Something went wrong on Stripe's end.")
        if fault["status"] == 429:
            return StripeFaultError(429, "rate_limit_error", "Too many requests hit the API too quickly.")
        return StripeFaultError(fault["status"], "invalid_request_error", "Injected request error.")

    # --- HTTP ------------------------------------------------------------------------------------

    def handle(self, *, method, path, params, authorization, idempotency_key):
        with self.lock:
            self.requests.append((method, path, params, idempotency_key))
            if authorization != f"Bearer {self.secret_key}":
                return 401, {"error": {"type": "invalid_request_error", "message": "Invalid API Key provided."}}
            fingerprint = json.dumps([method, path, params], sort_keys=True)
            if method == "POST" and idempotency_key in self._idempotent:
                stored_fingerprint, status, body = self._idempotent[idempotency_key]
                if stored_fingerprint != fingerprint:
                    return 400, {
                        "error": {
                            "type": "idempotency_error",
                            "message": "Keys for idempotent requests can only be used with the same parameters.",
                        }
                    }
                return status, body
            try:
                fault = self._fault_for(method, path)
                if fault is not None:
                    raise fault
                status, body = 200, self._route(method, path, params)
            except StripeFaultError as error:
                status, body = error.status, error.body()
            if method == "POST" and idempotency_key and status not in (400, 429):
                # Stripe saves the first answer for a key, server errors included, and replays it; a request
                # turned away before it ran (rate limited) saves nothing.
                self._idempotent[idempotency_key] = (fingerprint, status, body)
            return status, body

    def _route(self, method, path, params):  # noqa: PLR0911
        parts = path.strip("/").split("/")
        if parts[0] != "v1":
            raise StripeFaultError(404, "invalid_request_error", "Unrecognized request URL.")
        parts = parts[1:]
        if parts == ["checkout", "sessions"] and method == "POST":
            return self._create_session(params)
        if len(parts) == 3 and parts[:2] == ["checkout", "sessions"] and method == "GET":
            return self._get(self.sessions, parts[2], "checkout.session")
        if len(parts) == 4 and parts[:2] == ["checkout", "sessions"] and parts[3] == "expire" and method == "POST":
            return self._expire_session(parts[2])
        if len(parts) == 2 and parts[0] == "charges" and method == "GET":
            return self._get(self.charges, parts[1], "charge")
        if len(parts) == 2 and parts[0] == "payment_intents" and method == "GET":
            return self._get(self.intents, parts[1], "payment_intent")
        if parts == ["disputes"] and method == "GET":
            found = [d for d in self.disputes.values() if d["charge"] == params.get("charge", d["charge"])]
            return self._list(found, "/v1/disputes", params)
        if len(parts) == 2 and parts[0] == "disputes" and method == "GET":
            return self._get(self.disputes, parts[1], "dispute")
        if parts == ["refunds"] and method == "POST":
            return self._create_refund(params)
        if parts == ["events"] and method == "GET":
            return self._list_events(params)
        raise StripeFaultError(404, "invalid_request_error", f"Unrecognized request URL ({method}: {path}).")

    def _get(self, table, object_id, kind):
        if object_id not in table:
            raise StripeFaultError(404, "invalid_request_error", f"No such {kind}: '{object_id}'", "resource_missing")
        return copy.deepcopy(table[object_id])

    def _list(self, items, url, params):
        limit = int(params.get("limit", 10))
        items = list(items)
        if "starting_after" in params:
            ids = [item["id"] for item in items]
            items = items[ids.index(params["starting_after"]) + 1 :] if params["starting_after"] in ids else []
        page = items[:limit]
        return {"object": "list", "url": url, "has_more": len(items) > limit, "data": copy.deepcopy(page)}

    def _list_events(self, params):
        types = params.get("types") or ([params["type"]] if "type" in params else None)
        since = int((params.get("created") or {}).get("gte", 0))
        found = [e for e in self.events if (types is None or e["type"] in types) and e["created"] >= since]
        found.sort(key=lambda e: (e["created"], e["_seq"]), reverse=True)
        return self._list([{k: v for k, v in e.items() if k != "_seq"} for e in found], "/v1/events", params)

    # --- objects ---------------------------------------------------------------------------------

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}_test{next(self._ids):06d}"

    def _event(self, event_type: str, obj: dict, *, created: int | None = None) -> dict:
        event = shape("event")
        event.update(
            id=self._new_id("evt"),
            type=event_type,
            created=created or int(time.time()),
            data={"object": copy.deepcopy(obj)},
            api_version="2025-01-27.acacia",
            pending_webhooks=1,
        )
        event["request"] = {"id": None, "idempotency_key": None}
        self.events.append({**event, "_seq": next(self._clock)})
        return copy.deepcopy(event)

    def _create_session(self, params):
        line = params["line_items"][0]
        price = line["price_data"]
        amount = int(price["unit_amount"]) * int(line.get("quantity", 1))
        session = shape("checkout.session")
        session_id = self._new_id("cs")
        session.update(
            id=session_id,
            object="checkout.session",
            mode=params.get("mode"),
            status="open",
            payment_status="unpaid",
            amount_subtotal=amount,
            amount_total=amount,
            currency=price["currency"],
            client_reference_id=params.get("client_reference_id"),
            metadata=params.get("metadata", {}),
            customer_email=params.get("customer_email"),
            success_url=params.get("success_url"),
            cancel_url=params.get("cancel_url"),
            allow_promotion_codes=params.get("allow_promotion_codes") == "true",
            url=f"https://checkout.stripe.test/c/pay/{session_id}",
            expires_at=int(time.time()) + 24 * 3600,
            created=int(time.time()),
            payment_intent=None,
            customer=None,
            livemode=False,
        )
        session["total_details"] = {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0}
        session["automatic_tax"]["enabled"] = (params.get("automatic_tax") or {}).get("enabled") == "true"
        session["consent"] = {"promotions": None, "terms_of_service": None}
        session["customer_details"] = None
        self.sessions[session_id] = session
        self._intent_metadata[session_id] = (params.get("payment_intent_data") or {}).get("metadata", {})
        return copy.deepcopy(session)

    def _expire_session(self, session_id: str) -> dict:
        session = self._get(self.sessions, session_id, "checkout.session")
        if session["status"] != "open":
            raise StripeFaultError(
                400,
                "invalid_request_error",
                f"Only Checkout Sessions with a status in [open] can be expired. This one is {session['status']}.",
                "checkout_session_not_open",
            )
        self.expire(session_id)
        return copy.deepcopy(self.sessions[session_id])

    def _new_charge(self, intent: dict) -> dict:
        charge = shape("charge")
        charge_id = self._new_id("ch")
        charge.update(
            id=charge_id,
            amount=intent["amount"],
            amount_captured=intent["amount"],
            amount_refunded=0,
            refunded=False,
            disputed=False,
            currency=intent["currency"],
            payment_intent=intent["id"],
            metadata={},
            paid=True,
            captured=True,
            status="succeeded",
            created=int(time.time()),
        )
        charge["refunds"] = {"object": "list", "data": [], "has_more": False, "url": f"/v1/charges/{charge_id}/refunds"}
        self.charges[charge_id] = charge
        intent["latest_charge"] = charge_id
        intent["status"] = "succeeded"
        intent["amount_received"] = intent["amount"]
        return charge

    # --- what customers and banks do (test helpers, each returns the event Stripe would send) -----

    def complete(self, session_id: str, *, payment_status: str = "paid", email: str = "buyer@example.com") -> dict:
        """The customer pays (`paid`), uses a 100 % code (`no_payment_required`) or a delayed method (`unpaid`)."""
        with self.lock:
            session = self.sessions[session_id]
            session["status"] = "complete"
            session["payment_status"] = payment_status
            session["customer_details"] = {
                "email": email,
                "name": "Test Buyer",
                "address": None,
                "phone": None,
                "tax_exempt": "none",
                "tax_ids": [],
                "business_name": None,
                "individual_name": None,
            }
            session["consent"] = {"promotions": None, "terms_of_service": "accepted"}
            if payment_status == "no_payment_required":
                session["amount_total"] = 0
                session["total_details"] = {
                    "amount_discount": session["amount_subtotal"],
                    "amount_shipping": 0,
                    "amount_tax": 0,
                }
            else:
                intent = shape("payment_intent")
                intent.update(
                    id=self._new_id("pi"),
                    amount=session["amount_total"],
                    currency=session["currency"],
                    metadata=self._intent_metadata[session_id],
                    status="processing",
                    latest_charge=None,
                    created=int(time.time()),
                )
                self.intents[intent["id"]] = intent
                session["payment_intent"] = intent["id"]
                if payment_status == "paid":
                    self._new_charge(intent)
            return self._event("checkout.session.completed", session)

    def open_session(self, params: dict) -> dict:
        """A session made by someone else with access to the account (not by our checkout), e.g. another app."""
        with self.lock:
            return self._create_session(params)

    def async_succeed(self, session_id: str) -> dict:
        with self.lock:
            session = self.sessions[session_id]
            self._new_charge(self.intents[session["payment_intent"]])
            session["payment_status"] = "paid"
            return self._event("checkout.session.async_payment_succeeded", session)

    def async_fail(self, session_id: str) -> dict:
        with self.lock:
            session = self.sessions[session_id]
            self.intents[session["payment_intent"]]["status"] = "requires_payment_method"
            return self._event("checkout.session.async_payment_failed", session)

    def expire(self, session_id: str) -> dict:
        with self.lock:
            session = self.sessions[session_id]
            if session["status"] == "open":
                session["status"] = "expired"
                session["url"] = None
            return self._event("checkout.session.expired", session)

    def charge_for(self, session_id: str) -> str:
        return self.intents[self.sessions[session_id]["payment_intent"]]["latest_charge"]

    def _create_refund(self, params):
        intent_id = params.get("payment_intent")
        charge_id = params.get("charge") or (self.intents.get(intent_id) or {}).get("latest_charge")
        if charge_id not in self.charges:
            raise StripeFaultError(404, "invalid_request_error", "No such payment_intent.", "resource_missing")
        amount = int(params["amount"]) if "amount" in params else None
        refund, _event = self._refund(charge_id, amount)
        return refund

    def _refund(self, charge_id: str, amount: int | None):
        charge = self.charges[charge_id]
        remaining = charge["amount"] - charge["amount_refunded"]
        amount = remaining if amount is None else amount
        if amount <= 0 or amount > remaining:
            raise StripeFaultError(400, "invalid_request_error", "Refund amount exceeds what is left.")
        refund = shape("refund")
        refund.update(
            id=self._new_id("re"),
            amount=amount,
            charge=charge_id,
            payment_intent=charge["payment_intent"],
            currency=charge["currency"],
            status="succeeded",
            created=int(time.time()),
            metadata={},
        )
        self.refunds[refund["id"]] = refund
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
        charge["refunds"]["data"].insert(0, refund)
        return copy.deepcopy(refund), self._event("charge.refunded", charge)

    def refund(self, charge_id: str, *, amount: int | None = None) -> dict:
        """Money goes back (from the Dashboard): the charge.refunded event."""
        with self.lock:
            return self._refund(charge_id, amount)[1]

    def open_dispute(self, charge_id: str, *, status: str = "needs_response") -> dict:
        with self.lock:
            charge = self.charges[charge_id]
            dispute = shape("dispute")
            dispute.update(
                id=self._new_id("dp"),
                charge=charge_id,
                payment_intent=charge["payment_intent"],
                amount=charge["amount"],
                currency=charge["currency"],
                status=status,
                reason="fraudulent",
                created=int(time.time()),
                metadata={},
            )
            self.disputes[dispute["id"]] = dispute
            charge["disputed"] = True
            return self._event("charge.dispute.created", dispute)

    def close_dispute(self, dispute_id: str, *, status: str) -> dict:
        """The bank decides: `won`, `lost` or `warning_closed`."""
        with self.lock:
            dispute = self.disputes[dispute_id]
            dispute["status"] = status
            return self._event("charge.dispute.closed", dispute)

    def open_sessions_for(self, order_id: int) -> list[str]:
        """The sessions naming this order that a customer could still pay."""
        with self.lock:
            return [
                s["id"]
                for s in self.sessions.values()
                if s["status"] == "open" and (s.get("metadata") or {}).get("order_id") == str(order_id)
            ]

    def requests_to(self, method: str, path: str) -> list[tuple[str, str, dict, str]]:
        return [r for r in self.requests if r[0] == method and r[1] == path]
