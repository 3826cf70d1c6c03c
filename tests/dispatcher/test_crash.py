"""A dispatcher killed between its Redis claims and its publish loses nothing (real processes).

The dispatcher runs as a real process on the session's Kafka and Redis with the seed plans (ids
prefixed ``crash-``, its own consumer group and Redis database). The first process kills itself
(SIGKILL: no release, no commit) the moment it is about to publish a chunk holding the test's
reports (crashing_dispatcher.py); a normal one is then started in the same group. Every report
must reach the zone, and every job of the police alarms its outbox, and — counted at the topics
as multisets, repeats included — exactly once.

What may repeat, and what may not:

* **Upstream, at least once** — records on ``bin.reports.cleared.v1``: a privacy filter killed
  after publishing and before committing publishes a report again, and the dispatcher's own
  uncommitted input is delivered again to its successor after the kill. The test posts some
  reports twice to stand for the first; the kill gives the second. The dispatcher's ``seen``
  claims in Redis absorb both.
* **Never twice on the wire** — the zone's Dispatch (``bin.dispatch.<zone>.v1`` is what the police
  zone reads: a repeat there is a duplicate report for the police) and the outbox jobs (one per
  report, recipient and channel: the senders would drop a repeat by its idempotency key, but it
  must not be made). The dispatcher's one window of its own — killed after Kafka acknowledged a
  chunk and before its claims were confirmed ``done`` — is not what this test kills in (it dies
  before publishing, and the test checks nothing of its reports reached the topics), so here every
  output must be there exactly once.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import time
from collections import Counter
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
        "BINRELAY_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/registry.db",  # seeded from members
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


Field = Callable[[dict[str, Any]], Any]


def _count(readers: list[TopicReader], wanted: Callable[[dict[str, Any]], bool], field: Field) -> Counter[Any]:
    """How many of the ``wanted`` messages read so far carry each ``field`` value: a multiset."""
    return Counter(field(m) for reader in readers for m in reader.seen if wanted(m))


async def _gather(readers: TopicReader | list[TopicReader], wanted: Callable[[dict[str, Any]], bool], field: Field,
                  count: int, timeout: float = 60) -> Counter[Any]:
    """The ``field`` values of the ``wanted`` messages, repeats counted, once ``count`` distinct ones
    arrived (or at the timeout: the assertions then say what is missing)."""
    readers = readers if isinstance(readers, list) else [readers]
    deadline = time.monotonic() + timeout
    found: Counter[Any] = Counter()
    while len(found) < count and time.monotonic() < deadline:
        for reader in readers:
            await _read_a_moment(reader)
        found = _count(readers, wanted, field)
    return found


async def _read_a_moment(reader: TopicReader) -> None:
    with contextlib.suppress(AssertionError):  # read for a moment; what arrived is in .seen
        await reader.wait_for(lambda m: False, timeout=0.2)


async def _read_to_end(readers: list[TopicReader], timeout: float = 60) -> None:
    """Read each topic up to its end offsets as they are now (no wall-clock guess of "quiet")."""
    for reader in readers:
        parts = list(reader.consumer.assignment())
        ends = await reader.consumer.end_offsets(parts)
        deadline = time.monotonic() + timeout
        while [tp for tp in parts if await reader.consumer.position(tp) < ends[tp]]:
            if time.monotonic() > deadline:
                raise AssertionError(f"{reader.topic} not read to its end within {timeout}s")
            await _read_a_moment(reader)


def _job_key(m: dict[str, Any]) -> tuple[str, str, str]:
    """A job's idempotency key (report, recipient, channel): what a duplicate job would share."""
    return (m["report_id"], m["recipient_id"], m["channel"])


async def test_a_dispatcher_killed_between_its_claims_and_its_publish_loses_nothing(harness: Harness) -> None:
    """Given cleared reports — police alarms, urgent and ordinary member reports, some of them
    published twice upstream (at least once) — on the topic,
    when the dispatcher is killed (SIGKILL) after claiming them in Redis and before publishing,
    and a new dispatcher process is started in its place,
    then, counted at the topics with repeats, every report's Dispatch reaches the zone exactly once
    and every alarm job its outbox exactly once, and their claims end confirmed (``done``)."""
    reports = _reports()
    alarms = [r for r in reports if r.report.kind.value == "alarm"]
    ids = {r.report_id for r in reports}
    again = reports[::4]  # upstream at least once: a privacy filter that published these twice
    zone = await TopicReader(harness.kafka, topics.dispatch(ZONE)).start()
    outboxes = [await TopicReader(harness.kafka, topics.outbox(c)).start() for c in ("sms", "email", "chat")]
    procs: list[subprocess.Popen[bytes]] = []

    def dispatched(m: dict[str, Any]) -> bool:
        return m.get("report_id") in ids and m.get("routes") != ["no-plan"]

    alarm_ids = {r.report_id for r in alarms}

    def alarm_job(m: dict[str, Any]) -> bool:
        return m.get("report_id") in alarm_ids

    try:
        await _post(harness.kafka, reports + again)
        crashing = _start({**harness.env, "BINRELAY_TEST_CRASH_ON": ",".join(sorted(ids))}, harness.log,
                          [sys.executable, str(HERE / "crashing_dispatcher.py")])
        procs.append(crashing)
        rc = await asyncio.to_thread(crashing.wait, 60)
        assert rc == -9, "the dispatcher did not crash as planned:\n" + harness.log.read_text()[-3000:]
        claimed = [r.report_id for r in reports if await harness.redis.exists(state.seen_key(r.report_id))]
        assert claimed, "the crash came before any claim: nothing tested"
        await _read_to_end([zone, *outboxes])
        before = _count([zone], dispatched, lambda m: m["report_id"]) + _count(outboxes, alarm_job, _job_key)
        assert not before, f"the killed dispatcher published {sum(before.values())} output(s): not the window tested"

        procs.append(_start(harness.env, harness.log))
        at_zone = await _gather(zone, dispatched, lambda m: m["report_id"], len(ids))
        missing = ids - set(at_zone)
        lost = [i for i in claimed if i in missing]
        assert not missing, f"{len(missing)} report(s) never dispatched, {len(lost)} of them claimed by the killed one"
        jobs = await _gather(outboxes, alarm_job, _job_key, 7 * len(alarms))
        assert len(jobs) == 7 * len(alarms), f"{len(jobs)}/{7 * len(alarms)} alarm jobs published"
        deadline = time.monotonic() + 60  # confirmed right after Kafka acknowledged the outputs
        while (values := {await harness.redis.get(state.seen_key(i)) for i in ids}) != {b"done"}:
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(0.1)
        assert values == {b"done"}
        # Confirmed means acknowledged by Kafka: everything the dispatcher made is on the topics now.
        await _read_to_end([zone, *outboxes])
        at_zone = _count([zone], dispatched, lambda m: m["report_id"])
        twice = {i: n for i, n in at_zone.items() if n > 1}
        assert not twice, f"{len(twice)} report(s) dispatched to the zone more than once: {twice}"
        assert at_zone == Counter(ids)
        jobs = _count(outboxes, alarm_job, _job_key)
        assert not {k: n for k, n in jobs.items() if n > 1}, "an alarm job published more than once"
        by_delivery = _count(outboxes, alarm_job, lambda m: m["delivery_id"])
        assert set(by_delivery.values()) == {1}
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
