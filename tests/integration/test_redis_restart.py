"""What Redis holds survives its restart — transactions and Lua scripts' writes included.

Redis replays its append-only file as the ``default`` user and re-checks each MULTI/EXEC block
against that user's permissions; with the default user switched off *and* stripped of every
permission, each block was dropped without a word (redis/redis#14541): after a restart, every
API key (written in a transaction), idempotency record and dispatcher claim (written by Lua
scripts, which the AOF records as MULTI/EXEC) was gone, while plain SETs survived. On a private
Redis (deploy/local/redis.sh, ACL users on, as `make up` runs it), killed with SIGKILL.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import LOCAL, free_port
from tests.redis_helpers import admin_redis, user_redis

pytestmark = pytest.mark.integration

KEYS = ("bin:key:0123456789ab", "bin:idem:by-a-script", "bin:idem:by-the-same-script", "bin:idem:plain")


@pytest.fixture
def private_redis(tmp_path: Path, secrets_dir: Path) -> Iterator[tuple[str, dict[str, str]]]:
    port = free_port()
    env = {**os.environ, "REDIS_PORT": str(port), "REDIS_DATA_DIR": str(tmp_path / "redis"),
           "BINRELAY_SECRETS_DIR": str(secrets_dir)}  # fmt: skip
    subprocess.run([str(LOCAL / "redis.sh"), "start"], env=env, check=True)
    try:
        yield f"redis://127.0.0.1:{port}/0", env
    finally:
        subprocess.run([str(LOCAL / "redis.sh"), "stop"], env=env, check=False)


async def _write(url: str) -> None:
    ingest, operator = user_redis(url, "ingest"), user_redis(url, "operator")
    try:
        pipe = operator.pipeline(transaction=True)  # MULTI/EXEC, as `binrelay keys create` writes a key
        pipe.hset("bin:key:0123456789ab", mapping={"role": "adapter"})
        pipe.sadd("bin:keys", "0123456789ab")
        await pipe.execute()
        # A Lua script's writes (the gate, the dispatcher's claims): recorded in the AOF as MULTI/EXEC.
        await ingest.eval("redis.call('SET', KEYS[1], 'P:x'); redis.call('SET', KEYS[2], 'P:y'); return 1",
                          2, "bin:idem:by-a-script", "bin:idem:by-the-same-script")
        await ingest.set("bin:idem:plain", "1")
        await _on_disk(url)
    finally:
        await ingest.aclose()
        await operator.aclose()


async def _on_disk(url: str, timeout: float = 120) -> None:
    """Until Redis has written its append-only buffer to the file and no fsync is pending
    (appendfsync everysec: within a second on an idle machine, later on a busy disk — Redis even
    postpones the write while a slow fsync runs), read from INFO persistence rather than guessed."""
    admin = admin_redis(url)
    deadline = time.monotonic() + timeout
    try:
        while True:
            info = await admin.info("persistence")
            if info.get("aof_buffer_length") == 0 and info.get("aof_pending_bio_fsync") == 0:
                return
            assert time.monotonic() < deadline, f"the append-only file was not written within {timeout} s: {info}"
            await asyncio.sleep(0.1)
    finally:
        await admin.aclose()


async def _present(url: str) -> dict[str, bool]:
    admin = admin_redis(url)
    try:
        return {k: bool(await admin.exists(k)) for k in KEYS}
    finally:
        await admin.aclose()


def test_writes_in_transactions_and_scripts_survive_a_redis_restart(
    private_redis: tuple[str, dict[str, str]],
) -> None:
    """Given Redis as `make up` runs it (ACL users, the default user off, append-only file),
    when a service writes in a MULTI/EXEC transaction, in a Lua script and with a plain SET,
    and Redis is killed with SIGKILL and started again on the same data,
    then every one of those keys is there; and an unauthenticated client is still refused."""
    url, env = private_redis
    asyncio.run(_write(url))
    pid = int((Path(env["REDIS_DATA_DIR"]) / "redis.pid").read_text())
    os.kill(pid, signal.SIGKILL)
    while Path(f"/proc/{pid}").exists():
        time.sleep(0.05)
    subprocess.run([str(LOCAL / "redis.sh"), "start"], env=env, check=True)
    assert asyncio.run(_present(url)) == dict.fromkeys(KEYS, True)
    from binrelay_ingest.resp import RespClient, RespError

    async def anonymous() -> object:
        client = RespClient(url)
        try:
            return await client.call("GET", "bin:idem:plain")
        finally:
            await client.close()

    reply = asyncio.run(anonymous())
    assert isinstance(reply, RespError) and str(reply).startswith("NOAUTH"), reply
