"""Consent a member withdrew by themselves (STOP by SMS): the dispatcher's fast path.

The member registry holds consent per channel (given or withdrawn, when, how, by whom). A member
who texts STOP / UIT / ARRET withdraws their consent for SMS: the SMS adapter records it in the
registry (:class:`binrelay_shared.members.stop.RegistryConsent`: withdrawn, how ``sms STOP``, by
the member) and publishes the change — every process reads the member again and routes without
their SMS address from then on —, and also writes it here, so that the very next batch of every
dispatcher already plans without it (their next channel is used; with no other channel they are
skipped, ``no_channel``), before the change has reached it.

This fast path is a short-lived copy of what the registry says: the dispatcher honours an entry
for :data:`FAST_PATH_SECONDS` after the STOP (by then every process has read the registry again:
at the change event, at worst at its ``BINRELAY_MEMBERS_REFRESH_SECONDS`` reload), after which
only the registry counts — so consent given again there (``binrelay members update ID --consent
sms``, the API) is honoured within that time at most, and the two cannot disagree for longer.

:class:`RedisConsent` keeps one hash, ``bin:consent:sms`` (member id → ``{"at", "how"}``): member
ids only, no address; entries past the window are dropped at the next STOP. :func:`without_sms`
is the pure part.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

import orjson
from redis.asyncio import Redis

from .network import Network

SMS_WITHDRAWN_KEY = "bin:consent:sms"
#: How a STOP is recorded (the registry's consent entry, the fast path's).
STOP_HOW = "sms STOP"
#: How long the dispatcher honours a STOP from the fast path; then the registry alone counts.
#: Longer than the members' reload (BINRELAY_MEMBERS_REFRESH_SECONDS, 300 s by default).
FAST_PATH_SECONDS = 900.0


@dataclass(frozen=True)
class Withdrawal:
    """A member's withdrawal of consent for one channel: when, and how it was asked."""

    at: datetime
    how: str  # e.g. "sms:stop"


class ConsentOverrides(Protocol):
    """Where members' own consent changes are kept."""

    async def withdraw_sms(self, member_id: str, at: datetime, how: str) -> None: ...

    async def sms_withdrawn(self) -> dict[str, Withdrawal]: ...


class RedisConsent:
    """:class:`ConsentOverrides` in one Redis hash (kept until an operator removes the entry)."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def withdraw_sms(self, member_id: str, at: datetime, how: str) -> None:
        stale = [k for k, w in (await self._all()).items() if not _fresh(w, at)]
        if stale:  # past the window: the registry has them (and the hash stays small)
            await self.redis.hdel(SMS_WITHDRAWN_KEY, *stale)
        value = orjson.dumps({"at": at.isoformat(), "how": how})
        await self.redis.hsetnx(SMS_WITHDRAWN_KEY, member_id, value)  # a repeated STOP keeps the first time

    async def sms_withdrawn(self, now: datetime | None = None) -> dict[str, Withdrawal]:
        """The STOPs of the last :data:`FAST_PATH_SECONDS` (older ones: the registry says)."""
        now = now or datetime.now(UTC)
        return {k: w for k, w in (await self._all()).items() if _fresh(w, now)}

    async def _all(self) -> dict[str, Withdrawal]:
        raw = await self.redis.hgetall(SMS_WITHDRAWN_KEY)
        out: dict[str, Withdrawal] = {}
        for k, v in raw.items():
            data = orjson.loads(v)
            out[k.decode() if isinstance(k, bytes) else k] = Withdrawal(datetime.fromisoformat(data["at"]), data["how"])
        return out

    async def restore_sms(self, member_id: str) -> None:
        """An operator's undo (the member asked to get SMS again)."""
        await self.redis.hdel(SMS_WITHDRAWN_KEY, member_id)


def _fresh(withdrawal: Withdrawal, now: datetime) -> bool:
    return (now - withdrawal.at).total_seconds() < FAST_PATH_SECONDS


def without_sms(network: Network, member_ids: Collection[str]) -> Network:
    """``network`` as if these members had no SMS address (pure; the network itself unchanged)."""
    affected = [m for m in member_ids if m in network.members]
    if not affected:
        return network
    members = dict(network.members)
    for mid in affected:
        m = members[mid]
        members[mid] = m.model_copy(update={"channels": [a for a in m.channels if a.channel != "sms"]})
    return dataclasses.replace(network, members=members, _group=None, _addresses=None)
