"""Idempotency claims in a real Redis: one sender per key, leases that expire when a sender dies."""

from __future__ import annotations

import asyncio

import pytest

from binrelay_senders.idempotency import Claims
from binrelay_shared.events import new_id
from tests.redis_helpers import admin_redis

pytestmark = pytest.mark.integration


async def test_a_claim_held_by_a_dead_sender_is_taken_over_when_its_lease_expires(redis_url: str) -> None:
    """Given sender A claimed a key and died (its lease is 1 s),
    when sender B wants the same key, then B waits and gets it once the lease has expired."""
    redis = admin_redis(redis_url)
    key = new_id()
    a, b = Claims(redis, "A", 1, 60), Claims(redis, "B", 1, 60)
    try:
        first = await a.claim(key, "d1")
        assert first.acquired
        loop = asyncio.get_running_loop()
        started = loop.time()
        second = await b.claim(key, "d1")
        assert second.acquired and loop.time() - started >= 0.5
        assert not await a.done(key, first.token, "d1", "delivered")  # A's claim is gone
        assert await b.done(key, second.token, "d1", "delivered")
    finally:
        await redis.aclose()


async def test_done_keys_tell_redeliveries_duplicates_and_new_attempts_apart(redis_url: str) -> None:
    """Given a key marked done,
    when the same delivery comes again, then it learns the recorded outcome (nothing to send);
    when another delivery of a delivered key comes, then it is not acquired (a duplicate);
    when another delivery of a failed key comes, then it may try again."""
    redis = admin_redis(redis_url)
    claims = Claims(redis, "A", 5, 60)
    delivered, failed = new_id(), new_id()
    try:
        c = await claims.claim(delivered, "d1")
        await claims.done(delivered, c.token, "d1", "delivered")
        again = await claims.claim(delivered, "d1")
        assert (again.acquired, again.done_delivery_id, again.done_outcome) == (False, "d1", "delivered")
        other = await claims.claim(delivered, "d2")
        assert (other.acquired, other.done_delivery_id) == (False, "d1")

        c = await claims.claim(failed, "d1")
        await claims.done(failed, c.token, "d1", "failed")
        retry = await claims.claim(failed, "d2")
        assert retry.acquired
    finally:
        await redis.aclose()
