"""The report trace on a real Redis: one script call per batch, read back oldest first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from redis.asyncio import Redis

from binrelay_shared import trace


async def test_a_batch_of_entries_is_recorded_with_expiry_and_read_back_in_order(redis_url: str) -> None:
    # Given a batch stamped at one time and a later one, with a duplicate entry
    redis = Redis.from_url(redis_url)
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
