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

**Receiving** (the inbound direction) — the gateway ``POST``s each SMS it receives to the
configured webhook URL with a JSON body ``{"id", "from", "to", "text", "received_at"}`` and two
headers: ``X-Gateway-Timestamp`` (unix seconds) and ``X-Gateway-Signature`` =
``sha256=`` + hex HMAC-SHA256(shared secret, ``"<timestamp>." + body bytes``). The receiver
refuses a bad signature or a timestamp more than 5 minutes off with 401. Any 2xx is success;
otherwise the gateway retries.

Test and development controls (this loopback gateway only)
-----------------------------------------------------------
``GET /messages`` lists what was sent — each message once, as a provider bills it (a repeated
``Idempotency-Key`` sends nothing new); ``GET /_control/requests`` lists every ``POST /messages``
the gateway *received*, repeats included, in arrival order (``{"count": n, "requests": [{"seq",
"idempotency_key", "to", "status", "at"}]}``; ``status`` is the answer given, ``null`` while in
progress): what the sender put on the wire, so a test can count it; ``DELETE /messages`` forgets
both;
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

    async def send(request: Request) -> Response:
        state.calls += 1
        key = request.headers.get("idempotency-key")
        record: dict[str, Any] = {"seq": len(state.received), "idempotency_key": key, "to": None,
                                  "status": None, "at": datetime.now(UTC).isoformat()}
        state.received.append(record)  # on arrival: a client that dies before the answer still counts
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
        if key and key in state.by_key:
            return _json({"id": state.by_key[key], "status": "accepted"}, 200)
        if state.delay:
            await asyncio.sleep(state.delay)
            if key and key in state.by_key:  # a concurrent repeat finished first
                return _json({"id": state.by_key[key], "status": "accepted"}, 200)
        if time.monotonic() < state.down_until:
            return _json({"error": "unavailable"}, 503, {"Retry-After": "1"})
        while True:  # the hold: polled, as the test flips it from another thread
            if state.hold_after is None or len(state.sent) < state.hold_after:
                break
            await asyncio.sleep(0.01)
        if key and key in state.by_key:  # a repeat that waited behind the hold
            return _json({"id": state.by_key[key], "status": "accepted"}, 200)
        if state.fail_count > 0:
            state.fail_count -= 1
            if state.fail_mode == "permanent":
                return _json({"error": "invalid_number"}, 422)
            return _json({"error": "unavailable"}, 503, {"Retry-After": "1"})
        if not NUMBER.match(to):
            return _json({"error": "invalid_number"}, 422)
        mid = uuid.uuid4().hex
        if key:
            state.by_key[key] = mid
        state.sent.append(
            {"id": mid, "to": to, "text": text, "from": body.get("from"), "idempotency_key": key,
             "at": datetime.now(UTC).isoformat()}
        )
        return _json({"id": mid, "status": "accepted"}, 202)

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
            Route("/messages", listing, methods=["GET", "DELETE"]),
            Route("/_control/requests", requests, methods=["GET"]),
            Route("/_control/fail", fail, methods=["POST"]),
            Route("/_control/down", down, methods=["POST"]),
            Route("/_control/inbound", inbound, methods=["POST"]),
            Route("/healthz", health, methods=["GET"]),
        ]
    )
