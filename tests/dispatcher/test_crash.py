"""A dispatcher killed between its Redis claims and its publish loses nothing (real processes).

The dispatcher runs as a real process on the session's Kafka and Redis with the seed plans (ids
prefixed ``crash-``, its own consumer group and Redis database). The first process kills itself
(SIGKILL: no release, no commit) the moment it is about to publish a chunk holding the test's
reports (crashing_dispatcher.py); a normal one is then started in the same group. Every report
must reach the zone, and every job of the police alarms its outbox, AT LEAST once (the senders
dedup by idempotency key, so a duplicate is harmless; a loss is not).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from binrelay_dispatcher import state
from binrelay_shared import topics
from binrelay_shared.codec import encode
from binrelay_shared.events import ReportCleared, utcnow
from binrelay_shared.settings import Settings
from tests.kafka_helpers import TopicReader, produce
from tests.redis_helpers import admin_redis

from .conftest import _start, _write_plans
from .helpers import cleared

pytestmark = pytest.mark.integration

ZONE = "5339"
HERE = Path(__file__).resolve().parent


@dataclass
class Harness:
    kafka: str
    redis: Redis
    env: dict[str, str]
    log: Path


@pytest.fixture
async def harness(settings: Settings, tmp_path: Path) -> AsyncIterator[Harness]:
    plans, members = _write_plans(tmp_path, prefix="crash-")
    redis_url = settings.redis_url.rsplit("/", 1)[0] + "/3"
    redis = admin_redis(redis_url)
    await redis.flushdb()
    env = {
        **os.environ,
        "BINRELAY_KAFKA": settings.kafka,
        "BINRELAY_REDIS_URL": redis_url,
        "BINRELAY_ZONE_ID": settings.zone_id,
        "BINRELAY_NETWORKS_DIR": str(plans),
        "BINRELAY_MEMBERS_FILE": str(members),
        "BINRELAY_DISPATCHER_NAME": f"dispatcher-crash-{tmp_path.name}",  # a new group: no old offsets
        "BINRELAY_DISPATCHER_TICK_SECONDS": "0.2",
        "BINRELAY_LOG_JSON": "true",
        "BINRELAY_LOG_LEVEL": "DEBUG",
        "BINRELAY_METRICS_PORT": "0",
    }
    yield Harness(settings.kafka, redis, env, tmp_path / "dispatcher.log")
    await redis.aclose()


def _reports() -> list[ReportCleared]:
    """Police alarms (7 jobs each in Zavel), urgent and non-urgent member reports, three networks."""
    at = utcnow() - timedelta(minutes=1)
    out = [cleared("crash-zavel", at, origin="police", kind="alarm", urgency="urgent", text=f"Alarm {i}")
           for i in range(3)]
    out += [cleared("crash-meudon", at, urgency="urgent", category="burglary", text=f"Inbraak {i}") for i in range(5)]
    out += [cleared(("crash-zavel", "crash-kastelein", "crash-meudon")[i % 3], at, text=f"Melding {i}")
            for i in range(40)]
    return out


async def _post(kafka: str, reports: list[ReportCleared]) -> None:
    for r in reports:  # as the privacy filter publishes them: key = network id
        await produce(kafka, topics.REPORTS_CLEARED, [encode(r)], key=(r.network_id or "").encode())


async def _gather(readers: TopicReader | list[TopicReader], wanted: Callable[[dict[str, Any]], bool], field: str,
                  count: int, timeout: float = 30) -> set[str]:
    """The distinct ``field`` values of the ``wanted`` messages, once there are ``count`` (or at the timeout)."""
    readers = readers if isinstance(readers, list) else [readers]
    deadline = time.monotonic() + timeout
    found: set[str] = set()
    while len(found) < count and time.monotonic() < deadline:
        for reader in readers:
            with contextlib.suppress(AssertionError):  # read for a moment; what arrived is in .seen
                await reader.wait_for(lambda m: False, timeout=0.2)
        found = {m[field] for reader in readers for m in reader.seen if wanted(m)}
    return found


async def test_a_dispatcher_killed_between_its_claims_and_its_publish_loses_nothing(harness: Harness) -> None:
    """Given cleared reports — police alarms, urgent and ordinary member reports — on the topic,
    when the dispatcher is killed (SIGKILL) after claiming them in Redis and before publishing,
    and a new dispatcher process is started in its place,
    then every report's Dispatch reaches the zone and every alarm job its outbox, at least once,
    and their claims end confirmed (``done``)."""
    reports = _reports()
    alarms = [r for r in reports if r.report.kind.value == "alarm"]
    ids = {r.report_id for r in reports}
    zone = await TopicReader(harness.kafka, topics.dispatch(ZONE)).start()
    outboxes = [await TopicReader(harness.kafka, topics.outbox(c)).start() for c in ("sms", "email", "chat")]
    procs: list[subprocess.Popen[bytes]] = []
    try:
        await _post(harness.kafka, reports)
        crashing = _start({**harness.env, "BINRELAY_TEST_CRASH_ON": ",".join(sorted(ids))}, harness.log,
                          [sys.executable, str(HERE / "crashing_dispatcher.py")])
        procs.append(crashing)
        rc = await asyncio.to_thread(crashing.wait, 60)
        assert rc == -9, "the dispatcher did not crash as planned:\n" + harness.log.read_text()[-3000:]
        claimed = [r.report_id for r in reports if await harness.redis.exists(state.seen_key(r.report_id))]
        assert claimed, "the crash came before any claim: nothing tested"

        procs.append(_start(harness.env, harness.log))
        dispatched = await _gather(zone, lambda m: m.get("report_id") in ids and m.get("routes") != ["no-plan"],
                                   "report_id", len(ids), timeout=60)
        missing = ids - dispatched
        lost = [i for i in claimed if i in missing]
        assert not missing, f"{len(missing)} report(s) never dispatched, {len(lost)} of them claimed by the killed one"
        alarm_ids = {r.report_id for r in alarms}
        jobs = await _gather(outboxes, lambda m: m.get("report_id") in alarm_ids, "delivery_id", 7 * len(alarms))
        assert len(jobs) == 7 * len(alarms), f"{len(jobs)}/{7 * len(alarms)} alarm jobs published"
        for _ in range(50):  # the claims are confirmed right after Kafka acknowledged the outputs
            values = {await harness.redis.get(state.seen_key(i)) for i in ids}
            if values == {b"done"}:
                break
            await asyncio.sleep(0.1)
        assert values == {b"done"}
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
                try:
                    await asyncio.to_thread(p.wait, 15)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        await zone.stop()
        for reader in outboxes:
            await reader.stop()
