"""Fixtures shared by every test tier.

The real parts (Kafka, Redis) are started once per test session on free loopback ports with
their own data directories, so a developer's `make up` stack and parallel test runs never
collide. Kafka comes from the project's own script (deploy/local/kafka.sh: Apache Kafka jars
from Maven Central), secure as `make up`'s: SASL_SSL/SCRAM, deny-by-default ACLs, the session's
own CA and passwords. Redis runs with ACL users (binrelay_shared.redis_acl). The session's
secrets — Kafka and Redis passwords, the CA, the API key MAC secret, the ack and webhook keys —
are generated into a temporary folder of their own, exported as BINRELAY_SECRETS_DIR for the
whole session, so every service the tests start connects as its own principal and user. Test
code that plays the operator (feeding or reading topics) connects as admin:
``tests.kafka_helpers.admin_kafka``. Set BINRELAY_TEST_KAFKA / BINRELAY_TEST_REDIS_URL (with
BINRELAY_SECRETS_DIR holding their passwords and tls/ca.pem) to use servers already running.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from binrelay_devservers.ports import free_port
from binrelay_shared.settings import Settings
from tests.redis_helpers import admin_redis

REPO = Path(__file__).resolve().parent.parent
LOCAL = REPO / "deploy" / "local"
TEST_ZONE = "5339"
# A broker a test (re)starts on a loaded 2-core machine may take longer than kafka.sh's 90 s to be
# ready (seen: a private broker's restart ready after 96 s at load 53): the bound only stops a
# hang, so every kafka.sh the tests run waits longer.
os.environ.setdefault("KAFKA_READY_SECONDS", "600")




def _prepare(bootstrap: str, secrets: Path) -> None:
    """The pipeline's topics, and the ACL table applied (as `make up` does)."""
    from binrelay_shared.kafka import ensure_topics
    from binrelay_shared.zones import admin_config, apply_table

    s = Settings(kafka=bootstrap, secrets_dir=secrets)
    asyncio.run(ensure_topics(admin_config(s), [TEST_ZONE]))
    apply_table(s)


@pytest.fixture(scope="session")
def kafka_bootstrap(tmp_path_factory: pytest.TempPathFactory, secrets_dir: Path) -> Iterator[str]:
    """Bootstrap address of a real, secure Kafka broker with the pipeline's topics and ACLs."""
    given = os.environ.get("BINRELAY_TEST_KAFKA")
    if given:
        _prepare(given, secrets_dir)
        yield given
        return
    port = free_port()
    env = {
        **os.environ,
        "KAFKA_PORT": str(port),
        "KAFKA_CTRL_PORT": str(free_port()),
        "KAFKA_DATA_DIR": str(tmp_path_factory.mktemp("kafka")),
        "BINRELAY_SECRETS_DIR": str(secrets_dir),
    }
    env.pop("KAFKA_SECURITY", None)
    subprocess.run([str(LOCAL / "kafka.sh"), "start"], env=env, check=True)
    bootstrap = f"127.0.0.1:{port}"
    try:
        _prepare(bootstrap, secrets_dir)
        yield bootstrap
    finally:
        subprocess.run([str(LOCAL / "kafka.sh"), "stop"], env=env, check=False)


# -- Redis security ---------------------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def secrets_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The session's secrets folder, every secret generated, exported as BINRELAY_SECRETS_DIR."""
    from binrelay_shared.local_secrets import ensure_all

    # Servers already running (BINRELAY_TEST_KAFKA / _REDIS_URL) come with the folder their users were made from.
    given = os.environ.get("BINRELAY_TEST_SECRETS_DIR") or (
        os.environ.get("BINRELAY_TEST_KAFKA") and os.environ.get("BINRELAY_SECRETS_DIR")
    )
    path = Path(given) if given else tmp_path_factory.mktemp("secrets")
    ensure_all(path)
    before = os.environ.get("BINRELAY_SECRETS_DIR")
    os.environ["BINRELAY_SECRETS_DIR"] = str(path)
    try:
        yield path
    finally:
        if before is None:
            os.environ.pop("BINRELAY_SECRETS_DIR", None)
        else:
            os.environ["BINRELAY_SECRETS_DIR"] = before


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory, secrets_dir: Path) -> Iterator[str]:
    """URL of a real Redis server (Debian's redis-server) for this test session, ACL users on."""
    given = os.environ.get("BINRELAY_TEST_REDIS_URL")
    if given:
        yield given
        return
    port = free_port()
    env = {**os.environ, "REDIS_PORT": str(port), "REDIS_DATA_DIR": str(tmp_path_factory.mktemp("redis")),
           "BINRELAY_SECRETS_DIR": str(secrets_dir)}  # fmt: skip
    subprocess.run([str(LOCAL / "redis.sh"), "start"], env=env, check=True)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        subprocess.run([str(LOCAL / "redis.sh"), "stop"], env=env, check=False)


@pytest.fixture(scope="session")
def postgres(secrets_dir: Path) -> Iterator[tuple[str, Path]]:
    """A real PostgreSQL (Debian's) for this session on a free port: (URL without password, password file).

    ``BINRELAY_TEST_POSTGRES`` (a URL; password in ``<secrets dir>/postgres/binrelay``): one already running."""
    import shutil
    import uuid

    given = os.environ.get("BINRELAY_TEST_POSTGRES")
    pwfile = secrets_dir / "postgres" / "binrelay"
    if given:
        yield given, pwfile
        return
    port = free_port()
    data = Path(f"/tmp/binrelay-pg-{uuid.uuid4().hex[:12]}")  # /tmp: the server's own user must reach it
    env = {**os.environ, "PG_PORT": str(port), "PG_DATA_DIR": str(data), "BINRELAY_SECRETS_DIR": str(secrets_dir)}
    subprocess.run([str(LOCAL / "postgres.sh"), "start"], env=env, check=True)
    try:
        yield f"postgresql+asyncpg://binrelay@127.0.0.1:{port}/binrelay", pwfile
    finally:
        subprocess.run([str(LOCAL / "postgres.sh"), "stop"], env=env, check=False)
        shutil.rmtree(data, ignore_errors=True)
        Path(f"{data}.initdb.log").unlink(missing_ok=True)


@pytest.fixture(scope="session")
def settings(
    kafka_bootstrap: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory, secrets_dir: Path
) -> Settings:
    """Settings pointing at the session's real Kafka and Redis."""
    return Settings(
        kafka=kafka_bootstrap,
        secrets_dir=secrets_dir,
        redis_url=redis_url,
        zone_id=TEST_ZONE,
        attachments_dir=tmp_path_factory.mktemp("attachments"),
        networks_dir=REPO / "deploy" / "networks",
        log_json=True,
    )


@pytest.fixture
async def redis_client(redis_url: str) -> AsyncIterator[object]:
    """A client of the session's Redis as its ``admin`` user."""
    client = admin_redis(redis_url)
    yield client
    await client.aclose()


# The running pipeline (services as processes), shared by every test directory in a session.
from tests.pipeline import pipeline  # noqa: E402, F401
