"""A member's STOP by SMS is a consent entry in the member registry (SQLite and a real
PostgreSQL), published as a change, and a short-lived entry on the dispatcher's fast path (real
Redis) that gives way to the registry (binrelay_shared.members.stop, binrelay_shared.consent)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import timedelta

import pytest
from redis.asyncio import Redis

from binrelay_shared.consent import FAST_PATH_SECONDS, SMS_WITHDRAWN_KEY, STOP_HOW, RedisConsent
from binrelay_shared.events import utcnow
from binrelay_shared.members import Registry
from binrelay_shared.members.problems import Change
from binrelay_shared.members.record import Consent
from binrelay_shared.members.stop import RegistryConsent
from tests.redis_helpers import admin_redis

from .test_registry import rec


@pytest.fixture
async def fast(redis_url: str) -> AsyncIterator[Redis]:
    redis = admin_redis(redis_url.rsplit("/", 1)[0] + "/11")
    await redis.delete(SMS_WITHDRAWN_KEY)
    yield redis
    await redis.delete(SMS_WITHDRAWN_KEY)
    await redis.aclose()


async def test_a_stop_withdraws_sms_consent_in_the_registry_and_on_the_fast_path(
        registry: Registry, fast: Redis) -> None:
    """Given a member with consent on SMS and e-mail,
    when they text STOP,
    then the registry holds SMS consent withdrawn (when, "sms STOP", by the member), e-mail
    consent unchanged, a history entry by the member; the change is published; the member as
    the dispatcher reads them has no SMS any more; and the fast path has the entry."""
    given = {"at": "2026-11-01T09:00:00+00:00", "how": "form", "by": "zavel-coord-1"}
    await registry.add(rec("zavel-stop-1", email="stop.one@example.org", channel_order=["sms", "email"],
                           consent={"sms": given, "email": given}), by="zavel-coord-1")
    published: list[Change] = []

    async def publish(changes: Sequence[Change]) -> None:
        published.extend(changes)

    now = utcnow()
    await RegistryConsent(registry, RedisConsent(fast), publish).withdraw_sms("zavel-stop-1", now)

    member = await registry.get("zavel-stop-1")
    sms, email = member.consent["sms"], member.consent["email"]
    assert (sms.given, sms.at, sms.how, sms.by) == (False, now, STOP_HOW, "zavel-stop-1")
    assert email.given and email.how == "form"
    assert (await registry.history("zavel-stop-1"))[-1]["by"] == "zavel-stop-1"
    assert [c.member_id for c in published] == ["zavel-stop-1"]
    view = (await registry.members(["zavel-stop-1"]))["zavel-stop-1"]
    assert view is not None and [a.channel for a in view.channels] == ["email"]
    assert set(await RedisConsent(fast).sms_withdrawn()) == {"zavel-stop-1"}


async def test_the_fast_path_gives_way_to_the_registry_after_its_window(registry: Registry, fast: Redis) -> None:
    """Given a STOP recorded, then SMS consent given again in the registry (the coordinator,
    on the member's request),
    then the fast path holds the STOP for FAST_PATH_SECONDS only (after that the dispatcher
    routes with what the registry says: SMS again), and the next STOP drops the stale entry."""
    await registry.add(rec("zavel-stop-2", "+32470123459"), by="zavel-coord-1")
    fast_path = RedisConsent(fast)

    async def publish(changes: Sequence[Change]) -> None:
        return None

    stop = utcnow() - timedelta(seconds=FAST_PATH_SECONDS - 60)
    await RegistryConsent(registry, fast_path, publish).withdraw_sms("zavel-stop-2", stop)
    assert set(await fast_path.sms_withdrawn()) == {"zavel-stop-2"}
    assert set(await fast_path.sms_withdrawn(stop + timedelta(seconds=FAST_PATH_SECONDS + 1))) == set()

    regiven = (await registry.get("zavel-stop-2")).model_copy(update={"consent": {
        "sms": Consent(given=True, at=utcnow(), how="phone call", by="zavel-coord-1")}})
    await registry.update(regiven, by="zavel-coord-1")
    view = (await registry.members(["zavel-stop-2"]))["zavel-stop-2"]
    assert view is not None and [a.channel for a in view.channels] == ["sms"]

    await registry.add(rec("zavel-stop-3", "+32470123460"), by="zavel-coord-1")
    later = stop + timedelta(seconds=FAST_PATH_SECONDS + 1)
    await RegistryConsent(registry, fast_path, publish).withdraw_sms("zavel-stop-3", later)
    assert set(await fast.hkeys(SMS_WITHDRAWN_KEY)) == {b"zavel-stop-3"}  # the stale entry dropped


async def test_a_stop_from_a_member_no_more_in_the_registry_publishes_nothing(registry: Registry, fast: Redis) -> None:
    published: list[Change] = []

    async def publish(changes: Sequence[Change]) -> None:
        published.extend(changes)

    await RegistryConsent(registry, RedisConsent(fast), publish).withdraw_sms("zavel-gone-1", utcnow())
    assert published == [] and set(await RedisConsent(fast).sms_withdrawn()) == {"zavel-gone-1"}
