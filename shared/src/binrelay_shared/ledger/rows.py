"""From the pipeline's events to ledger rows: the ledger's ingestion path, pure.

:func:`rows_of` takes one event (a zone's :class:`Dispatch`, a :class:`DeliveryOutcome`, a
:class:`Response`) and returns the rows it adds. Each row has a ``key`` made from the event's own
ids, so the same record read twice gives the same keys and is stored once (the store inserts with
"on conflict do nothing"). Nothing of a report's text, location, reporter or rendering is kept;
the log keeps member ids (who answered, who an escalation went to), the statistics keep none.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from binrelay_shared.events import (
    DeliveryOutcome,
    Dispatch,
    Kind,
    Origin,
    Outcome,
    Response,
    ResponseKind,
)

NO_NETWORK = "none"


class Entry:
    """What a log entry records (the ``entry`` column)."""

    report = "report"
    police_message = "police_message"
    coordinator_message = "coordinator_message"
    closing = "closing"
    approval = "approval"
    rejection = "rejection"
    acknowledgement = "acknowledgement"
    escalation = "escalation"
    feedback = "feedback"

    ALL: ClassVar[tuple[str, ...]] = (
        report, police_message, coordinator_message, closing, approval, rejection, acknowledgement,
        escalation, feedback,
    )


@dataclass(frozen=True)
class Row:
    """A ledger row; ``TABLE`` names its table, ``key`` makes it unique."""

    TABLE: ClassVar[str] = ""
    key: str

    def values(self) -> dict[str, Any]:
        """The row's columns, times in UTC (SQLite keeps no offset: every stored time is UTC)."""
        return {f.name: _utc(getattr(self, f.name)) for f in fields(self)}


def _utc(value: Any) -> Any:
    return value.astimezone(UTC) if isinstance(value, datetime) else value


@dataclass(frozen=True)
class LogRow(Row):
    """One line of the coordinator's log."""

    TABLE: ClassVar[str] = "ledger_log"
    network_id: str
    report_id: str
    at: datetime
    entry: str
    kind: str | None = None
    category: str | None = None
    urgency: str | None = None
    member_id: str | None = None
    """Who approved, rejected or acknowledged; whom an escalation or a feedback went to."""
    channel: str | None = None
    refers_to: str | None = None
    detail: str | None = None
    """A code, never free text: what was held, an outcome, "reason given"."""


@dataclass(frozen=True)
class ReportRow(Row):
    """A report or message dispatched (statistics: no member ids)."""

    TABLE: ClassVar[str] = "ledger_reports"
    network_id: str
    report_id: str
    received_at: datetime
    dispatched_at: datetime | None
    origin: str
    kind: str
    category: str
    urgency: str
    held: str | None = None
    refers_to: str | None = None


@dataclass(frozen=True)
class DeliveryRow(Row):
    """One delivery outcome (statistics: no member ids)."""

    TABLE: ClassVar[str] = "ledger_deliveries"
    network_id: str
    report_id: str
    delivery_id: str
    received_at: datetime
    at: datetime
    channel: str
    audience: str
    purpose: str
    outcome: str
    attempts: int
    feedback: bool = False


@dataclass(frozen=True)
class ResponseRow(Row):
    """An acknowledgement, approval or rejection (statistics: no member ids)."""

    TABLE: ClassVar[str] = "ledger_responses"
    network_id: str
    report_id: str
    kind: str
    via: str
    at: datetime


@dataclass(frozen=True)
class MemberRow(Row):
    """How many members a network had on a day, by channel, and how many of them consented.

    ``channel`` ``all`` counts every member once. One row per (network, day, channel): a later
    count of the same day replaces it."""

    TABLE: ClassVar[str] = "ledger_members"
    network_id: str
    day: date
    channel: str
    members: int
    consented: int


ROW_TYPES: tuple[type[Row], ...] = (LogRow, ReportRow, DeliveryRow, ResponseRow, MemberRow)


def network_of(network_id: str | None) -> str:
    return network_id or NO_NETWORK


def _message_entry(d: Dispatch) -> str:
    if d.kind is Kind.closing:
        return Entry.closing
    if d.origin is Origin.police:
        return Entry.police_message
    if d.origin is Origin.coordinator:
        return Entry.coordinator_message
    return Entry.report


def rows_of_dispatch(d: Dispatch) -> list[Row]:
    network = network_of(d.network_id)
    c = d.classification
    return [
        ReportRow(
            key=d.report_id, network_id=network, report_id=d.report_id, received_at=d.stamps.received,
            dispatched_at=d.stamps.dispatched, origin=d.origin.value, kind=d.kind.value,
            category=c.category.value, urgency=c.urgency.value, held=d.held, refers_to=d.refers_to,
        ),
        LogRow(
            key=f"dispatch:{d.report_id}", network_id=network, report_id=d.report_id, at=d.stamps.received,
            entry=_message_entry(d), kind=d.kind.value, category=c.category.value, urgency=c.urgency.value,
            refers_to=d.refers_to, detail=f"held: {d.held}" if d.held else None,
        ),
    ]


_ANSWERS = {
    ResponseKind.acknowledge: Entry.acknowledgement,
    ResponseKind.approve: Entry.approval,
    ResponseKind.reject: Entry.rejection,
}


def rows_of_response(r: Response) -> list[Row]:
    network = network_of(r.network_id)
    key = f"{r.report_id}:{r.responder_id}:{r.kind.value}:{r.at.isoformat()}"
    via = str(r.via)  # a Channel is a StrEnum: its value
    return [
        # The statistics keep no member id, not even in a key: the key is its digest.
        ResponseRow(key=hashlib.sha256(key.encode()).hexdigest()[:40], network_id=network, report_id=r.report_id,
                    kind=r.kind.value, via=via, at=r.at),
        LogRow(
            key=f"response:{key}", network_id=network, report_id=r.report_id, at=r.at, entry=_ANSWERS[r.kind],
            member_id=r.responder_id, channel=via, detail="reason given" if r.reason else None,
        ),
    ]


def rows_of_outcome(o: DeliveryOutcome) -> list[Row]:
    network = network_of(o.network_id)
    feedback = o.refers_to is not None and o.audience == "reporter"
    rows: list[Row] = [DeliveryRow(
        key=f"{o.delivery_id}:{o.outcome.value}:{o.attempts}", network_id=network, report_id=o.report_id,
        delivery_id=o.delivery_id, received_at=o.stamps.received, at=o.at, channel=o.channel.value,
        audience=o.audience, purpose=o.purpose, outcome=o.outcome.value, attempts=o.attempts, feedback=feedback,
    )]
    if o.purpose == "escalation" and o.outcome is not Outcome.duplicate:
        # One entry per escalated recipient: when the escalation was made (the job's dispatch
        # stamp), whatever its later outcomes.
        rows.append(LogRow(
            key=f"escalation:{o.delivery_id}", network_id=network, report_id=o.report_id,
            at=o.stamps.dispatched or o.at, entry=Entry.escalation, member_id=o.recipient_id,
            channel=o.channel.value,
        ))
    if feedback and o.outcome is Outcome.delivered:
        rows.append(LogRow(
            key=f"feedback:{o.delivery_id}", network_id=network, report_id=o.report_id, at=o.at,
            entry=Entry.feedback, member_id=o.recipient_id, channel=o.channel.value, refers_to=o.refers_to,
            detail=Outcome.delivered.value,
        ))
    return rows


def rows_of(event: Dispatch | DeliveryOutcome | Response) -> list[Row]:
    """The ledger rows one event adds (keys from its own ids: reading it twice adds nothing)."""
    if isinstance(event, Dispatch):
        return rows_of_dispatch(event)
    if isinstance(event, DeliveryOutcome):
        return rows_of_outcome(event)
    return rows_of_response(event)


@dataclass(frozen=True)
class Headcount:
    """One member as the statistics see them: networks, channels, consent (no id, no address).

    The ledger counts the member registry's members (:func:`headcounts_of_registry`: consent per
    channel, as recorded); :func:`headcounts_of` reads a members file's the same way."""

    networks: tuple[str, ...]
    channels: tuple[str, ...]
    consented_channels: tuple[str, ...]


def headcounts_of(members: Any) -> list[Headcount]:
    """The members file's members (:class:`binrelay_shared.network.MembersFile`) as headcounts
    (consent there is one yes/no for every channel)."""
    out = []
    for m in members.members:
        if m.excluded:
            continue
        channels = tuple(dict.fromkeys(a.channel for a in m.channels))
        out.append(Headcount(tuple(m.networks), channels, channels if m.consent else ()))
    return out


def headcounts_of_registry(members: Iterable[tuple[Sequence[str], Sequence[str], Collection[str]]]) -> list[Headcount]:
    """The registry's members (:meth:`binrelay_shared.members.Registry.consent_by_channel`: networks,
    channels in order, channels with consent given) as headcounts: consented on the channels whose
    consent is given (a withdrawn one, e.g. by an SMS STOP, does not count)."""
    return [Headcount(tuple(networks), tuple(channels), tuple(c for c in channels if c in given))
            for networks, channels, given in members]


def member_rows(heads: list[Headcount], networks: list[str], day: date) -> list[Row]:
    """Each network's members on ``day``: in all, and per channel, with how many consented."""
    rows: list[Row] = []
    for network in networks:
        mine = [h for h in heads if network in h.networks]
        counts: dict[str, list[int]] = {"all": [len(mine), sum(1 for h in mine if h.consented_channels)]}
        for h in mine:
            for channel in h.channels:
                c = counts.setdefault(channel, [0, 0])
                c[0] += 1
                c[1] += channel in h.consented_channels
        for channel, (members, consented) in counts.items():
            rows.append(MemberRow(key=f"{network}:{day.isoformat()}:{channel}", network_id=network, day=day,
                                  channel=channel, members=members, consented=consented))
    return rows
