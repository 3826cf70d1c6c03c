"""Timers: escalations, jobs held for quiet hours, digests — and the scheduler that runs them.

Timers are members of a Redis sorted set scored by their due time (:mod:`.state`). Every ``tick``
seconds the scheduler takes the due ones for a lease (so several instances never run one at
once), publishes what follows, and the timer is removed once that is published: a refused publish
makes it due again at once, a dead process when the lease ends (:class:`~.claims.Claims`).
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING, Any

import orjson

from binrelay_shared.events import DeliveryJob
from binrelay_shared.logging import bind_report, get_logger
from binrelay_shared.stage import Out, Stage

from . import state
from .jobs import digest
from .routing import plan_deliveries

if TYPE_CHECKING:
    from .dispatcher import Dispatcher

log = get_logger(__name__)


async def due(d: Dispatcher, limit: int = 200) -> list[Out]:
    """Take the due timers and return what to publish.

    A timer is taken by postponing it for a lease (``state.TAKE_DUE_LUA``): it is removed once
    Kafka has acknowledged what it led to (``Claims.batch_published``), due again at once if
    publishing fails (``Claims.undo_batch``), and due again when the lease ends if this process
    dies in between."""
    now = d.clock()
    d.metrics.timers.set(await d.redis.zcard(state.TIMERS))
    won = await d.claims.take_due(now, limit)
    if not won:
        return []
    outs: list[Out] = []
    digests: dict[tuple[str, str], list[DeliveryJob]] = {}
    sends: list[DeliveryJob] = []
    for m in won:
        t = orjson.loads(m)
        if t["t"] == "escalate":
            outs += await escalate(d, t["r"], t["n"], now)
        elif t["t"] == "send":
            sends.append(DeliveryJob.model_validate(t["job"]))
        elif t["t"] == "digest":
            job = DeliveryJob.model_validate(t["job"])
            digests.setdefault((job.recipient_id, job.channel.value), []).append(job)
    outs += await d.claims.claim_jobs(sends)
    for items in digests.values():
        network = d.networks.get(items[0].network_id or "")
        outs += await d.claims.claim_jobs([digest(items, network, now)])
    return outs


async def escalate(d: Dispatcher, report_id: str, network_id: str, now: datetime) -> list[Out]:
    """A report not acknowledged in time: the plan's escalation deliveries, made at ``now``."""
    with bind_report(report_id):
        raw = await d.redis.get(state.ack_key(report_id))
        # "escalated" with its timer still there: the process that escalated died before its
        # jobs were published (the timer is removed after that). Escalate again: the jobs it
        # did publish are confirmed and taken for duplicates.
        status = orjson.loads(raw)["s"] if raw is not None else None
        if status not in ("pending", "escalated"):
            return []
        cleared = await d.stored(report_id)
        network = (await d.current_networks()).get(network_id)
        if cleared is None or network is None or raw is None:
            return []
        decision = plan_deliveries(network, cleared, cleared.stamps.received, phase="escalation", now=now)
        if status == "pending":
            await d.redis.set(state.ack_key(report_id),
                              orjson.dumps({**orjson.loads(raw), "s": "escalated"}), keepttl=True)
            d.claims.current().undo.append((state.ack_key(report_id), raw))
            d.metrics.escalations.inc()
        log.info("not acknowledged in time: escalating", deliveries=len(decision.deliveries))
        return await d.emit(cleared, decision)


async def scheduler(dispatcher: Dispatcher, stage: Stage[Any], tick: float) -> None:
    """Publish what the due timers call for, every ``tick`` seconds, until cancelled.

    A tick is a batch like a stage's, published through ``stage`` (:meth:`Stage.emit`), whose
    compensation must be the dispatcher's claims: if publishing fails, what the tick did in Redis
    is undone (the timers are due again, the jobs' claims released); once published, its claims
    are confirmed and its timers removed (by the stage's trace writer's rider)."""
    if stage.compensation is not dispatcher.claims:
        raise ValueError("the scheduler publishes through a stage compensated by the dispatcher's claims")
    while True:
        try:
            await stage.emit(dispatcher.due)
        except Exception as exc:  # what the tick did is undone: its timers are due again
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                # A cancel that reached a Redis call as its timeout fired comes out as a TimeoutError
                # (async-timeout on 3.11): the scheduler must still stop, not tick on forever.
                raise asyncio.CancelledError from exc
            log.warning("scheduler tick failed; its timers are due again", error=type(exc).__name__)
        await asyncio.sleep(tick)
