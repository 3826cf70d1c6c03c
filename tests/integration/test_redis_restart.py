"""Redis keeps, across a restart, what was written in a transaction or a script.

Found by the fault suite (bench/chaos.py, fault ``redis``): after ``redis.sh stop/start`` every
API key was gone (ingest answered 401 to every client) and so were the dispatcher's and the
senders' claims. Redis 7.0 (Debian 12's 7.0.15) replays its append-only file as the ``default``
user and re-checks ACLs at ``EXEC`` (redis/redis#14541, fixed upstream by #14545): with
``default`` denied every command, each ``MULTI … EXEC`` in the file — and each script's effects,
which Redis 7 writes as ``MULTI … EXEC`` — was refused ("NOPERM ACLs rules changed …") and
silently dropped on load. The ``default`` user is therefore off (nobody can log in as it, an
unauthenticated client still gets NOAUTH) but allowed every command, so the replay passes.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis
from redis.exceptions import AuthenticationError, ResponseError

from binrelay_shared.redis_acl import password_file
from tests.conftest import LOCAL, free_port

pytestmark = pytest.mark.integration


@pytest.fixture
def own_redis(tmp_path: Path, secrets_dir: Path) -> Iterator[tuple[dict[str, str], int]]:
    port = free_port()
    env = {**os.environ, "REDIS_PORT": str(port), "REDIS_DATA_DIR": str(tmp_path / "redis"),
           "BINRELAY_SECRETS_DIR": str(secrets_dir)}
    subprocess.run([str(LOCAL / "redis.sh"), "start"], env=env, check=True)
    try:
        yield env, port
    finally:
        subprocess.run([str(LOCAL / "redis.sh"), "stop"], env=env, check=False)


def _client(port: int, secrets_dir: Path, user: str) -> Redis:
    return Redis(port=port, username=user, password=password_file(secrets_dir, user).read_text().strip())


def test_what_a_transaction_or_a_script_wrote_survives_a_restart(
    own_redis: tuple[dict[str, str], int], secrets_dir: Path
) -> None:
    """Given keys written in MULTI/EXEC (as `binrelay keys create` does) and by a Lua script (as the
    dispatcher's and senders' claims are), and one plain SET,
    when Redis is stopped and started again (its append-only file replayed),
    then every one of them is still there; and a client that does not log in still gets NOAUTH."""
    env, port = own_redis
    operator = _client(port, secrets_dir, "operator")
    pipe = operator.pipeline(transaction=True)
    pipe.hset("bin:key:chaos", "role", "adapter")
    pipe.sadd("bin:keys", "chaos")
    pipe.execute()
    admin = _client(port, secrets_dir, "admin")
    admin.eval("redis.call('SET', KEYS[1], ARGV[1]); return 1", 1, "binrelay:dispatcher:claim:x", "1")
    admin.set("plain", "1")
    operator.close()
    admin.close()

    subprocess.run([str(LOCAL / "redis.sh"), "stop"], env=env, check=True)
    subprocess.run([str(LOCAL / "redis.sh"), "start"], env=env, check=True)

    admin = _client(port, secrets_dir, "admin")
    try:
        assert admin.get("plain") == b"1"
        assert admin.hget("bin:key:chaos", "role") == b"adapter", "a MULTI/EXEC write was lost on restart"
        assert admin.sismember("bin:keys", "chaos")
        assert admin.get("binrelay:dispatcher:claim:x") == b"1", "a script's write was lost on restart"
    finally:
        admin.close()
    anonymous = Redis(port=port)
    with pytest.raises((ResponseError, AuthenticationError), match=r"NOAUTH|authenticated"):
        anonymous.get("plain")
    with pytest.raises((AuthenticationError, ResponseError)):
        Redis(port=port, username="default", password="").get("plain")
    anonymous.close()
