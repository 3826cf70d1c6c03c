"""Consent a member changed by themselves (STOP by SMS), over what the members file says.

The members file says who signed the house rules and on which channels to reach them. A member
who texts STOP / UIT / ARRET withdraws their consent for SMS: the SMS adapter records it here
(when and how), the dispatcher reads it before each batch and plans without that member's SMS
address (their next channel is used; with no other channel they are skipped, ``no_channel``).

Behind :class:`ConsentOverrides` so that the store can move (issue 17 puts members in a database);
:class:`RedisConsent` keeps one hash, ``bin:consent:sms`` (member id → ``{"at", "how"}``): member
ids only, no address. :func:`without_sms` is the pure part.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import orjson
from redis.asyncio import Redis

from .network import Network

SMS_WITHDRAWN_KEY = "bin:consent:sms"


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
        value = orjson.dumps({"at": at.isoformat(), "how": how})
        await self.redis.hsetnx(SMS_WITHDRAWN_KEY, member_id, value)  # the first withdrawal's time stays

    async def sms_withdrawn(self) -> dict[str, Withdrawal]:
        raw = await self.redis.hgetall(SMS_WITHDRAWN_KEY)
        out: dict[str, Withdrawal] = {}
        for k, v in raw.items():
            data = orjson.loads(v)
            out[k.decode() if isinstance(k, bytes) else k] = Withdrawal(datetime.fromisoformat(data["at"]), data["how"])
        return out

    async def restore_sms(self, member_id: str) -> None:
        """An operator's undo (the member asked to get SMS again)."""
        await self.redis.hdel(SMS_WITHDRAWN_KEY, member_id)


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
