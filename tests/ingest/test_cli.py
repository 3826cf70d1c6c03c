"""`binrelay keys create|list|revoke` on the real Redis, `binrelay openapi`, and the RESP parser."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from binrelay_ingest.cli import openapi_text
from binrelay_ingest.keys import hash_key, parse_key
from binrelay_ingest.resp import RespClient, RespError, _parse, encode
from tests.conftest import REPO
from tests.redis_helpers import admin_redis, mac_key, user_credentials

BINRELAY = str(REPO / ".venv" / "bin" / "binrelay")


def _run(*args: str, redis_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BINRELAY_REDIS_URL": redis_url, "BINRELAY_NETWORKS_DIR": str(REPO / "deploy" / "networks")}
    return subprocess.run([BINRELAY, *args], env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.integration
async def test_keys_are_created_listed_and_revoked_and_only_their_hash_is_stored(
    redis_url: str, redis_client: Any
) -> None:
    """Given the real Redis,
    when an operator creates a coordinator key for Zavel, lists keys and revokes it,
    then the key is printed once, Redis holds its SHA-256 and scope but never the key, the list
    shows the scope without the key, and the record is marked revoked."""
    created = _run("keys", "create", "--role", "coordinator", "--network", "zavel", "--label", "cli test", "--json",
                   redis_url=redis_url)  # fmt: skip
    assert created.returncode == 0, created.stderr
    info = json.loads(created.stdout)
    key = info["key"]
    assert parse_key(key) == info["id"]
    stored = await redis_client.hgetall(f"bin:key:{info['id']}")
    assert stored[b"hash"].decode() == hash_key(key)
    assert stored[b"networks"] == b",zavel,"
    assert key.encode() not in b"".join(stored.values())

    listed = _run("keys", "list", "--json", redis_url=redis_url)
    assert listed.returncode == 0
    assert key not in listed.stdout
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    [mine] = [r for r in rows if r["id"] == info["id"]]
    assert (mine["role"], mine["networks"], mine["revoked"]) == ("coordinator", ["zavel"], None)

    revoked = _run("keys", "revoke", info["id"], redis_url=redis_url)
    assert revoked.returncode == 0
    assert (await redis_client.hget(f"bin:key:{info['id']}", "revoked")) is not None


@pytest.mark.integration
def test_key_creation_refuses_mistakes_with_the_fix(redis_url: str) -> None:
    """Given a bad role, a coordinator without networks, or an unknown network,
    when `binrelay keys create` is run,
    then it exits 2 and says what is wrong and how to fix it."""
    for args, words in [
        (("--role", "mayor"), "adapter, coordinator, police, operator"),
        (("--role", "coordinator"), "--network"),
        (("--role", "adapter", "--network", "atlantis"), "zavel"),
    ]:
        result = _run("keys", "create", *args, redis_url=redis_url)
        assert result.returncode == 2, args
        assert "fix:" in result.stderr and words in result.stderr


def test_the_committed_openapi_document_is_current() -> None:
    """Given docs/openapi.json in the repository,
    when the document is generated from the code,
    then they are identical (regenerate with `binrelay openapi --output docs/openapi.json`)."""
    committed = (REPO / "docs" / "openapi.json").read_text(encoding="utf-8")
    assert committed == openapi_text(), "run: .venv/bin/binrelay openapi --output docs/openapi.json"


def test_binrelay_openapi_needs_no_secret_nor_server(tmp_path: Path) -> None:
    """Given a machine without `make up`'s secrets (an empty secrets directory, no Kafka, no Redis),
    when `binrelay openapi` is run,
    then it prints the committed document and exits 0."""
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "BINRELAY_SECRETS_DIR": str(tmp_path / "none"),
           "BINRELAY_KAFKA": "127.0.0.1:9", "BINRELAY_REDIS_URL": "redis://127.0.0.1:9/0"}
    done = subprocess.run([BINRELAY, "openapi"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout == (REPO / "docs" / "openapi.json").read_text(encoding="utf-8")


def test_the_openapi_document_describes_every_route_and_credential() -> None:
    """Given the OpenAPI document,
    when read,
    then it holds the three API routes, health and readiness, both credential schemes and the
    documented refusals."""
    doc = json.loads(openapi_text())
    assert {"/v1/reports", "/v1/messages", "/v1/reports/{report_id}", "/healthz", "/readyz"} <= set(doc["paths"])
    assert set(doc["components"]["securitySchemes"]) == {"HTTPBearer", "APIKeyHeader"}
    assert {"401", "403", "413", "422", "429"} <= set(doc["paths"]["/v1/reports"]["post"]["responses"])


def test_the_resp_parser_handles_every_reply_type_and_partial_input() -> None:
    """Given RESP2 replies of every type, whole and cut at every byte,
    when parsed,
    then whole replies give their values and cut ones ask for more."""
    wire = b"+OK\r\n-ERR bad\r\n:42\r\n$3\r\nabc\r\n$-1\r\n*2\r\n$1\r\nx\r\n:1\r\n*-1\r\n"
    values = []
    pos = 0
    buf = bytearray(wire)
    while pos < len(buf):
        value, pos = _parse(buf, pos)
        values.append(value)
    assert values[0] == b"OK" and isinstance(values[1], RespError) and values[2:] == [42, b"abc", None, [b"x", 1], None]
    for cut in range(1, len(b"*2\r\n$1\r\nx\r\n:1\r\n")):
        partial = bytearray(b"*2\r\n$1\r\nx\r\n:1\r\n"[:cut])
        value, pos = _parse(partial, 0)
        assert pos == 0
    assert encode(("SET", "k", b"v", 5)) == b"*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n$1\r\n5\r\n"


@pytest.mark.integration
async def test_the_resp_client_pipelines_commands_on_the_real_redis(redis_url: str) -> None:
    """Given the real Redis,
    when many commands are sent at once and one by one,
    then every reply reaches its own caller, in order, errors included."""
    import asyncio

    user, password = user_credentials(redis_url, "admin")
    client = RespClient(redis_url, username=user, password=password)
    try:
        replies = await client.call_many([("SET", "bin:test:resp", "1"), ("INCR", "bin:test:resp"), ("GET", "nope:x")])
        assert replies == [b"OK", 2, None]
        results = await asyncio.gather(*(client.call("INCRBY", "bin:test:resp", 1) for _ in range(200)))
        assert results == list(range(3, 203))
        assert isinstance(await client.call("NOSUCHCOMMAND"), RespError)
    finally:
        redis = admin_redis(redis_url)
        await redis.delete("bin:test:resp")
        await redis.aclose()
        await client.close()


@pytest.mark.integration
async def test_the_resp_client_fails_fast_while_redis_is_down_and_reconnects_after(
    tmp_path: Any,
) -> None:
    """Given a Redis of its own, and the pipelined client connected to it,
    when that Redis stops, and later starts again,
    then calls fail at once with ConnectionError while it is down (ingest answers 503), and the
    next call after the restart reconnects and works — the gate's script included."""
    import asyncio

    from tests.conftest import LOCAL, free_port

    port = free_port()
    env = {**os.environ, "REDIS_PORT": str(port), "REDIS_DATA_DIR": str(tmp_path / "redis")}

    async def redis(action: str) -> None:
        await asyncio.to_thread(subprocess.run, [str(LOCAL / "redis.sh"), action], env=env, check=True)

    await redis("start")
    user, password = user_credentials(f"redis://127.0.0.1:{port}/0", "admin")
    client = RespClient(f"redis://127.0.0.1:{port}/0", username=user, password=password)
    try:
        assert await client.call("PING") == b"PONG"
        await redis("stop")
        with pytest.raises((ConnectionError, OSError)):
            await client.call("PING")
        with pytest.raises((ConnectionError, OSError)):
            await client.call("PING")
        await redis("start")
        assert await client.call("PING") == b"PONG"
        # A restarted Redis has no scripts cached: the gate falls back from EVALSHA to EVAL.
        from binrelay_ingest.gate import Gate, GateRequest
        from binrelay_ingest.keys import create_key

        slow = admin_redis(f"redis://127.0.0.1:{port}/0")
        try:
            _, record = await create_key(slow, mac_key=mac_key(), role="adapter", zone="5339")  # a genuine record
            result = await Gate(slow, client, mac_key=mac_key()).check(
                GateRequest(
                    key_id=record.id, key_hash="0" * 64, roles=("adapter",), report_id="r", kind="report",
                    network=None, network_mode="", network_zone=None, default_zone="5339", now_ms=0,
                    reporter_ref=None, reporter_limit=0, reporter_window_ms=1000, key_limit=0, key_window_ms=1000,
                    idempotency_key=None, fingerprint="", pending_ms=1000, refers_to=None, record_ttl_s=60,
                )
            )  # fmt: skip
        finally:
            await slow.aclose()
        assert result.outcome == "401"
    finally:
        await client.close()
        await redis("stop")
