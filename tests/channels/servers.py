"""Test helpers: the loopback channel servers (SMTP sink, SMS gateway, Synapse) and job factories."""

from __future__ import annotations

import hashlib
import hmac
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from binrelay_devservers.sms_gateway import GatewayState, create_app, request_counts
from binrelay_shared.events import Channel, DeliveryJob, ResponseKind, Stamps, new_id, utcnow
from tests.conftest import LOCAL, free_port


def job(
    channel: Channel = Channel.email,
    address: str = "lid-1@example.test",
    *,
    report_id: str | None = None,
    recipient_id: str = "member-1",
    audience: str = "group",
    text: str = "Testbericht: verdachte wagen gezien in de buurt.",
    fallback: tuple[Channel, ...] = (),
    fallback_addresses: dict[Channel, str] | None = None,
    send_at: datetime | None = None,
    delivery_id: str | None = None,
    expects: ResponseKind | None = None,
    network_id: str = "zavel",
) -> DeliveryJob:
    """A fictitious delivery job (``expects``: the answer it asks for, as the dispatcher sets it)."""
    return DeliveryJob(
        report_id=report_id or new_id(),
        network_id=network_id,
        zone_id="5339",
        trace_id=new_id(),
        stamps=Stamps(received=utcnow()),
        delivery_id=delivery_id or new_id(),
        audience=audience,
        recipient_id=recipient_id,
        channel=channel,
        address=address,
        language="nl",
        text=text,
        send_at=send_at,
        fallback=fallback,
        fallback_addresses=fallback_addresses or {},
        expects=expects,
    )


def parse_mail(data: bytes) -> EmailMessage:
    msg = message_from_bytes(data, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


# -- SMS gateway in a thread -----------------------------------------------------------------------


@dataclass
class Gateway:
    url: str
    token: str
    state: GatewayState
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)

    def received(self) -> Counter[str | None]:
        """Requests the gateway received per Idempotency-Key, repeats included (what went on the wire;
        ``state.sent`` is what the gateway sent after dropping repeated keys)."""
        return request_counts(self.state)

    def received_to(self) -> Counter[str | None]:
        """Requests the gateway received per destination number, repeats included."""
        return Counter(r["to"] for r in list(self.state.received))


def start_gateway(token: str = "test-sms-token", webhook_url: str | None = None, secret: str = "s") -> Gateway:
    state = GatewayState(token=token, webhook_url=webhook_url, webhook_secret=secret)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(state), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("SMS gateway did not start")
        time.sleep(0.02)
    return Gateway(f"http://127.0.0.1:{port}", token, state, server, thread)


# -- Synapse --------------------------------------------------------------------------------------


@dataclass
class MatrixUser:
    user_id: str
    password: str
    access_token: str
    device_id: str


@dataclass
class Synapse:
    url: str
    server_name: str
    data_dir: Path
    env: dict[str, str]

    @property
    def shared_secret(self) -> str:
        return (self.data_dir / "registration_shared_secret").read_text().strip()

    def register(self, localpart: str, password: str = "test-password", admin: bool = False) -> MatrixUser:
        """Create a user with the shared secret (admin API), as register_new_matrix_user does."""
        nonce = httpx.get(f"{self.url}/_synapse/admin/v1/register", timeout=30).json()["nonce"]
        mac = hmac.new(self.shared_secret.encode(), digestmod=hashlib.sha1)
        mac.update(b"\x00".join([nonce.encode(), localpart.encode(), password.encode(),
                                 b"admin" if admin else b"notadmin"]))
        r = httpx.post(
            f"{self.url}/_synapse/admin/v1/register",
            json={"nonce": nonce, "username": localpart, "password": password, "admin": admin, "mac": mac.hexdigest()},
            timeout=30,
        )
        r.raise_for_status()
        body = r.json()
        return MatrixUser(body["user_id"], password, body["access_token"], body["device_id"])

    def api(self, user: MatrixUser, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        r = httpx.request(
            method, f"{self.url}/_matrix/client/v3{path}",
            headers={"authorization": f"Bearer {user.access_token}"}, timeout=30, **kwargs,
        )
        r.raise_for_status()
        return dict(r.json())

    def create_room(self, owner: MatrixUser, invite: list[str], name: str = "BIN test room") -> str:
        body = self.api(owner, "POST", "/createRoom", json={"name": name, "invite": invite, "preset": "private_chat"})
        return str(body["room_id"])

    def join(self, user: MatrixUser, room_id: str) -> None:
        self.api(user, "POST", f"/join/{room_id}", json={})

    def messages(self, user: MatrixUser, room_id: str, limit: int = 100) -> list[dict[str, Any]]:
        """The room's m.room.message events, oldest first."""
        body = self.api(user, "GET", f"/rooms/{room_id}/messages", params={"dir": "b", "limit": limit})
        events = [e for e in body.get("chunk", []) if e.get("type") == "m.room.message"]
        return list(reversed(events))

    def send(self, user: MatrixUser, room_id: str, content: dict[str, Any]) -> str:
        txn = new_id()
        body = self.api(user, "PUT", f"/rooms/{room_id}/send/m.room.message/{txn}", json=content)
        return str(body["event_id"])


def start_synapse(data_dir: Path) -> Iterator[Synapse]:
    """deploy/local/synapse.sh start on a free port with its own data dir; stop afterwards."""
    import os

    port = free_port()
    env = {**os.environ, "SYNAPSE_PORT": str(port), "SYNAPSE_DATA_DIR": str(data_dir)}
    subprocess.run([str(LOCAL / "synapse.sh"), "start"], env=env, check=True, timeout=900)
    try:
        yield Synapse(f"http://127.0.0.1:{port}", "binrelay.test", data_dir, env)
    finally:
        subprocess.run([str(LOCAL / "synapse.sh"), "stop"], env=env, check=False, timeout=60)


def wait_until(predicate: Any, timeout: float = 30.0, interval: float = 0.1) -> Any:
    """Poll ``predicate`` until it returns something truthy; the timeout only bounds a hang."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(interval)


def sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


# -- a stand-in for the ingest API (the adapters' tests check what they post) ----------------------


@dataclass
class StubIngest:
    """Records every POST /v1/reports; answers 202 with advice when the text says 'dringend'/'urgent'."""

    url: str
    posted: list[dict[str, Any]]
    headers: list[dict[str, str]]
    fail_next: list[int]
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


ADVICE = "Dringend? Bel 101, of 112 als er levens in gevaar zijn."


def start_stub_ingest() -> StubIngest:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    posted: list[dict[str, Any]] = []
    headers: list[dict[str, str]] = []
    fail_next: list[int] = []
    seen: dict[str, str] = {}

    async def reports(request: Request) -> JSONResponse:
        if fail_next:
            return JSONResponse({"error": "unavailable"}, status_code=fail_next.pop(0))
        body = await request.json()
        key = request.headers.get("idempotency-key", "")
        if key in seen:
            return JSONResponse({"report_id": seen[key], "status": "accepted", "advice": None}, status_code=202)
        posted.append(body)
        headers.append(dict(request.headers))
        rid = new_id()
        if key:
            seen[key] = rid
        urgent = any(w in body["text"].lower() for w in ("dringend", "urgent", "bezig"))
        return JSONResponse(
            {"report_id": rid, "status": "accepted", "network_id": body.get("network"), "zone_id": "5339",
             "advice": ADVICE if urgent else None},
            status_code=202,
        )

    port = free_port()
    app = Starlette(routes=[Route("/v1/reports", reports, methods=["POST"])])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started, timeout=30, interval=0.02)
    return StubIngest(f"http://127.0.0.1:{port}", posted, headers, fail_next, server, thread)


@dataclass
class Served:
    url: str
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def serve(app: Any, port: int | None = None) -> Served:
    """Run an ASGI app with uvicorn in a thread of the test process, on loopback."""
    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started, timeout=30, interval=0.02)
    return Served(f"http://127.0.0.1:{port}", server, thread)
