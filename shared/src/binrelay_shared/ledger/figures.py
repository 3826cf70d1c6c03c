"""The yearly evaluation's figures: pure functions over one network's ledger rows.

Months are Brussels months (a report at 23:30 UTC on 31 January is a February report). Times are
in seconds; a percentile is the nearest-rank one (the smallest value with at least p% of the values
at or below it), so every figure is a time that was actually measured.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from binrelay_shared.events import Category, Kind, Outcome, Urgency

from .rows import DeliveryRow, MemberRow, ReportRow, ResponseRow

BRUSSELS = ZoneInfo("Europe/Brussels")
MONTHS = 12
POLICE_KINDS = tuple(k.value for k in Kind if k is not Kind.report)
CHANNELS = ("sms", "email", "chat")


_LATER = timedelta(seconds=1)


def month_of(at: datetime) -> int:
    """1..12: the Brussels month of ``at``."""
    return at.astimezone(BRUSSELS).month


def percentile(values: Iterable[float], p: float) -> float | None:
    """The nearest-rank ``p``-th percentile (0 < p <= 100), or None without values."""
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


@dataclass(frozen=True)
class Times:
    """How long something took: count, median and 90th percentile (seconds)."""

    n: int
    median: float | None
    p90: float | None

    @classmethod
    def of(cls, seconds: list[float]) -> Times:
        return cls(len(seconds), percentile(seconds, 50), percentile(seconds, 90))


def _monthly() -> list[int]:
    return [0] * MONTHS


def member_reports(reports: Iterable[ReportRow]) -> list[ReportRow]:
    return [r for r in reports if r.kind == Kind.report.value]


def reports_per_month(reports: Iterable[ReportRow], by: str) -> dict[str, list[int]]:
    """Members' reports per month, one series per value of ``by`` (``category`` or ``urgency``),
    in the vocabulary's order; values never seen are left out."""
    order = [c.value for c in Category] if by == "category" else [u.value for u in Urgency]
    series: dict[str, list[int]] = {}
    for r in member_reports(reports):
        series.setdefault(getattr(r, by), _monthly())[month_of(r.received_at) - 1] += 1
    return {k: series[k] for k in sorted(series, key=lambda k: order.index(k) if k in order else len(order))}


def first_delivered(deliveries: Iterable[DeliveryRow]) -> dict[str, datetime]:
    """Each report's first successful delivery (to anyone), by report id."""
    first: dict[str, datetime] = {}
    for d in deliveries:
        if d.outcome == Outcome.delivered.value and (d.report_id not in first or d.at < first[d.report_id]):
            first[d.report_id] = d.at
    return first


def first_delivery_times(reports: Iterable[ReportRow], deliveries: Iterable[DeliveryRow]) -> dict[str, Times]:
    """Receipt of a member's report → its first delivery, per urgency (reports never delivered
    are not in it: see their count in :class:`Evaluation`)."""
    first = first_delivered(deliveries)
    seconds: dict[str, list[float]] = {u.value: [] for u in Urgency}
    for r in member_reports(reports):
        if r.report_id in first:
            seconds.setdefault(r.urgency, []).append(max(0.0, (first[r.report_id] - r.received_at).total_seconds()))
    return {u: Times.of(s) for u, s in seconds.items()}


@dataclass(frozen=True)
class Follow:
    """Urgent reports, acknowledgements and escalations per month."""

    urgent: list[int]
    acknowledged: list[int]
    escalated: list[int]
    time_to_ack: Times


def acknowledgements(reports: Iterable[ReportRow], responses: Iterable[ResponseRow],
                     deliveries: Iterable[DeliveryRow]) -> Follow:
    """Per month of receipt: urgent reports (members' reports and alarms), how many of them were
    acknowledged and how many escalated (nobody acknowledged in time); and the time to the first
    acknowledgement."""
    urgent = {r.report_id: r for r in reports
              if r.urgency == Urgency.urgent.value and r.kind in (Kind.report.value, Kind.alarm.value)}
    acked: dict[str, datetime] = {}
    for a in responses:
        if a.kind == "acknowledge" and a.report_id in urgent and a.at < acked.get(a.report_id, a.at + _LATER):
            acked[a.report_id] = a.at
    escalated = {d.report_id for d in deliveries if d.purpose == "escalation" and d.report_id in urgent}
    out = Follow(_monthly(), _monthly(), _monthly(), Times.of(
        [max(0.0, (at - urgent[rid].received_at).total_seconds()) for rid, at in acked.items()]))
    for rid, r in urgent.items():
        m = month_of(r.received_at) - 1
        out.urgent[m] += 1
        out.acknowledged[m] += rid in acked
        out.escalated[m] += rid in escalated
    return out


@dataclass(frozen=True)
class PoliceMessages:
    """Police and coordinator messages per month by kind, and their approvals."""

    per_month: dict[str, list[int]]
    approved: int
    rejected: int
    awaiting: int
    approval_times: Times


def police_messages(reports: Iterable[ReportRow], responses: Iterable[ResponseRow]) -> PoliceMessages:
    """Messages (every kind but a member's report) per month by kind; of those held for approval,
    how many were approved, rejected or still wait, and the time from receipt to the decision."""
    messages = [r for r in reports if r.kind != Kind.report.value]
    per_month: dict[str, list[int]] = {}
    for r in messages:
        per_month.setdefault(r.kind, _monthly())[month_of(r.received_at) - 1] += 1
    decided: dict[str, ResponseRow] = {}
    for a in sorted(responses, key=lambda a: a.at):
        if a.kind in ("approve", "reject"):
            decided.setdefault(a.report_id, a)  # the first decision counts
    held = [r for r in messages if r.held == "approval"]
    decisions = [decided[r.report_id] for r in held if r.report_id in decided]
    by_id = {r.report_id: r for r in held}
    times = [max(0.0, (a.at - by_id[a.report_id].received_at).total_seconds()) for a in decisions]
    return PoliceMessages(
        per_month={k: per_month[k] for k in POLICE_KINDS if k in per_month},
        approved=sum(1 for a in decisions if a.kind == "approve"),
        rejected=sum(1 for a in decisions if a.kind == "reject"),
        awaiting=len(held) - len(decisions),
        approval_times=Times.of(times),
    )


@dataclass(frozen=True)
class Feedback:
    """Feedback given to reporters per month, and the share of members' reports that got one."""

    messages: list[int]
    delivered: list[int]
    reports_answered: int
    reports: int


def feedback(reports: Iterable[ReportRow], deliveries: Iterable[DeliveryRow]) -> Feedback:
    """Feedback and closing messages per month, their deliveries to reporters, and how many of the
    year's members' reports some feedback or closing referred to."""
    reports = list(reports)
    answers = [r for r in reports if r.kind in (Kind.feedback.value, Kind.closing.value)]
    out = Feedback(_monthly(), _monthly(), 0, 0)
    for r in answers:
        out.messages[month_of(r.received_at) - 1] += 1
    for d in {d.delivery_id: d for d in deliveries if d.feedback and d.outcome == Outcome.delivered.value}.values():
        out.delivered[month_of(d.at) - 1] += 1
    mine = {r.report_id for r in member_reports(reports)}
    answered = {r.refers_to for r in answers if r.refers_to in mine}
    return Feedback(out.messages, out.delivered, len(answered), len(mine))


@dataclass(frozen=True)
class Headcount:
    """Members on a channel and how many of them consented."""

    members: int
    consented: int


def members_by_channel(members: Iterable[MemberRow]) -> tuple[str | None, dict[str, Headcount]]:
    """The last count of the period: its day and, per channel (and ``all``), members and consent."""
    members = list(members)
    if not members:
        return None, {}
    last = max(m.day for m in members)
    counts = {m.channel: Headcount(m.members, m.consented) for m in members if m.day == last}
    order = ["all", *CHANNELS]
    ranked = sorted(counts, key=lambda c: (order.index(c) if c in order else len(order), c))
    return last.isoformat(), {c: counts[c] for c in ranked}


@dataclass(frozen=True)
class ChannelOutcomes:
    """Deliveries on one channel by final outcome, and the share that failed on it."""

    delivered: int = 0
    failed: int = 0
    fell_back: int = 0
    pending: int = 0

    @property
    def failure_ratio(self) -> float | None:
        """Failed or fallen back to another channel, of those that ended on this channel."""
        ended = self.delivered + self.failed + self.fell_back
        return (self.failed + self.fell_back) / ended if ended else None


#: A delivery's final outcome: the first of these any of its outcome records has.
_FINAL = (Outcome.delivered.value, Outcome.failed.value, Outcome.fell_back.value, Outcome.retrying.value)


def deliveries_by_channel(deliveries: Iterable[DeliveryRow]) -> dict[str, ChannelOutcomes]:
    """Each delivery once, by its final outcome (delivered, failed, fell back to the next channel,
    still retrying), per channel; a ``duplicate`` (a job the sender had sent already) is not a
    delivery of its own."""
    seen: dict[str, set[str]] = defaultdict(set)
    channel_of: dict[str, str] = {}
    for d in deliveries:
        seen[d.delivery_id].add(d.outcome)
        channel_of[d.delivery_id] = d.channel
    tally: dict[str, Counter[str]] = {c: Counter() for c in CHANNELS}
    for delivery_id, outcomes in seen.items():
        final = next((o for o in _FINAL if o in outcomes), None)
        if final is not None:
            tally.setdefault(channel_of[delivery_id], Counter())[final] += 1
    return {c: ChannelOutcomes(t["delivered"], t["failed"], t["fell_back"], t["retrying"]) for c, t in tally.items()}


@dataclass(frozen=True)
class Evaluation:
    """Every figure of a network's year."""

    network: str
    year: int
    reports_by_category: dict[str, list[int]]
    reports_by_urgency: dict[str, list[int]]
    first_delivery: dict[str, Times]
    undelivered_reports: int
    follow: Follow
    police: PoliceMessages
    feedback: Feedback
    members_day: str | None
    members: dict[str, Headcount]
    channels: dict[str, ChannelOutcomes]
    totals: dict[str, int] = field(default_factory=dict)


def evaluate(network: str, year: int, reports: list[ReportRow], deliveries: list[DeliveryRow],
             responses: list[ResponseRow], members: list[MemberRow]) -> Evaluation:
    """The year's figures of ``network`` from its rows (already limited to the year)."""
    first = first_delivered(deliveries)
    mine = member_reports(reports)
    day, heads = members_by_channel(members)
    return Evaluation(
        network=network,
        year=year,
        reports_by_category=reports_per_month(reports, "category"),
        reports_by_urgency=reports_per_month(reports, "urgency"),
        first_delivery=first_delivery_times(reports, deliveries),
        undelivered_reports=sum(1 for r in mine if r.report_id not in first),
        follow=acknowledgements(reports, responses, deliveries),
        police=police_messages(reports, responses),
        feedback=feedback(reports, deliveries),
        members_day=day,
        members=heads,
        channels=deliveries_by_channel(deliveries),
        totals={"reports": len(mine), "messages": len(reports) - len(mine),
                "deliveries": len({d.delivery_id for d in deliveries})},
    )
