"""The dispatcher service: ReportCleared → communication plan → Dispatch + delivery jobs.

Three loops in one process, all thin around the pure core in :mod:`.routing`:

* the **reports stage** (``bin.reports.cleared.v1``): per batch, decode → ``plan_deliveries`` →
  ONE Redis round trip, a Lua script (dedup of reports and jobs, pending acknowledgements and
  approvals, timers) → publish the zone's Dispatch and the jobs due now to
  ``bin.outbox.<channel>.v1``. Claims are provisional (the process's token) until Kafka has
  acknowledged the batch's outputs, then confirmed in one more round trip; if publishing fails,
  the claims of the batch are released so the retry is not mistaken for a duplicate, and a claim
  left by a process killed in between is taken over by the next one (see ``state.SETTLE_LUA``);
* the **responses stage** (``bin.responses.v1``): an acknowledgement stops the escalation, an
  approval releases the held deliveries (quiet hours judged at the time of approval), a rejection
  drops them;
* the **scheduler**: every ``tick`` seconds it takes the due timers from a Redis sorted set —
  escalations, jobs held for quiet hours, digests — takes each for a lease (so several
  instances never run one at once), publishes what follows, and removes the timer once that is
  published: a refused publish makes it due again at once, a dead process when the lease ends.
  Responses and ticks undo what they did in Redis if their outputs are not published.

Decisions are made at the time the network received the report (``stamps.received``), the
approval's time, or the timer's due time — never at the time a message happens to be processed,
so a replayed report is routed exactly as the first time.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import inspect
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from aiokafka import ConsumerRecord
from prometheus_client import CollectorRegistry, Counter, Gauge
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from redis.asyncio import Redis

from binrelay_shared import topics, trace
from binrelay_shared.codec import encode
from binrelay_shared.events import (
    Audience,
    Channel,
    DeliveryJob,
    Dispatch,
    ReportCleared,
    Response,
    ResponseKind,
    Stamps,
    new_id,
    utcnow,
)
from binrelay_shared.logging import bind_report, configure_logging, get_logger
from binrelay_shared.metrics import serve_metrics
from binrelay_shared.network import Network, load_members, load_networks
from binrelay_shared.network.templates import render
from binrelay_shared.runtime import Runtime, make_runtime, wire_stages
from binrelay_shared.settings import Settings, networks_or_exit, settings_or_exit
from binrelay_shared.stage import Out, Pull, Stage

from . import state
from .routing import Decision, Delivery, local, plan_deliveries

NAME = "dispatcher"
log = get_logger(__name__)

Clock = Callable[[], datetime]


class DispatcherSettings(BaseSettings):
    """Settings of the dispatcher alone (prefix ``BINRELAY_DISPATCHER_``)."""

    model_config = SettingsConfigDict(env_prefix="BINRELAY_DISPATCHER_", extra="ignore")

    tick_seconds: float = Field(1.0, description="How often the scheduler looks for due timers")
    name: str = Field(NAME, description="Stage name = consumer group suffix (tests run a second one)")


class DispatcherMetrics:
    """The dispatcher's own series (bounded labels only; created at zero)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        registry = registry or CollectorRegistry()
        self.held = Counter("binrelay_dispatcher_held", "Reports held for a human, by reason", ["reason"],
                            registry=registry)
        self.deferred = Counter("binrelay_dispatcher_deferred_jobs",
                                "Jobs deferred to a later time, by reason", ["reason"], registry=registry)
        self.duplicates = Counter("binrelay_dispatcher_duplicates", "Reports not dispatched again",
                                  registry=registry)
        self.taken_over = Counter("binrelay_dispatcher_claims_taken_over",
                                  "Reports dispatched again: claimed by a process that died before publishing",
                                  registry=registry)
        self.escalations = Counter("binrelay_dispatcher_escalations", "Urgent reports escalated", registry=registry)
        self.responses = Counter("binrelay_dispatcher_responses", "Responses, by kind and what they did",
                                 ["kind", "result"], registry=registry)
        self.timers = Gauge("binrelay_dispatcher_timers", "Timers waiting (escalations, held jobs, digests)",
                            registry=registry)
        for reason in ("policy", "approval"):
            self.held.labels(reason)
        for reason in ("quiet_hours", "digest"):
            self.deferred.labels(reason)
        for kind in ("acknowledge", "approve", "reject"):
            for result in ("applied", "nothing_pending", "settled", "not_entitled"):
                self.responses.labels(kind, result)


# ---------------------------------------------------------------------------------------------
# From deliveries to events
# ---------------------------------------------------------------------------------------------


def delivery_id(report_id: str, recipient_id: str, channel: str) -> str:
    """Deterministic, so a recomputed job has the same id as the first one."""
    return hashlib.sha256(f"{report_id}:{recipient_id}:{channel}".encode()).hexdigest()[:32]


_CHANNELS = {c.value: c for c in Channel}
#: Each channel's outbox topic, made once: a 10,000-member fan-out would otherwise hold 10,000
#: copies of the same topic string until it is published.
_OUTBOX = {c: topics.outbox(c) for c in Channel}


class Jobs:
    """The DeliveryJobs of one report: what they share is gathered once, each job adds its own.

    Built without re-validation: every value comes from validated events and plans, and an alarm
    fans out to thousands of jobs. Each job is a shallow copy of one prototype with every field
    replaced (pydantic's ``model_copy``): several times cheaper than ``model_construct``, which
    walks every field and its default per job.
    """

    _proto = DeliveryJob.model_construct(  # every field is replaced in each copy
        report_id="", network_id=None, zone_id="", trace_id="",
        stamps=Stamps(received=datetime(2000, 1, 1, tzinfo=UTC)),
        delivery_id="", audience="", recipient_id="", channel=Channel.sms, address="", language="nl", text="",
    )

    def __init__(self, cleared: ReportCleared, stamps: Stamps) -> None:
        self.report_id = cleared.report_id
        self._shared = {
            "report_id": cleared.report_id,
            "network_id": cleared.network_id,
            "zone_id": cleared.zone_id,
            "trace_id": cleared.trace_id,
            "stamps": stamps,
        }

    def __call__(self, d: Delivery) -> DeliveryJob:
        """The job of one delivery (to a recipient, not the zone)."""
        assert d.recipient_id is not None and d.address is not None and d.language is not None
        return self._proto.model_copy(update={
            **self._shared,
            "delivery_id": delivery_id(self.report_id, d.recipient_id, d.channel),
            "audience": d.audience,
            "recipient_id": d.recipient_id,
            "channel": _CHANNELS[d.channel],
            "address": d.address,
            "language": d.language,
            "subject": d.subject,
            "text": d.text,
            "send_at": d.send_at.astimezone(UTC) if d.send_at else None,  # every event timestamp is UTC
            "fallback": tuple(_CHANNELS[c] for c in d.fallback),
            "fallback_addresses": {_CHANNELS[c]: a for c, a in d.fallback_addresses},
            "sms_segments": d.sms_segments,
        })


def job_of(d: Delivery, cleared: ReportCleared, now: datetime, stamps: Stamps | None = None) -> DeliveryJob:
    """The DeliveryJob of one delivery (for many deliveries of one report, use :class:`Jobs`)."""
    return Jobs(cleared, stamps or cleared.stamps.model_copy(update={"dispatched": now}))(d)


def dispatch_of(cleared: ReportCleared, decision: Decision | None, now: datetime,
                stamps: Stamps | None = None) -> Dispatch:
    """The zone's Dispatch of one report (``stamps``: the report's, dispatched at ``now``)."""
    return Dispatch(
        report_id=cleared.report_id,
        network_id=cleared.network_id,
        zone_id=cleared.zone_id,
        trace_id=cleared.trace_id,
        stamps=stamps or cleared.stamps.model_copy(update={"dispatched": now}),
        origin=cleared.report.origin,
        kind=cleared.report.kind,
        classification=cleared.classification,
        rendering=cleared.renderings[Audience.police],
        location=cleared.report.location,
        held=decision.held if decision else None,
        routes=decision.routes if decision else ("no-plan",),
    )


@dataclass
class Planned:
    """What one report turns into, before Redis says which parts are new."""

    cleared: ReportCleared
    decision: Decision | None
    dispatch: Dispatch
    now_jobs: list[DeliveryJob] = field(default_factory=list)
    later: list[tuple[bytes, float]] = field(default_factory=list)  # timers (member, score)
    deferred: list[str] = field(default_factory=list)  # why each deferred job waits (metrics)


# ---------------------------------------------------------------------------------------------
# The dispatcher
# ---------------------------------------------------------------------------------------------


class Dispatcher:
    """The dispatcher's work, with its plans, Redis and clock; no Kafka in here."""

    def __init__(self, networks: dict[str, Network], redis: Redis, clock: Clock = utcnow,
                 metrics: DispatcherMetrics | None = None) -> None:
        self.networks = networks
        self.redis = redis
        self.clock = clock
        self.metrics = metrics or DispatcherMetrics()
        #: This process's claim token: claims made with it and never confirmed (the process died
        #: before Kafka acknowledged the outputs) are taken over by the next process.
        self.token = state.new_token()
        # The batch being processed: its claims, per consumer task — the ordinary and the urgent
        # lane's handlers run interleaved in this process, each with a batch of its own.
        self._batch: ContextVar[_Batch] = ContextVar(f"dispatcher-batch-{id(self)}")
        self._published: list[str] = []  # claims whose outputs Kafka acknowledged, to confirm
        self._settle = redis.register_script(state.SETTLE_LUA)
        self._confirm = redis.register_script(state.CONFIRM_LUA)
        self._claim = redis.register_script(state.CLAIM_LUA)
        self._take_due = redis.register_script(state.TAKE_DUE_LUA)
        self._timers_done: list[bytes] = []  # timers whose outputs Kafka acknowledged, to remove

    # -- reports ------------------------------------------------------------------------------

    def plan(self, cleared: ReportCleared) -> Planned:
        now = self.clock()
        network = self.networks.get(cleared.network_id or "")
        stamps = cleared.stamps.model_copy(update={"dispatched": now})
        if network is None:
            return Planned(cleared, None, dispatch_of(cleared, None, now, stamps))
        decision = plan_deliveries(network, cleared, cleared.stamps.received)
        planned = Planned(cleared, decision, dispatch_of(cleared, decision, now, stamps))
        jobs = Jobs(cleared, stamps)
        for d in decision.deliveries:
            if d.recipient_id is None or d.held in ("approval", "policy"):
                continue
            job = jobs(d)
            if d.held in ("quiet_hours", "digest") and d.send_at is not None:
                kind = "digest" if d.held == "digest" else "send"
                planned.later.append((state.timer(kind, job=job.model_dump(mode="json")), state.score(d.send_at)))
                planned.deferred.append(d.held)
            else:
                planned.now_jobs.append(job)
        if decision.escalation:
            planned.later.append(
                (state.timer("escalate", r=cleared.report_id, n=network.id), state.score(decision.escalation.due))
            )
        return planned

    async def process_reports(self, events: list[ReportCleared]) -> list[list[Out]]:
        """Plan a batch, settle it against Redis in one round trip, return what to publish."""
        batch = self._current()
        planned = [self.plan(e) for e in events]
        if not planned:
            return []
        keys: list[str | bytes] = [state.TIMERS]
        args: list[str | bytes | int | float] = [len(planned), state.KEEP_SECONDS, self.token]
        layout: list[tuple[int, int]] = []  # per report: (index of its first reply, number of job claims)
        n = 0
        for p in planned:
            c = p.cleared
            network = self.networks.get(c.network_id or "")
            ttl = int(network.file.plan.dedup_window.total_seconds()) if network else 24 * 3600
            d = p.decision
            # What waits for a Response or a timer: the report itself (1), its acknowledgement (2)
            # and its approval (4) are stored with it.
            flags = 0
            if d is not None and (d.escalation or d.approval):
                flags = 1 | (2 if d.escalation else 0) | (4 if d.approval else 0)
            keys += [state.seen_key(c.report_id), _msg_key_of(c)]
            keys += [state.job_key(job.idempotency_key) for job in p.now_jobs]
            args += [ttl, len(p.now_jobs), flags, len(p.later), c.report_id]
            layout.append((n, len(p.now_jobs)))
            n += 1 + len(p.now_jobs)
            if flags and d is not None:
                keys.append(state.report_key(c.report_id))
                args.append(encode(c))
                if d.escalation:
                    keys.append(state.ack_key(c.report_id))
                    args.append(orjson.dumps({"s": "pending", "by": d.escalation.by, "n": c.network_id}))
                if d.approval:
                    keys.append(state.approval_key(c.report_id))
                    args.append(orjson.dumps({"s": "pending", "by": d.approval.by, "n": c.network_id}))
            for member, sc in p.later:
                args += [sc, member]
        replies = await self._settle(keys=keys, args=args)

        results: list[list[Out]] = []
        for p, (start, _njobs) in zip(planned, layout, strict=True):
            c = p.cleared
            fresh = replies[start]  # 1 new, 2 taken over from a dead process, 0 duplicate
            with bind_report(c.report_id):
                if not fresh:
                    log.info("duplicate report: not dispatched again", network_id=c.network_id)
                    self.metrics.duplicates.inc()
                    results.append([])
                    continue
                if fresh == 2:
                    log.warning("report claimed by a process that never published it: dispatching it",
                                network_id=c.network_id)
                    self.metrics.taken_over.inc()
                seen = state.seen_key(c.report_id)
                batch.claimed += [seen, _msg_key_of(c)]
                batch.confirmable.append(seen)
                outs = [Out(topics.dispatch(c.zone_id), p.dispatch)]
                for i, job in enumerate(p.now_jobs):
                    if replies[start + 1 + i]:
                        key = state.job_key(job.idempotency_key)
                        batch.claimed.append(key)
                        batch.confirmable.append(key)
                        outs.append(Out(_OUTBOX[job.channel], job))
                if p.dispatch.held:
                    self.metrics.held.labels(p.dispatch.held).inc()
                for reason in p.deferred:
                    self.metrics.deferred.labels(reason).inc()
                log.info("dispatched", network_id=c.network_id, routes=list(p.dispatch.routes),
                         held=p.dispatch.held, jobs=len(outs) - 1, later=len(p.later))
                results.append(outs)
        return results

    def begin_batch(self) -> None:
        """A new batch (in this task): the claims to release if its publishing fails start empty."""
        self._batch.set(_Batch())

    def _current(self) -> _Batch:
        batch = self._batch.get(None)
        if batch is None:  # processing outside a stage (tests, tools): one batch per task
            batch = _Batch()
            self._batch.set(batch)
        return batch

    @property
    def claimed(self) -> list[str]:
        """Keys claimed by this task's batch (released if its publishing fails)."""
        return self._current().claimed

    @property
    def confirmable(self) -> list[str]:
        """Of those, the ``seen`` and job keys (confirmed once published)."""
        return self._current().confirmable

    async def release_claims(self) -> None:
        """Publishing failed: undo what this batch did in Redis, so its retry does it again.

        Its claims are deleted (not taken for duplicates), the states it changed (an
        acknowledgement, an approval, an escalation) are put back, the timers it added are removed
        and the timers it took are due again at once."""
        batch = self._current()
        self._batch.set(_Batch())
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

    def claims_published(self) -> None:
        """Kafka acknowledged this task's batch: its claims are due to be confirmed and the timers
        it took to be removed (by :meth:`confirm_published`, which the stage's trace writer runs
        after each write)."""
        batch = self._current()
        self._published += batch.confirmable
        self._timers_done += batch.timers_taken
        self._batch.set(_Batch())

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
        self.claims_published()
        await self.confirm_published()

    # -- responses ----------------------------------------------------------------------------

    async def process_responses(self, events: list[Response]) -> list[list[Out]]:
        results: list[list[Out]] = []
        for r in events:
            with bind_report(r.report_id):
                results.append(await self._respond(r))
        return results

    async def _respond(self, r: Response) -> list[Out]:
        key = state.ack_key(r.report_id) if r.kind is ResponseKind.acknowledge else state.approval_key(r.report_id)
        raw = await self.redis.get(key)
        if raw is None:
            log.info("response to nothing pending", kind=r.kind.value)
            self.metrics.responses.labels(r.kind.value, "nothing_pending").inc()
            return []
        pending = orjson.loads(raw)
        new_state = {"acknowledge": "acknowledged", "approve": "approved", "reject": "rejected"}[r.kind.value]
        # The same response again (same responder, same time): a redelivery after the process that
        # applied it died before publishing what followed. Apply it again — what was published is
        # confirmed and taken for duplicates, the rest goes out.
        fingerprint = f"{r.responder_id}@{r.at.isoformat()}"
        again = pending["s"] == new_state and pending.get("r") == fingerprint
        if pending["s"] != "pending" and not again:
            log.info("response to a settled report", kind=r.kind.value, state=pending["s"])
            self.metrics.responses.labels(r.kind.value, "settled").inc()
            return []
        if r.via != "cli" and r.responder_id not in pending["by"]:
            log.warning("response from someone not entitled to it: ignored", kind=r.kind.value)
            self.metrics.responses.labels(r.kind.value, "not_entitled").inc()
            return []
        if not again:
            await self.redis.set(key, orjson.dumps({**pending, "s": new_state, "r": fingerprint}), keepttl=True)
            self._current().undo.append((key, raw))  # pending again if what follows is not published
            self.metrics.responses.labels(r.kind.value, "applied").inc()
        if r.kind is ResponseKind.acknowledge:
            await self.redis.zrem(state.TIMERS, state.timer("escalate", r=r.report_id, n=pending["n"]))
            log.info("acknowledged: escalation stopped")
            return []
        if r.kind is ResponseKind.reject:
            log.info("rejected: held deliveries dropped")
            return []
        cleared = await self._stored(r.report_id)
        network = self.networks.get(pending["n"] or "")
        if cleared is None or network is None:
            log.warning("approved, but the report or its plan is gone")
            return []
        decision = plan_deliveries(network, cleared, cleared.stamps.received, phase="approved", now=r.at)
        log.info("approved: releasing", deliveries=len(decision.deliveries))
        # Stamped with the approval's time, not the clock's: applied again, the held jobs are
        # the same timer members, not new ones.
        return await self._emit(cleared, decision, now=r.at)

    async def _stored(self, report_id: str) -> ReportCleared | None:
        raw = await self.redis.get(state.report_key(report_id))
        return ReportCleared.model_validate_json(raw) if raw else None

    async def _emit(self, cleared: ReportCleared, decision: Decision, now: datetime | None = None) -> list[Out]:
        """Jobs of a later phase: due ones claimed and returned, held ones put on the timers."""
        now = now or self.clock()
        jobs, later = [], {}
        make = Jobs(cleared, cleared.stamps.model_copy(update={"dispatched": now}))
        for d in decision.deliveries:
            if d.recipient_id is None:
                continue
            job = make(d)
            if d.send_at is not None and d.held in ("quiet_hours", "digest"):
                kind = "digest" if d.held == "digest" else "send"
                later[state.timer(kind, job=job.model_dump(mode="json"))] = state.score(d.send_at)
            else:
                jobs.append(job)
        if later:
            await self.redis.zadd(state.TIMERS, later)
            self._current().timers_added += list(later)
        return await self._claim_jobs(jobs)

    async def _claim_jobs(self, jobs: list[DeliveryJob]) -> list[Out]:
        if not jobs:
            return []
        keys = [state.job_key(job.idempotency_key) for job in jobs]
        claimed = await self._claim(keys=keys, args=[self.token, state.KEEP_SECONDS])
        batch = self._current()
        outs = []
        for job, key, got in zip(jobs, keys, claimed, strict=True):
            if got:
                batch.claimed.append(key)
                batch.confirmable.append(key)
                outs.append(Out(_OUTBOX[job.channel], job))
        return outs

    # -- timers -------------------------------------------------------------------------------

    async def due(self, limit: int = 200) -> list[Out]:
        """Take the due timers and return what to publish.

        A timer is taken by postponing it for a lease (``state.TAKE_DUE_LUA``): it is removed once
        Kafka has acknowledged what it led to (:meth:`claims_published`), due again at once if
        publishing fails (:meth:`release_claims`), and due again when the lease ends if this
        process dies in between."""
        now = self.clock()
        self.metrics.timers.set(await self.redis.zcard(state.TIMERS))
        lease = state.score(now) + state.TIMER_LEASE_SECONDS
        found: Any = await self._take_due(keys=[state.TIMERS], args=[state.score(now), lease, limit])
        won: list[bytes] = list(found)
        if not won:
            return []
        self._current().timers_taken += won
        outs: list[Out] = []
        digests: dict[tuple[str, str], list[DeliveryJob]] = {}
        sends: list[DeliveryJob] = []
        for m in won:
            t = orjson.loads(m)
            if t["t"] == "escalate":
                outs += await self._escalate(t["r"], t["n"], now)
            elif t["t"] == "send":
                sends.append(DeliveryJob.model_validate(t["job"]))
            elif t["t"] == "digest":
                job = DeliveryJob.model_validate(t["job"])
                digests.setdefault((job.recipient_id, job.channel.value), []).append(job)
        outs += await self._claim_jobs(sends)
        for items in digests.values():
            outs += await self._claim_jobs([self._digest(items, now)])
        return outs

    async def _escalate(self, report_id: str, network_id: str, now: datetime) -> list[Out]:
        with bind_report(report_id):
            raw = await self.redis.get(state.ack_key(report_id))
            # "escalated" with its timer still there: the process that escalated died before its
            # jobs were published (the timer is removed after that). Escalate again: the jobs it
            # did publish are confirmed and taken for duplicates.
            status = orjson.loads(raw)["s"] if raw is not None else None
            if status not in ("pending", "escalated"):
                return []
            cleared = await self._stored(report_id)
            network = self.networks.get(network_id)
            if cleared is None or network is None or raw is None:
                return []
            decision = plan_deliveries(network, cleared, cleared.stamps.received, phase="escalation", now=now)
            if status == "pending":
                await self.redis.set(state.ack_key(report_id),
                                     orjson.dumps({**orjson.loads(raw), "s": "escalated"}), keepttl=True)
                self._current().undo.append((state.ack_key(report_id), raw))
                self.metrics.escalations.inc()
            log.info("not acknowledged in time: escalating", deliveries=len(decision.deliveries))
            return await self._emit(cleared, decision)

    def _digest(self, items: list[DeliveryJob], now: datetime) -> DeliveryJob:
        first = items[0]
        network = self.networks.get(first.network_id or "")
        day = local(first.send_at or now).strftime("%Y%m%d")
        header = f"{len(items)}"
        subject = None
        if network is not None and "digest" in network.templates:
            body = network.templates["digest"].get(first.language) or next(iter(network.templates["digest"].values()))
            out = render(body, {"network": network.file.name, "count": len(items)})
            header, subject = out.text, out.subject
        text = header + "\n\n" + "\n\n---\n\n".join(i.text for i in items)
        report_id = f"digest-{first.network_id}-{day}"
        return first.model_copy(update={
            "report_id": report_id,
            "trace_id": new_id(),
            "stamps": Stamps(received=min(i.stamps.received for i in items), dispatched=now),
            "delivery_id": delivery_id(report_id, first.recipient_id, first.channel.value),
            "audience": first.audience,
            "subject": subject,
            "text": text,
            "sms_segments": None,
        })


def _msg_key_of(c: ReportCleared) -> str:
    msg_id = c.report.adapter_message_id
    return state.msg_key(c.network_id, c.report.adapter, msg_id) if msg_id else state.msg_key(
        c.network_id, "-", c.report_id)


# ---------------------------------------------------------------------------------------------
# Wiring
# ---------------------------------------------------------------------------------------------


@dataclass
class _Batch:
    """What one batch (or scheduler tick) did in Redis: undone if its publishing fails, confirmed
    if not."""

    claimed: list[str] = field(default_factory=list)
    confirmable: list[str] = field(default_factory=list)
    undo: list[tuple[str, bytes | str]] = field(default_factory=list)  # key, value before the batch
    timers_added: list[bytes] = field(default_factory=list)
    timers_taken: list[bytes] = field(default_factory=list)


class CompensatingStage(Stage[Any]):
    """A Stage whose processing makes Redis claims: released if publishing fails (``on_failure``),
    handed on once Kafka has acknowledged every output of the call (``on_published``, which may
    confirm them itself or leave that to a rider of the stage's trace writer)."""

    def __init__(self, *, on_start: Callable[[], None], on_failure: Callable[[], Any],
                 on_published: Callable[[], Any], **kw: Any) -> None:
        super().__init__(**kw)
        self.on_start = on_start
        self.on_failure = on_failure
        self.on_published = on_published

    async def handle_records(
        self, records: list[ConsumerRecord[bytes, bytes]], pull: Pull | None = None, limit: int = 0
    ) -> None:
        self.on_start()
        try:
            await super().handle_records(records, pull, limit)
        except Exception:
            with contextlib.suppress(Exception):
                await self.on_failure()
            raise
        # Outside the try: published outputs' claims are never released.
        published = self.on_published()
        if inspect.isawaitable(published):
            await published
        if self.trace is not None:
            await self.trace.add([])  # the riders' turn: now, or within the writer's interval


def load_plans(settings: Settings) -> dict[str, Network]:
    members = load_members(settings.members_file)
    return load_networks(settings.networks_dir, members)


def build(runtime: Runtime, networks: dict[str, Network], name: str = NAME,
          clock: Clock = utcnow) -> tuple[Dispatcher, list[Stage[Any]]]:
    dispatcher = Dispatcher(networks, runtime.redis, clock, DispatcherMetrics(runtime.registry))
    metrics = runtime.stage_metrics()
    reports = CompensatingStage(
        name=name,
        input_topic=topics.REPORTS_CLEARED,
        model=ReportCleared,
        process=dispatcher.process_reports,
        metrics=metrics,
        redis=runtime.redis,
        trace_ttl_seconds=runtime.settings.trace_ttl_seconds,
        trace_flush_ms=runtime.settings.trace_flush_ms,
        on_start=dispatcher.begin_batch,
        on_failure=dispatcher.release_claims,
        on_published=dispatcher.claims_published,
    )
    # Responses change state and claim jobs too (an approval releases held deliveries): the same
    # undo if publishing fails, the same confirmation once published.
    responses = CompensatingStage(
        name=f"{name}-responses",
        input_topic=topics.RESPONSES,
        model=Response,
        process=dispatcher.process_responses,
        metrics=metrics,
        redis=runtime.redis,
        trace_ttl_seconds=runtime.settings.trace_ttl_seconds,
        trace_flush_ms=runtime.settings.trace_flush_ms,
        on_start=dispatcher.begin_batch,
        on_failure=dispatcher.release_claims,
        on_published=dispatcher.claims_published,
    )
    for stage in (reports, responses):
        if stage.trace is not None:
            stage.trace.riders.append(dispatcher.confirm_published)
    return dispatcher, [reports, responses]


async def scheduler(dispatcher: Dispatcher, stage: Stage[Any], tick: float) -> None:
    """Publish what the due timers call for, every ``tick`` seconds, until cancelled.

    A tick is a batch like a stage's: if publishing fails, what it did in Redis is undone (the
    timers are due again, the jobs' claims released); once published, its claims are confirmed
    and its timers removed (by the stage's trace writer's rider)."""
    while True:
        dispatcher.begin_batch()
        try:
            outs = await dispatcher.due()
            if outs:
                await stage._publish_all(outs)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("scheduler tick failed; its timers are due again", error=type(exc).__name__)
            with contextlib.suppress(Exception):
                await dispatcher.release_claims()
        else:
            dispatcher.claims_published()
            if stage.trace is not None:  # the trace write, then its rider: confirm, remove the timers
                await stage.trace.add(stage._trace_entries(outs, utcnow()))
            else:
                await dispatcher.confirm_published()
        await asyncio.sleep(tick)


def main() -> None:
    settings = settings_or_exit(Settings)
    own = settings_or_exit(DispatcherSettings)
    configure_logging(NAME, settings.log_level, settings.log_json)
    networks = networks_or_exit(settings, members=True)  # a bad plan stops the service here, every problem named
    runtime = make_runtime(NAME, settings)
    serve_metrics(runtime.registry, settings.metrics_port)
    dispatcher, stages = build(runtime, networks, own.name)
    app = wire_stages(runtime, stages)  # publishes through one aiokafka producer, flushed at stop
    tasks: list[asyncio.Task[None]] = []

    @app.after_startup
    async def _start_scheduler() -> None:
        if settings.lanes == "urgent":
            return  # the urgent lane's process only dispatches; timers are the other process's
        tasks.append(asyncio.create_task(scheduler(dispatcher, stages[0], own.tick_seconds)))

    @app.on_shutdown
    async def _stop_scheduler() -> None:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    log.info("starting", kafka=settings.kafka, networks=sorted(networks), metrics_port=settings.metrics_port)
    asyncio.run(app.run())

if __name__ == "__main__":
    main()
