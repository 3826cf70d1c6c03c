"""What a batch of the dispatcher did in Redis: undone if its outputs are not published, confirmed if they are.

A batch is a stage's handler call (reports, responses) or a scheduler tick. In Redis it claims
``seen`` and job keys with the process's token, changes states (an acknowledgement, an approval,
an escalation), adds timers and takes due ones for a lease. :class:`Claims` keeps that per batch
and is the stages' :class:`~binrelay_shared.stage.Compensation`:

* publishing failed (:meth:`Claims.undo_batch`): the claims are deleted (so the retry is not taken
  for a duplicate), the states put back, the timers it added removed and the ones it took due
  again at once;
* Kafka acknowledged every output (:meth:`Claims.batch_published`): the claims are due to be
  confirmed (``done``) and the timers it took to be removed, by :meth:`Claims.confirm_published`,
  which the stage's trace writer runs after each write.

A process killed in between leaves provisional claims (its token) that the next process takes
over, and taken timers that are due again when their lease ends: see :mod:`.state`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from redis.asyncio import Redis

from binrelay_shared import trace
from binrelay_shared.events import DeliveryJob
from binrelay_shared.logging import get_logger
from binrelay_shared.stage import Out

from . import state
from .jobs import OUTBOX

log = get_logger(__name__)

Clock = Callable[[], datetime]


@dataclass
class Batch:
    """What one batch (or scheduler tick) did in Redis: undone if its publishing fails, confirmed
    if not."""

    claimed: list[str] = field(default_factory=list)
    confirmable: list[str] = field(default_factory=list)
    undo: list[tuple[str, bytes | str]] = field(default_factory=list)  # key, value before the batch
    timers_added: list[bytes] = field(default_factory=list)
    timers_taken: list[bytes] = field(default_factory=list)

    def claim(self, key: str) -> None:
        """A ``seen`` or job key claimed: released if publishing fails, confirmed once published."""
        self.claimed.append(key)
        self.confirmable.append(key)


class Claims:
    """This process's claims in Redis, batch by batch (a :class:`~binrelay_shared.stage.Compensation`).

    ``clock`` is asked at each use (tools set the dispatcher's clock afresh)."""

    def __init__(self, redis: Redis, clock: Clock) -> None:
        self.redis = redis
        self.clock = clock
        #: This process's claim token: claims made with it and never confirmed (the process died
        #: before Kafka acknowledged the outputs) are taken over by the next process.
        self.token = state.new_token()
        # The batch being processed, per consumer task — the ordinary and the urgent lane's
        # handlers run interleaved in this process, each with a batch of its own.
        self._batch: ContextVar[Batch] = ContextVar(f"dispatcher-batch-{id(self)}")
        self._published: list[str] = []  # claims whose outputs Kafka acknowledged, to confirm
        self._timers_done: list[bytes] = []  # timers whose outputs Kafka acknowledged, to remove
        self._confirm = redis.register_script(state.CONFIRM_LUA)
        self._claim = redis.register_script(state.CLAIM_LUA)
        self._take_due = redis.register_script(state.TAKE_DUE_LUA)

    def begin_batch(self) -> None:
        """A new batch (in this task): the claims to release if its publishing fails start empty."""
        self._batch.set(Batch())

    def current(self) -> Batch:
        """This task's batch."""
        batch = self._batch.get(None)
        if batch is None:  # processing outside a stage (tests, tools): one batch per task
            batch = Batch()
            self._batch.set(batch)
        return batch

    @property
    def claimed(self) -> list[str]:
        """Keys claimed by this task's batch (released if its publishing fails)."""
        return self.current().claimed

    @property
    def confirmable(self) -> list[str]:
        """Of those, the ``seen`` and job keys (confirmed once published)."""
        return self.current().confirmable

    async def claim_jobs(self, jobs: list[DeliveryJob]) -> list[Out]:
        """Claim the jobs of a later phase (an escalation, an approval, a timer): the outputs of
        the new ones (or those taken over from a dead process), duplicates left out."""
        if not jobs:
            return []
        keys = [state.job_key(job.idempotency_key) for job in jobs]
        claimed = await self._claim(keys=keys, args=[self.token, state.KEEP_SECONDS])
        batch = self.current()
        outs = []
        for job, key, got in zip(jobs, keys, claimed, strict=True):
            if got:
                batch.claim(key)
                outs.append(Out(OUTBOX[job.channel], job))
        return outs

    async def take_due(self, now: datetime, limit: int) -> list[bytes]:
        """Take up to ``limit`` timers due at ``now`` for a lease (``state.TAKE_DUE_LUA``): this
        batch's, removed once it is published, due again at once if it is not."""
        lease = state.score(now) + state.TIMER_LEASE_SECONDS
        found: Any = await self._take_due(keys=[state.TIMERS], args=[state.score(now), lease, limit])
        won: list[bytes] = list(found)
        if won:
            self.current().timers_taken += won
        return won

    async def undo_batch(self) -> None:
        """Publishing failed: undo what this batch did in Redis, so its retry does it again.

        Its claims are deleted (not taken for duplicates), the states it changed (an
        acknowledgement, an approval, an escalation) are put back, the timers it added are removed
        and the timers it took are due again at once."""
        batch = self.current()
        self._batch.set(Batch())
        pipe = self.redis.pipeline(transaction=False)
        if batch.claimed:
            pipe.delete(*batch.claimed)
        for key, previous in batch.undo:
            pipe.set(key, previous, xx=True, keepttl=True)
        if batch.timers_added:
            pipe.zrem(state.TIMERS, *batch.timers_added)
        if batch.timers_taken:
            pipe.zadd(state.TIMERS, {m: state.score(self.clock()) for m in batch.timers_taken})
        if len(pipe):
            await pipe.execute()

    def batch_published(self) -> None:
        """Kafka acknowledged this task's batch: its claims are due to be confirmed and the timers
        it took to be removed (by :meth:`confirm_published`, which the stage's trace writer runs
        after each write)."""
        batch = self.current()
        self._published += batch.confirmable
        self._timers_done += batch.timers_taken
        self._batch.set(Batch())

    async def confirm_published(self) -> None:
        """Confirm (``done``) every claim whose outputs are published (one round trip per few hundred).

        Never raises: the outputs are out, so a failed confirm only leaves claims this process
        takes for duplicates and a later process would take over (a duplicate dispatch, not a
        loss); they are tried again with the next call. Confirming late widens that window by as
        much, nothing else: until then this process takes the claims for duplicates, as it should.
        """
        keys, self._published = self._published, []
        timers, self._timers_done = self._timers_done, []
        try:
            # In slices: Redis runs one script at a time, and an urgent report's claim may be next.
            for start in range(0, len(keys), trace.SCRIPT_KEYS):
                await self._confirm(keys=keys[start:start + trace.SCRIPT_KEYS])
            if timers:
                await self.redis.zrem(state.TIMERS, *timers)
        except Exception as exc:
            log.warning("claims not confirmed; trying again with the next batch", error=type(exc).__name__,
                        claims=len(keys))
            # Bounded while Redis is away; older ones stay provisional (and timers come back due
            # when their lease ends: sent again, taken for duplicates by these claims).
            self._published = (keys + self._published)[-10_000:]
            self._timers_done = (timers + self._timers_done)[-10_000:]

    async def confirm_claims(self) -> None:
        """Kafka acknowledged this task's batch: confirm its claims now (and any left over)."""
        self.batch_published()
        await self.confirm_published()
