"""From deliveries to events: the DeliveryJobs and the Dispatch of a report, the timers of held jobs, digests.

Pure: the plans' decisions (:mod:`.routing`) and the report in, events and timer members out;
what of it is new is for Redis to say (:mod:`.dispatcher`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from binrelay_shared import topics
from binrelay_shared.events import (
    Audience,
    Channel,
    DeliveryJob,
    Dispatch,
    ReportCleared,
    ResponseKind,
    Stamps,
    is_urgent,
    new_id,
)
from binrelay_shared.network import Network
from binrelay_shared.network.templates import render

from . import state
from .routing import Decision, Delivery, ReporterOf, plan_deliveries, reporter_of
from .tree import local


def delivery_id(report_id: str, recipient_id: str, channel: str) -> str:
    """Deterministic, so a recomputed job has the same id as the first one."""
    return hashlib.sha256(f"{report_id}:{recipient_id}:{channel}".encode()).hexdigest()[:32]


_CHANNELS = {c.value: c for c in Channel}
#: Each channel's outbox topic, made once: a 10,000-member fan-out would otherwise hold 10,000
#: copies of the same topic string until it is published.
OUTBOX = {c: topics.outbox(c) for c in Channel}


class Jobs:
    """The DeliveryJobs of one report: what they share is gathered once, each job adds its own.

    Built without re-validation: every value comes from validated events and plans, and an alarm
    fans out to thousands of jobs. Each job is the prototype's fields with its own laid over them,
    put in place as pydantic's ``model_copy`` does, but in one dict and with one *fields set*
    shared by every job (the same fields are set in each): ``model_copy`` grows a set of its own
    per job, ~2 KB each, 20 MB of a 10,000-member alarm held until it is published. Several
    times cheaper than ``model_construct`` too, which walks every field and its default per job.
    A shared set is safe: jobs are frozen, and ``model_copy`` of a job copies the set before
    adding to it.
    """

    _proto = DeliveryJob.model_construct(  # every field is replaced in each copy
        report_id="", network_id=None, zone_id="", trace_id="",
        stamps=Stamps(received=datetime(2000, 1, 1, tzinfo=UTC)),
        delivery_id="", audience="", recipient_id="", channel=Channel.sms, address="", language="nl", text="",
    )

    def __init__(self, cleared: ReportCleared, stamps: Stamps) -> None:
        self.report_id = cleared.report_id
        self._shared = {**cleared.envelope(), "stamps": stamps, "urgent": is_urgent(cleared)}  # the senders' lane

    def __call__(self, d: Delivery, expects: ResponseKind | None = None) -> DeliveryJob:
        """The job of one delivery (to a recipient, not the zone); ``expects``: the answer it asks for."""
        assert d.recipient_id is not None and d.address is not None and d.language is not None
        return _frozen_copy(self._proto, {
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
            "refers_to": d.about,
            "expects": expects,
            "purpose": d.purpose,
        })


#: The fields set of every job made by :class:`Jobs` (what ``model_copy`` of the prototype would
#: give each), made once.
_JOB_FIELDS_SET: set[str] = set()


def _frozen_copy(proto: DeliveryJob, update: dict[str, object]) -> DeliveryJob:
    """``proto.model_copy(update=update)``, with the fields set shared (see :class:`Jobs`): every
    call's ``update`` has the same keys."""
    if not _JOB_FIELDS_SET:
        _JOB_FIELDS_SET.update(proto.model_fields_set, update)
    job = DeliveryJob.__new__(DeliveryJob)
    object.__setattr__(job, "__dict__", {**proto.__dict__, **update})
    object.__setattr__(job, "__pydantic_fields_set__", _JOB_FIELDS_SET)
    object.__setattr__(job, "__pydantic_extra__", None)
    object.__setattr__(job, "__pydantic_private__", None)
    return job


def job_of(d: Delivery, cleared: ReportCleared, now: datetime, stamps: Stamps | None = None) -> DeliveryJob:
    """The DeliveryJob of one delivery (for many deliveries of one report, use :class:`Jobs`)."""
    return Jobs(cleared, stamps or cleared.envelope("dispatched", now)["stamps"])(d)


def dispatch_of(cleared: ReportCleared, decision: Decision | None, now: datetime,
                stamps: Stamps | None = None) -> Dispatch:
    """The zone's Dispatch of one report (``stamps``: the report's, dispatched at ``now``)."""
    envelope = cleared.envelope("dispatched", now)
    if stamps is not None:
        envelope["stamps"] = stamps
    return Dispatch(
        **envelope,
        origin=cleared.report.origin,
        kind=cleared.report.kind,
        classification=cleared.classification,
        rendering=cleared.renderings[Audience.police],
        location=cleared.report.location,
        held=decision.held if decision else None,
        routes=decision.routes if decision else ("no-plan",),
        refers_to=cleared.report.refers_to,
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
    #: Who posted this member report (kept to answer them when a feedback refers to it), or None.
    reporter: ReporterOf | None = None


def _held_timer(d: Delivery, job: DeliveryJob) -> tuple[bytes, float] | None:
    """The timer that sends ``job`` when due, if its delivery waits for quiet hours or the digest."""
    if d.held not in ("quiet_hours", "digest") or d.send_at is None:
        return None
    kind = "digest" if d.held == "digest" else "send"
    return state.timer(kind, job=job.model_dump(mode="json")), state.score(d.send_at)


def expects(d: Delivery, decision: Decision) -> ResponseKind | None:
    """The answer a first-phase delivery asks of its recipient: an approval request asks for a
    yes or a no; the report's message to someone whose acknowledgement stops its escalation asks
    for an OK. Anything else asks for nothing (a reply to it is not bound to it)."""
    if d.purpose == "approval_request":
        return ResponseKind.approve
    if d.purpose == "message" and decision.escalation and d.recipient_id in decision.escalation.by:
        return ResponseKind.acknowledge
    return None


def plan_report(network: Network | None, cleared: ReportCleared, now: datetime,
                referred: ReporterOf | None = None) -> Planned:
    """What a report turns into when dispatched at ``now`` (no plan for its network: the Dispatch alone).

    Jobs held for approval or policy wait for a Response; jobs held for quiet hours or the digest,
    and the escalation, become timers. ``referred``: the reporter of the report a message
    ``refers_to`` (see :func:`.routing.plan_deliveries`). A member's report gives the record of
    its reporter to keep (:attr:`Planned.reporter`)."""
    stamps = cleared.stamps.model_copy(update={"dispatched": now})
    if network is None:
        return Planned(cleared, None, dispatch_of(cleared, None, now, stamps))
    decision = plan_deliveries(network, cleared, cleared.stamps.received, referred=referred)
    planned = Planned(cleared, decision, dispatch_of(cleared, decision, now, stamps),
                      reporter=reporter_of(network, cleared))
    jobs = Jobs(cleared, stamps)
    for d in decision.deliveries:
        if d.recipient_id is None or d.held in ("approval", "policy"):
            continue
        job = jobs(d, expects(d, decision))
        timer = _held_timer(d, job)
        if timer is not None:
            assert d.held is not None
            planned.later.append(timer)
            planned.deferred.append(d.held)
        else:
            planned.now_jobs.append(job)
    if decision.escalation:
        planned.later.append(
            (state.timer("escalate", r=cleared.report_id, n=network.id), state.score(decision.escalation.due))
        )
    return planned


def later_jobs(
    cleared: ReportCleared, decision: Decision, now: datetime
) -> tuple[list[DeliveryJob], dict[bytes, float]]:
    """The jobs of a later phase (an approval, an escalation) made at ``now``: those due now, and
    the timers (member → due time) of those held for quiet hours or the digest."""
    jobs, later = [], {}
    make = Jobs(cleared, cleared.stamps.model_copy(update={"dispatched": now}))
    for d in decision.deliveries:
        if d.recipient_id is None:
            continue
        job = make(d)
        timer = _held_timer(d, job)
        if timer is not None:
            later[timer[0]] = timer[1]
        else:
            jobs.append(job)
    return jobs, later


def digest(items: list[DeliveryJob], network: Network | None, now: datetime) -> DeliveryJob:
    """One recipient's digest on one channel: the held jobs ``items`` in one message, sent at ``now``."""
    first = items[0]
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
        "urgent": False,  # a digest is never urgent (an urgent job is never held for one)
    })
