"""A member's STOP by SMS, recorded where consent lives: the member registry.

:class:`RegistryConsent` is the SMS adapter's :class:`~binrelay_shared.consent.ConsentOverrides`:
a STOP becomes a consent entry of the member (SMS withdrawn, when, how ``sms STOP``, by the member
themselves), published as a members change (ids only) so that every process reads the member
again, and is also written to the dispatcher's fast path (:class:`~binrelay_shared.consent.RedisConsent`)
so that the next batch already honours it. The registry is written first: whatever reads the
fast path's entry can read the registry's too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from binrelay_shared.consent import STOP_HOW, RedisConsent, Withdrawal
from binrelay_shared.logging import get_logger

from .problems import Change, UnknownMember
from .registry import Registry, consent_withdrawn

log = get_logger(__name__)

Publish = Callable[[Sequence[Change]], Awaitable[object]]


class RegistryConsent:
    """SMS consent withdrawn in the registry, then on the fast path (see the module)."""

    def __init__(self, registry: Registry, fast: RedisConsent, publish: Publish) -> None:
        self.registry = registry
        self.fast = fast
        self.publish = publish

    async def withdraw_sms(self, member_id: str, at: datetime, how: str = STOP_HOW) -> None:
        """Record the withdrawal (raises when the registry or Kafka cannot take it now: the
        adapter answers "try again" and the gateway sends the STOP again)."""
        try:
            _, change = await consent_withdrawn(self.registry, member_id, "sms", at, how, by=member_id)
        except UnknownMember:  # removed since this process last read the members: nothing to withdraw
            log.info("STOP from a member no more in the registry")
        else:
            await self.publish([change])
        await self.fast.withdraw_sms(member_id, at, how)

    async def sms_withdrawn(self) -> dict[str, Withdrawal]:
        return await self.fast.sms_withdrawn()
