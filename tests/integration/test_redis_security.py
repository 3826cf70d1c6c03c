"""Redis security on the real server: ACL users, one per service, from one table.

What the pipeline tests prove (each service works with its own user) is not repeated here; these
tests prove the refusals: no command without credentials, and, per user of
:data:`binrelay_shared.redis_acl.USERS`, a key pattern and a command outside its row refused.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis
from redis.exceptions import AuthenticationError, AuthenticationWrongNumberOfArgsError, NoPermissionError

from binrelay_shared.redis_acl import BY_NAME, USERS, RedisUser
from tests.conftest import REPO
from tests.redis_helpers import admin_redis, user_redis

pytestmark = pytest.mark.integration

#: One key of every pattern some user holds: each user is tried on the ones outside its row.
SAMPLE_KEYS = {
    "bin:key:*": "bin:key:0123456789ab",
    "bin:keys": "bin:keys",
    "bin:idem:*": "bin:idem:k:x",
    "bin:rl:*": "bin:rl:k:x",
    "bin:report:*": "bin:report:x",
    "bin:trace:*": "bin:trace:x",
    "binrelay:dispatcher:*": "binrelay:dispatcher:timers",
    "bin:delivery:*": "bin:delivery:x",
    "bin:ack:sms:*": "bin:ack:sms:x",
    "bin:ack:chat:*": "bin:ack:chat:x",
    "bin:chat:dm:*": "bin:chat:dm:x",
}
LIMITED = [u for u in USERS if not u.all_access]


def _outside(user: RedisUser) -> str:
    """A key none of the user's patterns (read or write) covers."""
    mine = set(user.keys) | set(user.read_keys)
    return next(key for pattern, key in SAMPLE_KEYS.items() if pattern not in mine)


async def test_an_unauthenticated_client_is_refused_every_command(redis_url: str) -> None:
    """Given the session's Redis (ACL users on, as `make up` starts it),
    when a client that has not authenticated sends commands (plain RESP, as redis-cli does),
    then each is refused with NOAUTH — reading a key record, writing one, even PING."""
    from binrelay_ingest.resp import RespClient, RespError

    anonymous = RespClient(redis_url)
    try:
        for command in (("PING",), ("HGETALL", "bin:key:0123456789ab"), ("HSET", "bin:key:x", "role", "police")):
            reply = await anonymous.call(*command)
            assert isinstance(reply, RespError) and str(reply).startswith("NOAUTH"), reply
    finally:
        await anonymous.close()
    assert await _exists_as_admin(redis_url, "bin:key:x") == 0


async def _exists_as_admin(redis_url: str, key: str) -> int:
    admin = admin_redis(redis_url)
    try:
        return int(await admin.exists(key))
    finally:
        await admin.aclose()


async def test_a_wrong_password_is_refused(redis_url: str) -> None:
    """Given a service user,
    when a client logs in with a wrong password,
    then Redis refuses it (WRONGPASS)."""
    client = Redis.from_url(redis_url, username="ingest", password="not-the-password")
    try:
        with pytest.raises((AuthenticationError, AuthenticationWrongNumberOfArgsError)):
            await client.ping()
    finally:
        await client.aclose()


@pytest.mark.parametrize("user", LIMITED, ids=[u.name for u in LIMITED])
async def test_each_service_user_is_refused_outside_its_row(redis_url: str, user: RedisUser) -> None:
    """Given a service's Redis user, from the ACL table,
    when it writes a key outside its patterns, reads one, and runs a command outside its row,
    then Redis refuses each (NOPERM) — while its own PING works."""
    client = user_redis(redis_url, user.name)
    key = _outside(user)
    try:
        assert await client.ping()
        with pytest.raises(NoPermissionError):
            await client.execute_command("SET", key, "forged")
        with pytest.raises(NoPermissionError):
            await client.execute_command("GET", key)
        for command in user.forbidden_example:
            with pytest.raises(NoPermissionError):
                await client.execute_command(command)
    finally:
        await client.aclose()


async def test_ingest_reads_key_records_but_cannot_write_them(redis_url: str) -> None:
    """Given ingest's Redis user (the one exposed to the internet),
    when it reads a key record and then tries to write one,
    then the read is allowed and the write refused: it cannot mint a credential."""
    assert "bin:key:*" in BY_NAME["ingest"].read_keys
    client = user_redis(redis_url, "ingest")
    try:
        assert await client.hgetall("bin:key:0123456789ab") == {}
        with pytest.raises(NoPermissionError):
            await client.hset("bin:key:0123456789ab", "role", "police")
    finally:
        await client.aclose()


async def test_the_admin_user_may_do_anything(redis_url: str) -> None:
    """Given the admin user (fixtures, operations),
    when it writes and deletes any key,
    then Redis allows it."""
    client = admin_redis(redis_url)
    try:
        await client.set("bin:test:admin", "1")
        assert await client.delete("bin:test:admin") == 1
    finally:
        await client.aclose()


def _service(binary: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(REPO / ".venv" / "bin" / binary), *args], env=env, capture_output=True, text=True, timeout=60, cwd=REPO
    )


@pytest.mark.parametrize(
    ("binary", "args", "user"),
    [("binrelay-classifier", (), "classifier"), ("binrelay-ingest", (), "ingest"),
     ("binrelay-sender", ("--channel", "email"), "sender-email")],
)  # fmt: skip
def test_a_service_with_a_missing_or_wrong_redis_secret_stops_at_start_naming_the_setting(
    redis_url: str, secrets_dir: Path, tmp_path: Path, binary: str, args: tuple[str, ...], user: str
) -> None:
    """Given a service started against the session's Redis,
    when its Redis password file is missing, and when it holds a wrong password,
    then the process exits 2 at once, naming BINRELAY_REDIS_PASSWORD, never printing a password."""
    base = {**os.environ, "BINRELAY_REDIS_URL": redis_url, "BINRELAY_KAFKA": "127.0.0.1:1",
            "BINRELAY_SECRETS_DIR": str(secrets_dir)}  # fmt: skip
    missing = _service(binary, {**base, "BINRELAY_REDIS_PASSWORD_FILE": str(tmp_path / "nope")}, *args)
    assert missing.returncode == 2, missing.stderr[-2000:]
    assert "BINRELAY_REDIS_PASSWORD" in missing.stderr
    wrong_file = tmp_path / "wrong"
    wrong_file.write_text("not-the-password\n")
    wrong = _service(binary, {**base, "BINRELAY_REDIS_PASSWORD_FILE": str(wrong_file)}, *args)
    assert wrong.returncode == 2, wrong.stderr[-2000:]
    assert "BINRELAY_REDIS_PASSWORD" in wrong.stderr and user in wrong.stderr
    real = (secrets_dir / "redis" / user).read_text().strip()
    assert real not in missing.stderr + missing.stdout + wrong.stderr + wrong.stdout
    assert "not-the-password" not in wrong.stderr + wrong.stdout


async def _metrics_page(client: Any, port: int) -> str:
    """A service's /metrics page, once it serves it (a service may still be starting)."""
    import asyncio
    import time

    import httpx

    deadline = time.monotonic() + 180  # bounds a hang only: a service starts slowly on a busy machine
    while True:
        try:
            return str((await client.get(f"http://127.0.0.1:{port}/metrics")).text)
        except httpx.ConnectError:
            assert time.monotonic() < deadline, f"no metrics on port {port}"
            await asyncio.sleep(0.1)


def _secret_values(secrets_dir: Path) -> dict[str, str]:
    return {p.name: p.read_text().strip() for p in secrets_dir.rglob("*") if p.is_file() and p.name != "users.acl"}


async def test_no_secret_value_appears_in_any_service_log_or_metrics_page(pipeline: Any, secrets_dir: Path) -> None:
    """Given the running pipeline (ingest, classifier, privacy-filter, dispatcher, observer; DEBUG
    logs) and the session's secrets (Redis passwords, the API key MAC secret, the ack and webhook
    keys, the SMS gateway token),
    when a report goes through it with a key made by `create_key`,
    then no service's log output nor any metrics page holds any secret's value."""
    import httpx

    from binrelay_ingest.keys import create_key
    from tests.redis_helpers import mac_key

    redis = admin_redis(pipeline.settings.redis_url)
    try:
        key, _ = await create_key(redis, mac_key=mac_key(), role="adapter", zone="5339", adapter="webhook",
                                  label="secrets test")  # fmt: skip
    finally:
        await redis.aclose()
    async with httpx.AsyncClient(timeout=30) as client:
        body = {"text": "Verdachte man kijkt in autos, Grote Zavel", "reporter": {"ref": "s-1"}}
        resp = await client.post(f"{pipeline.ingest_url}/v1/reports", headers={"Authorization": f"Bearer {key}"},
                                 json=body)  # fmt: skip
        assert resp.status_code == 202, resp.text
        pages = [await _metrics_page(client, port) for port in pipeline.metrics_ports.values()]
    values = _secret_values(secrets_dir)
    assert len(values) >= 10
    seen = pipeline.log_text() + "\n".join(pages)
    assert seen.strip()
    leaked = [name for name, value in values.items() if value and value in seen]
    assert leaked == []
