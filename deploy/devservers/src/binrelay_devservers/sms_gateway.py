"""A loopback SMS gateway that speaks the protocol BIN Relay's SMS sender and webhook use.

The protocol (what a production gateway adapter must speak, or be adapted to)
=============================================================================

**Sending** — ``POST /messages`` with ``Authorization: Bearer <token>`` and a JSON body
``{"to": "+32470000000", "text": "...", "from": "BINRelay"}`` (``from`` optional). An optional
``Idempotency-Key`` header makes the call idempotent: the same key returns the first message's
id and sends nothing new. Answers:

=====  ==========================================  =======================
202    ``{"id": "<message id>", "status": "accepted"}``  accepted (200 for a repeated key)
400    ``{"error": "..."}``                        malformed body: permanent
401    ``{"error": "unauthorized"}``               bad token: configuration
422    ``{"error": "invalid_number"}``             the number cannot receive SMS: permanent
429    ``{"error": "rate_limited"}`` + Retry-After  transient
5xx    ``{"error": "..."}``                        transient
=====  ==========================================  =======================

**Sending in bulk** — ``POST /messages/batch`` (same token) with
``{"from": "BINRelay", "messages": [{"to": "+32470000000", "text": "...", "idempotency_key": "k1"}, ...]}``
(``from`` optional, ``idempotency_key`` optional per recipient, at most :data:`MAX_BATCH` messages),
like the bulk APIs of real providers: one request, several recipients, **each its own answer**.
The request as a whole is answered ``200`` with
``{"results": [{"idempotency_key", "status", "id"?, "error"?}, ...]}``, one result per message, in
the order sent; ``status`` is what ``POST /messages`` would have answered for that recipient alone
(202 accepted, 200 a repeated key, 422 invalid number, 503 transient …), so one bad number fails
only its own recipient. A request that cannot be read at all is answered as a whole: 401 (token),
400 (not ``{messages: [...]}``, an item without ``to``/``text``), 413 (more than
:data:`MAX_BATCH` messages) — nothing in it is sent.

**Receiving** (the inbound direction) — the gateway ``POST``s each SMS it receives to the
configured webhook URL with a JSON body ``{"id", "from", "to", "text", "received_at"}`` and two
headers: ``X-Gateway-Timestamp`` (unix seconds) and ``X-Gateway-Signature`` =
``sha256=`` + hex HMAC-SHA256(shared secret, ``"<timestamp>." + body bytes``). The receiver
refuses a bad signature or a timestamp more than 5 minutes off with 401. Any 2xx is success;
otherwise the gateway retries.

Test and development controls (this loopback gateway only)
-----------------------------------------------------------
``GET /messages`` lists what was sent — each message once, as a provider bills it (a repeated
``Idempotency-Key`` sends nothing new); ``GET /_control/requests`` lists every message the gateway
*received*, by ``POST /messages`` or inside a ``POST /messages/batch``, repeats included, in
arrival order (``{"count": n, "requests": [{"seq", "idempotency_key", "to", "status", "at",
"batch"}]}``; ``status`` is the answer given to that recipient, ``null`` while in progress;
``batch`` the number of the bulk request it came in, ``null`` for a single one): what the sender
put on the wire, so a test can count it; ``DELETE /messages`` forgets both;
``POST /_control/fail {"mode": "transient"|"permanent", "count": n}`` makes the next n sends
fail; ``POST /_control/down {"seconds": s}`` makes every send for the next s seconds fail with
503 (an outage: the requests are still recorded; ``{"seconds": 0}`` ends it);
``POST /_control/inbound {"from", "to", "text"}`` simulates an incoming SMS (signed and
posted to the webhook) and answers with the webhook's status code.

Run: ``binrelay-devserver sms --port 8025 --webhook-url URL`` (token and webhook secret: the files
``make up`` generates, or ``--token`` / ``--webhook-secret``).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

NUMBER = re.compile(r"^\+?[0-9]{6,15}$")
#: Most messages one ``POST /messages/batch`` may carry.
MAX_BATCH = 1000


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Gateway-Signature`` value of a webhook body."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


@dataclass
class GatewayState:
    token: str
    webhook_url: str | None = None
    webhook_secret: str = ""
    sent: list[dict[str, Any]] = field(default_factory=list)
    """The messages sent, each once (a repeated Idempotency-Key is answered, not sent again)."""
    received: list[dict[str, Any]] = field(default_factory=list)
    """Every ``POST /messages`` received, repeats included, recorded on arrival (see ``request_counts``)."""
    by_key: dict[str, str] = field(default_factory=dict)
    fail_mode: str | None = None
    fail_count: int = 0
    calls: int = 0
    batches: int = 0
    """How many ``POST /messages/batch`` were received."""
    delay: float = 0.0
    """Seconds each send takes (tests use it to catch a sender mid-batch)."""
    down_until: float = 0.0
    """``time.monotonic()`` until which every send is answered 503 (an outage)."""
    hold_after: int | None = None
    """Once this many messages are sent, further sends wait (unanswered) until it is set to None:
    a sender is caught mid-batch whatever the machine's speed."""


def request_counts(state: GatewayState) -> Counter[str | None]:
    """How many requests the gateway received per Idempotency-Key (``None``: without one)."""
    return Counter(r["idempotency_key"] for r in list(state.received))


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type="application/json", headers=headers)


def create_app(state: GatewayState) -> Starlette:
    def authorized(request: Request) -> bool:
        return hmac.compare_digest(request.headers.get("authorization", ""), f"Bearer {state.token}")

    def _record(key: str | None, batch: int | None = None) -> dict[str, Any]:
        record: dict[str, Any] = {"seq": len(state.received), "idempotency_key": key, "to": None,
                                  "status": None, "at": datetime.now(UTC).isoformat(), "batch": batch}
        state.received.append(record)  # on arrival: a client that dies before the answer still counts
        return record

    async def send(request: Request) -> Response:
        state.calls += 1
        key = request.headers.get("idempotency-key")
        record = _record(key)
        response = await _send(request, key, record)
        record["status"] = response.status_code
        return response

    async def _send(request: Request, key: str | None, record: dict[str, Any]) -> Response:
        if not authorized(request):
            return _json({"error": "unauthorized"}, 401)
        try:
            body = orjson.loads(await request.body())
            to, text = body["to"], body["text"]
            if not isinstance(to, str) or not isinstance(text, str) or not text:
                raise ValueError
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            return _json({"error": "body must be {to, text, from?}"}, 400)
        record["to"] = to
        status, answer = await _message(to, text, body.get("from"), key)
        return _json(answer, status, {"Retry-After": "1"} if status == 503 else None)

    async def _message(to: str, text: str, sender: Any, key: str | None) -> tuple[int, dict[str, Any]]:
        """Send one message (or recognise its key): the status and body a single send answers."""
        if key and key in state.by_key:
            return 200, {"id": state.by_key[key], "status": "accepted"}
        if state.delay:
            await asyncio.sleep(state.delay)
            if key and key in state.by_key:  # a concurrent repeat finished first
                return 200, {"id": state.by_key[key], "status": "accepted"}
        if time.monotonic() < state.down_until:
            return 503, {"error": "unavailable"}
        while True:  # the hold: polled, as the test flips it from another thread
            if state.hold_after is None or len(state.sent) < state.hold_after:
                break
            await asyncio.sleep(0.01)
        if key and key in state.by_key:  # a repeat that waited behind the hold
            return 200, {"id": state.by_key[key], "status": "accepted"}
        if state.fail_count > 0:
            state.fail_count -= 1
            if state.fail_mode == "permanent":
                return 422, {"error": "invalid_number"}
            return 503, {"error": "unavailable"}
        if not NUMBER.match(to):
            return 422, {"error": "invalid_number"}
        mid = uuid.uuid4().hex
        if key:
            state.by_key[key] = mid
        state.sent.append(
            {"id": mid, "to": to, "text": text, "from": sender, "idempotency_key": key,
             "at": datetime.now(UTC).isoformat()}
        )
        return 202, {"id": mid, "status": "accepted"}

    async def send_batch(request: Request) -> Response:
        state.batches += 1
        batch = state.batches
        try:
            body = orjson.loads(await request.body())
            messages = body["messages"]
            if not isinstance(messages, list) or not messages:
                raise ValueError
            items = [(m.get("idempotency_key"), m["to"], m["text"]) for m in messages]
            if any(not isinstance(to, str) or not isinstance(text, str) or not text
                   or not (key is None or isinstance(key, str)) for key, to, text in items):
                raise ValueError
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
            _record(None, batch)["status"] = 400  # unreadable: one record, nothing sent
            return _json({"error": "body must be {messages: [{to, text, idempotency_key?}, ...], from?}"}, 400)
        records = [_record(key, batch) for key, _, _ in items]  # every recipient on arrival, repeats included
        for (_, to, _), record in zip(items, records, strict=True):
            record["to"] = to
        refused = 401 if not authorized(request) else 413 if len(items) > MAX_BATCH else None
        if refused is not None:  # the request as a whole: nothing in it is sent
            for record in records:
                record["status"] = refused
            error = "unauthorized" if refused == 401 else f"at most {MAX_BATCH} messages per batch"
            return _json({"error": error}, refused)
        results = []
        for (key, to, text), record in zip(items, records, strict=True):
            status, answer = await _message(to, text, body.get("from"), key)
            record["status"] = status
            results.append({"idempotency_key": key, **answer, "status": status})  # the HTTP status, per recipient
        return _json({"results": results}, 200)

    async def listing(request: Request) -> Response:
        if request.method == "DELETE":
            state.sent.clear()
            state.received.clear()
            state.by_key.clear()
            return _json({"status": "cleared"})
        return _json(state.sent)

    async def requests(request: Request) -> Response:
        received = list(state.received)
        return _json({"count": len(received), "requests": received})

    async def fail(request: Request) -> Response:
        body = orjson.loads(await request.body())
        state.fail_mode = body.get("mode", "transient")
        state.fail_count = int(body.get("count", 1))
        return _json({"mode": state.fail_mode, "count": state.fail_count})

    async def down(request: Request) -> Response:
        seconds = float(orjson.loads(await request.body()).get("seconds", 60))
        state.down_until = time.monotonic() + seconds
        return _json({"down_for_seconds": seconds})

    async def inbound(request: Request) -> Response:
        if not state.webhook_url:
            return _json({"error": "no webhook configured"}, 409)
        body = orjson.loads(await request.body())
        payload = orjson.dumps(
            {
                "id": body.get("id") or uuid.uuid4().hex,
                "from": body["from"],
                "to": body.get("to", "BINRelay"),
                "text": body["text"],
                "received_at": datetime.now(UTC).isoformat(),
            }
        )
        ts = str(int(time.time()))
        secret = body.get("secret", state.webhook_secret)  # tests may sign with a wrong secret
        headers = {
            "content-type": "application/json",
            "x-gateway-timestamp": ts,
            "x-gateway-signature": sign(secret, ts, payload),
        }
        async with httpx.AsyncClient(timeout=30) as client:
            r = await client.post(state.webhook_url, content=payload, headers=headers)
        return _json({"status": r.status_code, "body": r.text}, 200)

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    return Starlette(
        routes=[
            Route("/messages", send, methods=["POST"]),
            Route("/messages/batch", send_batch, methods=["POST"]),
            Route("/messages", listing, methods=["GET", "DELETE"]),
            Route("/_control/requests", requests, methods=["GET"]),
            Route("/_control/fail", fail, methods=["POST"]),
            Route("/_control/down", down, methods=["POST"]),
            Route("/_control/inbound", inbound, methods=["POST"]),
            Route("/healthz", health, methods=["GET"]),
        ]
    )
