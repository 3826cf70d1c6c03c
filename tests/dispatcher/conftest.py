"""A dispatcher process of its own for the end-to-end tests, on the session's real Kafka and Redis.

It runs the SEED plans, copied with their ids prefixed ``e2e-`` (so the pipeline fixture's own
dispatcher, which does not know these networks, only forwards them to the zone) and with
acknowledgement timeouts of seconds instead of minutes. It has its own consumer group and Redis
database, so it never competes with another dispatcher of the same test session.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from binrelay_shared import topics
from binrelay_shared.codec import encode
from binrelay_shared.events import ReportCleared, utcnow
from binrelay_shared.settings import Settings
from tests.kafka_helpers import TopicReader, produce

from .helpers import MEMBERS_FILE, NETWORKS_DIR, REPO, cleared

# Meudon's is long enough that a coordinator's OK, sent as soon as the test sees the alert, arrives
# before it on a loaded machine (test_acknowledged_report_is_not_escalated_and_unacknowledged_one_is).
ACK_TIMEOUTS = {"zavel": "3s", "meudon": "30s"}


@dataclass
class E2E:
    kafka: str
    redis_url: str
    env: dict[str, str]
    log: Path

    async def post(self, *reports: ReportCleared) -> None:
        """Publish cleared reports as the privacy filter does (key = network id)."""
        for r in reports:
            await produce(self.kafka, topics.REPORTS_CLEARED, [encode(r)], key=(r.network_id or "").encode())


def _write_plans(directory: Path, prefix: str = "e2e-") -> tuple[Path, Path]:
    """The seed plans and members with network ids prefixed ``prefix``, written in ``directory``."""
    plans = directory / "networks"
    plans.mkdir()
    for src in NETWORKS_DIR.glob("*.yaml"):
        text = src.read_text("utf-8").replace(f"\nid: {src.stem}\n", f"\nid: {prefix}{src.stem}\n")
        if src.stem in ACK_TIMEOUTS:
            text = text.replace("timeout: 10m", f"timeout: {ACK_TIMEOUTS[src.stem]}")
        (plans / f"{prefix}{src.stem}.yaml").write_text(text, "utf-8")
    members = MEMBERS_FILE.read_text("utf-8")
    for net in ("zavel", "kastelein", "meudon"):
        members = members.replace(f"networks: [{net}]", f"networks: [{prefix}{net}]")
    members_file = directory / "members.yaml"
    members_file.write_text(members, "utf-8")
    return plans, members_file


def _start(env: dict[str, str], log: Path, argv: list[str] | None = None) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(argv or [str(REPO / ".venv" / "bin" / "binrelay-dispatcher")], env=env, stdout=out,
                                stderr=out, cwd=REPO)


def dispatcher_env(settings: Settings, redis_url: str, plans: Path, members: Path, name: str) -> dict[str, str]:
    """The environment of a test's own dispatcher process: its plans, Redis database and group."""
    return {
        **os.environ,
        "BINRELAY_KAFKA": settings.kafka,
        "BINRELAY_REDIS_URL": redis_url,
        "BINRELAY_ZONE_ID": settings.zone_id,
        "BINRELAY_NETWORKS_DIR": str(plans),
        "BINRELAY_MEMBERS_FILE": str(members),
        "BINRELAY_DATABASE_URL": f"sqlite+aiosqlite:///{members.parent}/registry-{name}.db",  # seeded from members
        "BINRELAY_DISPATCHER_NAME": name,
        "BINRELAY_DISPATCHER_TICK_SECONDS": "0.2",
        "BINRELAY_LOG_JSON": "true",
        "BINRELAY_LOG_LEVEL": "DEBUG",
    }


def _tail(log: Path) -> str:
    return log.read_text()[-3000:]


async def wait_ready(settings: Settings, proc: subprocess.Popen[bytes], log: Path, probe_network: str) -> None:
    """Until the dispatcher has dispatched a probe of ``probe_network`` with a plan (any other
    dispatcher of the session says ``no-plan``)."""
    reader = await TopicReader(settings.kafka, topics.dispatch(settings.zone_id)).start()
    try:
        probe = cleared(probe_network, utcnow(), text="probe")
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise RuntimeError("dispatcher exited at start:\n" + _tail(log))
            await produce(settings.kafka, topics.REPORTS_CLEARED, [encode(probe)], key=probe_network.encode())
            try:
                await reader.wait_for(
                    lambda m: m.get("report_id") == probe.report_id and m.get("routes") != ["no-plan"],
                    timeout=3,
                )
                return
            except AssertionError:
                if time.monotonic() > deadline:
                    raise RuntimeError("dispatcher not ready in 90 s:\n" + _tail(log)) from None
    finally:
        await reader.stop()


async def stop_process(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        await asyncio.to_thread(proc.wait, 15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
async def e2e(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[E2E]:
    """The dispatcher (real process) with the e2e copies of the seed plans; ready when yielded."""
    work = tmp_path_factory.mktemp("dispatcher-e2e")
    plans, members = _write_plans(work)
    redis_url = settings.redis_url.rsplit("/", 1)[0] + "/1"
    env = dispatcher_env(settings, redis_url, plans, members, "dispatcher-e2e")
    log = work / "dispatcher.log"
    proc = _start(env, log)
    harness = E2E(settings.kafka, redis_url, env, log)
    try:
        await wait_ready(settings, proc, log, "e2e-kastelein")
        yield harness
    finally:
        await stop_process(proc)
