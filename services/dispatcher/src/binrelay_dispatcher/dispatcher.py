"""The dispatcher's work on reports, with its plans, Redis and clock; no Kafka in here.

A batch of reports is planned (:func:`.jobs.plan_report`, pure) and settled against Redis in one
round trip (``state.SETTLE_LUA``): which reports and jobs are new, what waits for a Response or a
timer. Responses (:mod:`.responses`) and timers (:mod:`.timers`) go through the same
:class:`Dispatcher`; what a batch did in Redis is undone or confirmed by its :class:`.claims.Claims`.

Decisions are made at the time the network received the report (``stamps.received``), the
approval's time, or the timer's due time — never at the time a message happens to be processed,
so a replayed report is routed exactly as the first time.
"""

from __future__ import annotations

from datetime import datetime

import orjson
from redis.asyncio import Redis

from binrelay_shared import topics, trace
from binrelay_shared.codec import encode
from binrelay_shared.consent import ConsentOverrides, without_sms
from binrelay_shared.events import DeliveryOutcome, Origin, ReportCleared, Response, utcnow
from binrelay_shared.logging import bind_report, get_logger
from binrelay_shared.network import Member, Network
from binrelay_shared.stage import Out

from . import responses, state, timers, undelivered
from .claims import Claims, Clock
from .jobs import OUTBOX, Planned, later_jobs, plan_report
from .metrics import DispatcherMetrics
from .routing import Decision, ReporterOf

log = get_logger(__name__)


class Dispatcher:
    """The dispatcher's work, with its plans, Redis and clock; no Kafka in here.

    ``claims`` is what each batch did in Redis: the stages' compensation (begin a batch, undo it,
    confirm it once published). ``consent`` holds the members' own consent changes (SMS
    withdrawn by STOP), read before each batch: see :meth:`current_networks`."""

    def __init__(self, networks: dict[str, Network], redis: Redis, clock: Clock = utcnow,
                 metrics: DispatcherMetrics | None = None, consent: ConsentOverrides | None = None,
                 trace_ttl_seconds: int = 7 * 24 * 3600) -> None:
        self.networks = networks
        self.redis = redis
        self.clock = clock
        self.metrics = metrics or DispatcherMetrics()
        self.consent = consent
        self.trace_ttl_seconds = trace_ttl_seconds
        self._members_version = 0  # bumped by each change of members: the views are rebuilt
        self._views: tuple[tuple[frozenset[str], int], dict[str, Network]] = ((frozenset(), 0), networks)
        self.claims = Claims(redis, lambda: self.clock())
        self._settle = redis.register_script(state.SETTLE_LUA)

    # -- reports ------------------------------------------------------------------------------

    def plan(self, cleared: ReportCleared, referred: ReporterOf | None = None,
             networks: dict[str, Network] | None = None) -> Planned:
        """What ``cleared`` turns into, dispatched now (pure but for the clock)."""
        return plan_report((networks or self.networks).get(cleared.network_id or ""), cleared, self.clock(), referred)

    async def referred(self, events: list[ReportCleared]) -> dict[str, ReporterOf]:
        """The reporters of the reports the batch's police and coordinator messages refer to (a
        feedback, a closing), by the message's report id: one round trip, none without such a
        message. Only a report of the message's own network counts."""
        asking = [e for e in events if e.report.origin is not Origin.member and e.report.refers_to]
        if not asking:
            return {}
        pipe = self.redis.pipeline(transaction=False)
        for e in asking:
            pipe.get(state.reporter_key(e.report.refers_to or ""))
        raws = await pipe.execute()
        found = {}
        for e, raw in zip(asking, raws, strict=True):
            who = state.read_reporter(e.report.refers_to or "", raw, e.network_id)
            if who is not None:
                found[e.report_id] = who
        return found

    async def current_networks(self) -> dict[str, Network]:
        """The plans as they stand now: the members who withdrew their SMS consent (STOP) without
        their SMS address, so that from their next message on they get their next channel. One
        Redis read per batch; the view is rebuilt only when the set of such members changes."""
        if self.consent is None:
            return self.networks
        withdrawn = frozenset(await self.consent.sms_withdrawn())
        if (withdrawn, self._members_version) != self._views[0]:
            view = {nid: without_sms(n, withdrawn) for nid, n in self.networks.items()}
            self._views = ((withdrawn, self._members_version), view)
        return self._views[1]

    def apply_members(self, changed: dict[str, Member | None]) -> None:
        """Members added, changed or removed in the registry (:class:`~binrelay_shared.members.changes.MembersWatcher`):
        every report planned from now on sees them. A removed member (``None``) is reached no more."""
        if not changed:
            return
        for nid, network in list(self.networks.items()):
            self.networks[nid] = network.with_members(changed)  # in place: every holder of the dict sees it
        self._members_version += 1

    def member_ids(self) -> set[str]:
        """Every member the plans know (a refresh drops those the registry no longer has)."""
        return {mid for n in self.networks.values() for mid in n.members}

    async def process_reports(self, events: list[ReportCleared]) -> list[list[Out]]:
        """Plan a batch, settle it against Redis in one round trip, return what to publish."""
        batch = self.claims.current()
        networks = await self.current_networks()
        referred = await self.referred(events)
        planned = [self.plan(e, referred.get(e.report_id), networks) for e in events]
        if not planned:
            return []
        keys: list[str | bytes] = [state.TIMERS]
        args: list[str | bytes | int | float] = [len(planned), state.KEEP_SECONDS, self.claims.token,
                                                 state.REPORTER_KEEP_SECONDS]
        layout: list[tuple[int, int]] = []  # per report: (index of its first reply, number of job claims)
        n = 0
        for p in planned:
            c = p.cleared
            network = networks.get(c.network_id or "")
            ttl = int(network.file.plan.dedup_window.total_seconds()) if network else 24 * 3600
            d = p.decision
            # What waits for a Response or a timer: the report itself (1), its acknowledgement (2)
            # and its approval (4) are stored with it; a member's report keeps its reporter (8).
            flags = 0
            if d is not None and (d.escalation or d.approval):
                flags = 1 | (2 if d.escalation else 0) | (4 if d.approval else 0)
            if p.reporter is not None:
                flags |= 8
            keys += [state.seen_key(c.report_id), _msg_key_of(c)]
            keys += [state.job_key(job.idempotency_key) for job in p.now_jobs]
            args += [ttl, len(p.now_jobs), flags, len(p.later), c.report_id]
            layout.append((n, len(p.now_jobs)))
            n += 1 + len(p.now_jobs)
            if flags & 1 and d is not None:
                keys.append(state.report_key(c.report_id))
                args.append(encode(c))
                if d.escalation:
                    keys.append(state.ack_key(c.report_id))
                    args.append(orjson.dumps({"s": "pending", "by": d.escalation.by, "n": c.network_id}))
                if d.approval:
                    keys.append(state.approval_key(c.report_id))
                    args.append(orjson.dumps({"s": "pending", "by": d.approval.by, "n": c.network_id}))
            if p.reporter is not None:
                keys.append(state.reporter_key(c.report_id))
                args.append(state.reporter_record(p.reporter, c.network_id))
            for member, sc in p.later:
                args += [sc, member]
        replies = await self._settle(keys=keys, args=args)

        results: list[list[Out]] = []
        for p, (start, _njobs) in zip(planned, layout, strict=True):
            c = p.cleared
            fresh = replies[start]  # 1 new, 2 taken over from a dead process, 0 duplicate
            if not fresh:
                with bind_report(c.report_id):
                    log.info("duplicate report: not dispatched again", network_id=c.network_id)
                self.metrics.duplicates.inc()
                results.append([])
                continue
            if fresh == 2:
                with bind_report(c.report_id):
                    log.warning("report claimed by a process that never published it: dispatching it",
                                network_id=c.network_id)
                self.metrics.taken_over.inc()
            batch.claim(state.seen_key(c.report_id))
            batch.claimed.append(_msg_key_of(c))
            outs = [Out(topics.dispatch(c.zone_id), p.dispatch)]
            for i, job in enumerate(p.now_jobs):
                if replies[start + 1 + i]:
                    batch.claim(state.job_key(job.idempotency_key))
                    outs.append(Out(OUTBOX[job.channel], job))
            if p.dispatch.held:
                self.metrics.held.labels(p.dispatch.held).inc()
            for reason in p.deferred:
                self.metrics.deferred.labels(reason).inc()
            # No log line per dispatched report: on the urgent lane's way, structlog renders each
            # one (time stamp, context) before the level drops it; the report's trace (Redis) and
            # the stage's counters say what was dispatched (issue #18).
            results.append(outs)
        return results

    # -- responses and timers -----------------------------------------------------------------

    async def process_responses(self, events: list[Response]) -> list[list[Out]]:
        """Acknowledgements, approvals and rejections (see :mod:`.responses`)."""
        return await responses.process_responses(self, events)

    async def process_outcomes(self, events: list[DeliveryOutcome]) -> list[list[Out]]:
        """Deliveries that failed for good: the coordinators' alerts (see :mod:`.undelivered`).

        The alerts are claimed like any later job (a redelivered outcome alerts no one twice), at
        most ``undelivered.MAX_PER_REPORT`` members per report; the report's own trace gets
        ``coordinators_alerted:<member id>`` (or ``not_alerted:<member id>:<why>``)."""
        results: list[list[Out]] = []
        stamps: list[tuple[str, str, datetime]] = []
        now = self.clock()
        for o in events:
            network = self.networks.get(o.network_id or "")
            if network is None or not undelivered.wants_alert(o):
                results.append([])
                continue
            with bind_report(o.report_id):
                jobs = undelivered.alert_jobs(network, o, now)
                if not jobs:
                    why = "no_coordinator"
                    outs: list[Out] = []
                else:
                    key = state.undelivered_key(o.report_id)
                    pipe = self.redis.pipeline(transaction=True)
                    pipe.sadd(key, o.recipient_id)
                    pipe.scard(key)
                    pipe.expire(key, state.KEEP_SECONDS)
                    _added, members, _ = await pipe.execute()
                    if members > undelivered.MAX_PER_REPORT:
                        why, outs = "too_many", []
                    else:
                        outs = await self.claims.claim_jobs(jobs)
                        why = "alerted" if outs else "already_alerted"
                self.metrics.delivery_alerts.labels(why).inc()
                log.warning("member not reached on any channel", network_id=o.network_id,
                            recipient_id=o.recipient_id, channel=o.channel.value, reason=o.reason,
                            coordinators_alerted=len(outs), result=why)
                field = f"coordinators_alerted:{o.recipient_id}" if why in ("alerted", "already_alerted") \
                    else f"not_alerted:{o.recipient_id}:{why}"
                stamps.append((o.report_id, field, now))
                results.append(outs)
        if stamps:
            try:
                await trace.record(self.redis, stamps, state.KEEP_SECONDS)
            except Exception as exc:  # the trace is a convenience
                log.warning("alert trace not recorded", error=type(exc).__name__)
        return results

    async def due(self, limit: int = 200) -> list[Out]:
        """Take the due timers and return what to publish (see :mod:`.timers`)."""
        return await timers.due(self, limit)

    async def stored(self, report_id: str) -> ReportCleared | None:
        """The report kept while an escalation or approval may need it."""
        raw = await self.redis.get(state.report_key(report_id))
        return ReportCleared.model_validate_json(raw) if raw else None

    async def emit(self, cleared: ReportCleared, decision: Decision, now: datetime | None = None) -> list[Out]:
        """Jobs of a later phase: due ones claimed and returned, held ones put on the timers."""
        jobs, later = later_jobs(cleared, decision, now or self.clock())
        if later:
            await self.redis.zadd(state.TIMERS, later)
            self.claims.current().timers_added += list(later)
        return await self.claims.claim_jobs(jobs)


def _msg_key_of(c: ReportCleared) -> str:
    msg_id = c.report.adapter_message_id
    return state.msg_key(c.network_id, c.report.adapter, msg_id) if msg_id else state.msg_key(
        c.network_id, "-", c.report_id)
