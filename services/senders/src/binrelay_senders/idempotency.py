"""At most one send per (report, recipient, channel): claims in Redis.

Key ``bin:delivery:<report>:<recipient>:<channel>`` (``DeliveryJob.idempotency_key``) holds:

* ``sending|<delivery_id>|<owner>`` with a short TTL (the lease) while a worker is sending;
* ``done|<delivery_id>|<outcome>`` with a long TTL once the job reached an outcome.

The protocol: claim with ``SET NX`` → send → mark ``done`` right away (one round trip, before the
outcome is published or the offset committed). A job that finds

* ``done`` with the **same** delivery id is a redelivery (the worker died after sending, before
  committing): its outcome is published again, nothing is sent;
* ``done|…|delivered`` with **another** delivery id: a duplicate job, outcome ``duplicate``;
* ``done|…|failed``/``fell_back`` with another delivery id: a new attempt, allowed;
* ``sending`` held by someone else: waits until it is done, or until the lease expires (the
  holder died) and then claims it.

**The at-least-once window**: a worker killed *after* the provider accepted a message and
*before* the ``done`` mark (one Redis round trip) leaves a ``sending`` claim; when its lease
expires the job is sent again. The receivers close that window where the protocol lets them:
the Matrix transaction id and the SMS gateway's ``Idempotency-Key`` are derived from the
idempotency key, so the homeserver / gateway drop the repeat; e-mail's ``Message-ID`` is
derived from it too, so a mail client shows one message (SMTP itself cannot dedup).

**Redis away at the done mark** (the process lives on): the worker remembers the provider's
answer in memory (``SenderWorker._settle``), retries the mark for ``sender_done_retry_seconds``,
and if the batch is retried it publishes the remembered outcome (writing the mark then) instead of
dropping the job as in flight or — its lease expired — sending it again. Only the process dying
in that window is left to the at-least-once handling above.

The first ``SET NX`` of a claim and the ``done`` mark of the jobs a worker handles at once travel
in one Redis pipeline per event-loop turn (:class:`~.pipeliner.Pipeliner`): the same commands,
each with its own answer, a round trip per batch instead of per job.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from redis.asyncio import Redis

from .pipeliner import Pipeliner

KEY = "bin:delivery:{}"

_MARK = """
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
  return 1
end
if not v then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
  return 2
end
return 0
"""

_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return 0
"""


@dataclass(frozen=True)
class Claim:
    """The result of claiming a key: ``acquired``, or the recorded ``done`` state."""

    acquired: bool
    token: str = ""
    done_delivery_id: str | None = None
    done_outcome: str | None = None


class Claims:
    """Claims on delivery keys, owned by one worker process (``owner``)."""

    def __init__(self, redis: Redis, owner: str, lease_seconds: int, done_ttl_seconds: int) -> None:
        self.redis = redis
        self.owner = owner
        self.lease_seconds = lease_seconds
        self.done_ttl_seconds = done_ttl_seconds
        self._pipe = Pipeliner(redis)

    def token(self, delivery_id: str) -> str:
        """The value of this owner's ``sending`` claim for ``delivery_id``."""
        return f"sending|{delivery_id}|{self.owner}"

    async def claim(self, idempotency_key: str, delivery_id: str, *, wait_seconds: float | None = None) -> Claim:
        """Claim the key for ``delivery_id``, waiting while another worker holds a live lease."""
        key = KEY.format(idempotency_key)
        token = self.token(delivery_id)
        deadline = time.monotonic() + (wait_seconds if wait_seconds is not None else self.lease_seconds + 5)
        while True:
            if await self._pipe.execute("SET", key, token, "EX", self.lease_seconds, "NX"):
                return Claim(acquired=True, token=token)
            raw = await self.redis.get(key)
            if raw is None:
                continue  # expired between SET and GET: try again
            value = raw.decode() if isinstance(raw, bytes) else str(raw)
            state, _, rest = value.partition("|")
            if state == "done":
                done_id, _, outcome = rest.partition("|")
                if done_id != delivery_id and outcome != "delivered":
                    # An earlier delivery on this key failed or fell back: a new one may try.
                    swapped = await self.redis.eval(_MARK, 1, key, value, token, self.lease_seconds)
                    if swapped:
                        return Claim(acquired=True, token=token)
                    continue
                return Claim(acquired=False, done_delivery_id=done_id, done_outcome=outcome)
            if value == token:  # our own live claim (the same job twice in one batch)
                return Claim(acquired=False, done_delivery_id=None, done_outcome="in_flight")
            # Someone else is sending: wait for them to finish or for their lease to expire.
            if time.monotonic() > deadline:
                raise TimeoutError("claim held by another sender")
            await asyncio.sleep(0.2)

    async def renew(self, idempotency_key: str, token: str) -> bool:
        """Extend our lease (before each try); False if we no longer hold it."""
        key = KEY.format(idempotency_key)
        return bool(await self.redis.eval(_RENEW, 1, key, token, self.lease_seconds))

    async def done(self, idempotency_key: str, token: str, delivery_id: str, outcome: str) -> bool:
        """Mark the key done with ``outcome``; True if we still held it (or nobody did)."""
        key = KEY.format(idempotency_key)
        value = f"done|{delivery_id}|{outcome}"
        marked = await self._pipe.execute("EVAL", _MARK, 1, key, token, value, self.done_ttl_seconds)
        return bool(marked)

    async def release(self, idempotency_key: str, token: str) -> None:
        """Give up a claim without an outcome (e.g. shutting down mid-retry): others may send."""
        key = KEY.format(idempotency_key)
        await self.redis.eval(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
            1,
            key,
            token,
        )
