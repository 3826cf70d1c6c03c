"""The report trace on a real Redis: one script call per batch, read back oldest first."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from redis.asyncio import Redis

from binrelay_shared import trace
from tests.redis_helpers import admin_redis


async def test_a_batch_of_entries_is_recorded_with_expiry_and_read_back_in_order(redis_url: str) -> None:
    # Given a batch stamped at one time and a later one, with a duplicate entry
    redis = admin_redis(redis_url)
    t1 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    t2 = t1 + timedelta(seconds=1)
    try:
        await trace.record(redis, [("r-1", "bin.reports.classified.v1", t1),
                                   ("r-2", "bin.reports.classified.v1", t1),
                                   ("r-1", "bin.reports.classified.v1", t1)], ttl_seconds=600)
        await trace.record(redis, [("r-1", "bin.dispatch.5339.v1", t2)], ttl_seconds=600)
        # When the trace is read
        first = await trace.read(redis, "r-1")
        second = await trace.read(redis, "r-2")
        ttl = await redis.ttl(trace.KEY.format("r-1"))
        # Then every topic reached is there with its time, oldest first, and the hash expires
        assert first == {"bin.reports.classified.v1": t1.isoformat(), "bin.dispatch.5339.v1": t2.isoformat()}
        assert list(second) == ["bin.reports.classified.v1"]
        assert 0 < ttl <= 600
        # And a server that lost its scripts (restart, SCRIPT FLUSH) is given the script again
        await redis.script_flush()
        await trace.record(redis, [("r-3", "bin.reports.cleared.v1", t2)], ttl_seconds=600)
        assert await trace.read(redis, "r-3") == {"bin.reports.cleared.v1": t2.isoformat()}
        # And an empty batch costs nothing
        await trace.record(redis, [], ttl_seconds=600)
    finally:
        await redis.aclose()


async def test_a_trace_writer_with_an_interval_writes_later_in_one_call_then_runs_its_riders(redis_url: str) -> None:
    """Given a trace writer that collects for 50 ms, with a rider,
    when two batches' entries are added,
    then nothing is written at once; within the interval both are, in one call,
    and the rider runs after the write; and close() writes what came after."""
    redis = admin_redis(redis_url)
    t1 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    ridden: list[dict[str, str]] = []

    async def rider() -> None:
        ridden.append(await trace.read(redis, "w-1"))

    writer = trace.TraceWriter(redis, ttl_seconds=600, interval=0.05)
    writer.riders.append(rider)
    calls = 0
    evalsha = redis.evalsha

    async def counting(*args: Any) -> Any:
        nonlocal calls
        calls += 1
        return await evalsha(*args)

    redis.evalsha = counting  # type: ignore[method-assign,assignment]
    try:
        await writer.add([("w-1", "bin.reports.classified.v1", t1)])
        await writer.add([("w-2", "bin.reports.classified.v1", t1 + timedelta(seconds=1))])
        assert calls == 0  # nothing written at once (no await since the adds: the writer could not run)
        deadline = time.monotonic() + 30  # bounds a hang; the interval itself is not timed
        while not ridden:
            assert time.monotonic() < deadline, "the writer never wrote"
            await asyncio.sleep(0.01)
        assert ridden == [{"bin.reports.classified.v1": t1.isoformat()}]
        assert await trace.read(redis, "w-2") != {}
        assert calls == 1
        await writer.add([("w-3", "bin.reports.cleared.v1", t1)])
        await writer.close()
        assert await trace.read(redis, "w-3") == {"bin.reports.cleared.v1": t1.isoformat()}
    finally:
        await redis.aclose()


async def test_a_trace_writer_never_raises_when_redis_is_away() -> None:
    """Given a trace writer whose Redis cannot be reached, when entries are written,
    then the pipeline is not stopped: the write is logged and the riders still run."""
    redis = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    ran: list[bool] = []

    async def rider() -> None:
        ran.append(True)

    writer = trace.TraceWriter(redis, ttl_seconds=600)
    writer.riders.append(rider)
    try:
        await writer.add([("x-1", "bin.reports.classified.v1", datetime(2026, 11, 30, tzinfo=UTC))])
        assert ran == [True]
    finally:
        await redis.aclose()
