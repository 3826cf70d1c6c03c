"""The audit: every report accepted since a time, accounted for from the pipeline's own topics.

``binrelay audit --since T`` answers the question of issue #16, "nothing lost, nothing sent
twice", from the records themselves rather than from metrics:

* **accepted** — each report id on ``bin.reports.received.v1`` (or its urgent twin) written at or
  after ``since``: ingest published it, so it answered 202;
* **dispatched once** — each accepted report on its police zone's topic
  (``bin.dispatch.<zone>.v1``, read ``read_committed`` as a zone reads it) exactly once; a report
  dead-lettered by a stage is accounted for (with the letter's reason), one on no topic is lost,
  one there twice is doubled;
* **each planned delivery** — every delivery job of those reports on an outbox
  (``bin.outbox.<channel>[.urgent].v1``, distinct ``delivery_id``) has a final outcome on
  ``bin.deliveries.v1``: delivered, failed with a reason, fell back to another channel (whose job
  is itself a planned delivery) or not sent as a duplicate of another delivery of the same key;
  a job due later (``send_at``) is scheduled; any other is lost;
* **none twice at the wire** — optional: what the providers received, per idempotency key
  (the loopback SMS gateway's ``/_control/requests``, the SMTP sink's mails per Message-ID).

:func:`account` is the accounting, a pure function over decoded records (tested without Kafka);
:func:`read_records` reads the topics (the shell).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition

from . import topics
from .kafka import partitions
from .kafka_security import KafkaClientConfig

#: Outcomes that end a delivery (``retrying`` does not).
FINAL = ("delivered", "failed", "fell_back", "duplicate")
CHANNELS = ("sms", "email", "chat")


@dataclass(frozen=True)
class Received:
    """A report on the received topic: its id and when the record was written."""

    report_id: str
    at: datetime


@dataclass
class Records:
    """What the audit reads, decoded: JSON values of each topic's records (only the fields used)."""

    received: list[Received] = field(default_factory=list)
    dispatched: list[str] = field(default_factory=list)  # report ids, one per record on a zone topic
    jobs: list[Mapping[str, Any]] = field(default_factory=list)  # DeliveryJob values
    outcomes: list[Mapping[str, Any]] = field(default_factory=list)  # DeliveryOutcome values
    letters: list[Mapping[str, Any]] = field(default_factory=list)  # DeadLetter values
    #: At the wire, per idempotency key: how many times the provider really sent it (SMS: answered
    #: 202, a new message; e-mail: a mail received — SMTP has no key to deduplicate on).
    wire_sent: Counter[str] = field(default_factory=Counter)
    #: Per idempotency key: requests answered as a success (the provider's dedup answers a repeated
    #: key 200): more than one is a repeat the provider absorbed, not a second message.
    wire_accepted: Counter[str] = field(default_factory=Counter)
    wire_channels: frozenset[str] = frozenset()  # the channels whose wire was counted


@dataclass
class Audit:
    """The accounting of every report accepted since a time."""

    since: datetime
    accepted: int = 0
    dispatched_once: int = 0
    zone_duplicates: dict[str, int] = field(default_factory=dict)  # report id -> times on its zone topic
    not_dispatched: list[str] = field(default_factory=list)  # lost: accepted, on no zone topic, no letter
    dead_lettered: dict[str, str] = field(default_factory=dict)  # report id -> reason (accounted for)
    deliveries: int = 0  # planned: distinct delivery ids of the accepted reports
    outcomes: Counter[str] = field(default_factory=Counter)  # final outcome -> deliveries
    failed_reasons: Counter[str] = field(default_factory=Counter)
    failed_without_reason: list[str] = field(default_factory=list)
    scheduled: list[str] = field(default_factory=list)  # due later (send_at): not lost
    deliveries_lost: list[str] = field(default_factory=list)  # no final outcome
    channel_of: dict[str, str] = field(default_factory=dict)  # delivery id -> channel (for the breakdowns)
    wire_checked: frozenset[str] = frozenset()
    sent_twice: dict[str, int] = field(default_factory=dict)  # idempotency key -> real sends (>1)
    wire_repeats: dict[str, int] = field(default_factory=dict)  # key -> accepted requests (>1), deduplicated
    delivered_not_at_wire: list[str] = field(default_factory=list)  # delivery ids

    @property
    def lost(self) -> int:
        return len(self.not_dispatched) + len(self.deliveries_lost) + len(self.failed_without_reason)

    @property
    def doubled(self) -> int:
        return len(self.zone_duplicates) + len(self.sent_twice)

    @property
    def ok(self) -> bool:
        """Nothing lost, nothing doubled (what the command's exit status says)."""
        return not self.lost and not self.doubled and not self.delivered_not_at_wire

    def summary(self) -> dict[str, Any]:
        """The figures, JSON-ready (``--json``; the chaos suite's table)."""
        return {
            "since": self.since.isoformat(),
            "accepted": self.accepted,
            "dispatched_once": self.dispatched_once,
            "zone_duplicates": len(self.zone_duplicates),
            "zone_duplicate_records": sum(n - 1 for n in self.zone_duplicates.values()),
            "not_dispatched": len(self.not_dispatched),
            "dead_lettered": len(self.dead_lettered),
            "deliveries_planned": self.deliveries,
            "delivered": self.outcomes["delivered"],
            "failed": self.outcomes["failed"],
            "fell_back": self.outcomes["fell_back"],
            "duplicate_not_sent": self.outcomes["duplicate"],
            "failed_reasons": dict(self.failed_reasons),
            "failed_without_reason": len(self.failed_without_reason),
            "scheduled": len(self.scheduled),
            "deliveries_lost": len(self.deliveries_lost),
            "deliveries_lost_by_channel": dict(Counter(self.channel_of.get(d) for d in self.deliveries_lost)),
            "wire_checked": sorted(self.wire_checked),
            "sent_twice": len(self.sent_twice),
            "wire_repeats_deduplicated": len(self.wire_repeats),
            "delivered_not_at_wire": len(self.delivered_not_at_wire),
            "delivered_not_at_wire_by_channel": dict(Counter(self.channel_of.get(d)
                                                             for d in self.delivered_not_at_wire)),
            "ok": self.ok,
        }


def idempotency_key(job: Mapping[str, Any]) -> str:
    """(report, recipient, channel), as ``DeliveryJob.idempotency_key``."""
    return f"{job['report_id']}:{job['recipient_id']}:{job['channel']}"


def _final(outcomes: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The outcome that settles a delivery: a send beats a refusal beats a duplicate."""
    best: Mapping[str, Any] | None = None
    for o in outcomes:
        if o.get("outcome") not in FINAL:
            continue
        if best is None or FINAL.index(o["outcome"]) < FINAL.index(best["outcome"]):
            best = o
    return best


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def account(records: Records, since: datetime, now: datetime) -> Audit:
    """Account for every report received at or after ``since`` (``now``: what "due later" means)."""
    audit = Audit(since=since, wire_checked=records.wire_channels)
    accepted = {r.report_id for r in records.received if r.at >= since}
    audit.accepted = len(accepted)
    on_zone = Counter(rid for rid in records.dispatched if rid in accepted)
    for letter in records.letters:
        rid = letter.get("report_id")
        if rid in accepted and rid not in on_zone:
            audit.dead_lettered[rid] = f"{letter.get('stage')}: {letter.get('reason')}"
    for rid in sorted(accepted):
        n = on_zone[rid]
        if n == 1:
            audit.dispatched_once += 1
        elif n > 1:
            audit.zone_duplicates[rid] = n
        elif rid not in audit.dead_lettered:
            audit.not_dispatched.append(rid)

    jobs: dict[str, Mapping[str, Any]] = {}
    for job in records.jobs:
        if job.get("report_id") in accepted and job.get("delivery_id"):
            jobs.setdefault(job["delivery_id"], job)  # a requeued job is the same delivery
    by_delivery: dict[str, list[Mapping[str, Any]]] = {}
    for o in records.outcomes:
        if o.get("delivery_id") in jobs:
            by_delivery.setdefault(o["delivery_id"], []).append(o)
    audit.deliveries = len(jobs)
    audit.channel_of = {did: str(job.get("channel")) for did, job in jobs.items()}
    delivered_keys: dict[str, str] = {}
    for did, job in sorted(jobs.items()):
        final = _final(by_delivery.get(did, ()))
        if final is None:
            due = _parse_time(job.get("send_at"))
            (audit.scheduled if due is not None and due > now else audit.deliveries_lost).append(did)
            continue
        outcome = final["outcome"]
        audit.outcomes[outcome] += 1
        if outcome in ("failed", "fell_back"):
            if final.get("reason"):
                audit.failed_reasons[str(final["reason"]).split(":")[0]] += 1
            else:
                audit.failed_without_reason.append(did)
        if outcome == "delivered":
            delivered_keys[idempotency_key(job)] = did

    keys = {idempotency_key(job) for job in jobs.values()}
    for key, n in records.wire_sent.items():
        if key in keys and n > 1:
            audit.sent_twice[key] = n
    for key, n in records.wire_accepted.items():
        if key in keys and n > 1 and key not in audit.sent_twice:
            audit.wire_repeats[key] = n
    for key, did in sorted(delivered_keys.items()):
        channel = key.rsplit(":", 1)[1]
        if channel in records.wire_channels and not (records.wire_sent[key] or records.wire_accepted[key]):
            audit.delivered_not_at_wire.append(did)
    return audit


@dataclass(frozen=True)
class Absence:
    """A member removed from the registry at ``removed`` and added again at ``added``; ``peer``, a
    member planned for the same reports (the other coordinator of the network), shows what the
    member would have got."""

    member_id: str
    peer: str
    removed: datetime
    added: datetime


def absence_deliveries(records: Records, absence: Absence, grace: float) -> dict[str, Any]:
    """What the dispatchers planned for a member around their absence, by the jobs' planning time.

    A removal reaches the running dispatchers through ``bin.members.changed.v1`` (no restart):
    reports planned within ``grace`` seconds of the removal may still name the member (the
    change is on its way), later ones must not until the member is added again. Deliveries
    planned for them before the removal stay planned deliveries (the audit accounts for them as
    any other). ``ok``: none planned for the member from ``removed + grace`` until ``added``, and
    some again after ``added + grace`` if the peer got some then."""
    removed, added = absence.removed.timestamp(), absence.added.timestamp()
    cut, back = removed + grace, added + grace
    planned: dict[str, list[float]] = {absence.member_id: [], absence.peer: []}
    seen: set[str] = set()
    for job in records.jobs:
        did, at, who = job.get("delivery_id"), _parse_time(job.get("planned_at")), job.get("recipient_id")
        if at is None or not isinstance(did, str) or did in seen or who not in planned:
            continue
        seen.add(did)
        planned[str(who)].append(at.timestamp())
    own, peer = planned[absence.member_id], planned[absence.peer]
    lag = [t - removed for t in own if removed <= t < cut]
    absent = [t for t in own if cut <= t < added]
    after = [t for t in own if t >= back]
    peer_after = [t for t in peer if t >= back]
    return {
        "member": absence.member_id,
        "peer": absence.peer,
        "absent_s": round(added - removed, 1),
        "grace_s": grace,
        "planned_before_removal": sum(t < removed for t in own),
        "planned_within_grace": len(lag),
        "last_within_grace_s": round(max(lag), 1) if lag else None,
        "planned_while_absent": len(absent),
        # the change's way to the dispatchers, or a removal not honoured (then it runs up to the re-add)
        "last_while_absent_s": round(max(absent) - removed, 1) if absent else None,
        "peer_planned_while_absent": sum(cut <= t < added for t in peer),
        "planned_after_readd": len(after),
        "first_after_readd_s": round(min(t for t in own if t >= added) - added, 1) if any(
            t >= added for t in own) else None,
        "peer_planned_after_readd": len(peer_after),
        "ok": not absent and (bool(after) or not peer_after),
    }


# -- the shell: reading the topics --------------------------------------------------------------


def audited_topics(names: Iterable[str]) -> dict[str, str]:
    """The topics the audit reads among ``names`` (the cluster's topics) → what each holds."""
    kinds = {topics.REPORTS_RECEIVED: "received", topics.lane(topics.REPORTS_RECEIVED, True): "received",
             topics.DELIVERIES: "outcome", topics.DLQ: "letter"}
    for c in CHANNELS:
        kinds[topics.outbox(c)] = kinds[topics.outbox(c, urgent=True)] = "job"
    out = {name: kind for name, kind in kinds.items() if name in names}
    out.update({name: "dispatch" for name in names
                if name.startswith("bin.dispatch.") and name.endswith(".v1")})
    return out


def collect(records: Records, kind: str, value: bytes | None, timestamp_ms: int) -> None:
    """Add one record (``kind`` of :func:`audited_topics`) to ``records``; anything undecodable is skipped."""
    try:
        data = orjson.loads(value or b"null")
    except orjson.JSONDecodeError:
        return
    if not isinstance(data, dict) or not isinstance(data.get("report_id"), str):
        return
    if kind == "received":
        records.received.append(Received(data["report_id"], datetime.fromtimestamp(timestamp_ms / 1000, UTC)))
    elif kind == "dispatch":
        records.dispatched.append(data["report_id"])
    elif kind == "job":
        job = {k: data.get(k) for k in ("report_id", "delivery_id", "recipient_id", "channel", "send_at")}
        stamps = data.get("stamps")
        # When the dispatcher planned it (a fallback or requeued job keeps the first plan's stamp).
        job["planned_at"] = stamps.get("dispatched") if isinstance(stamps, dict) else None
        records.jobs.append(job)
    elif kind == "outcome":
        records.outcomes.append({k: data.get(k) for k in ("delivery_id", "outcome", "reason")})
    elif kind == "letter":
        records.letters.append({k: data.get(k) for k in ("report_id", "stage", "reason")})


async def read_records(kafka: KafkaClientConfig, since: datetime, timeout: float = 300.0) -> Records:
    """Every audited topic from ``since`` (offsets by time) to its end as of now, ``read_committed``.

    The received topic is read from ``since``; the others from ``since`` as well: a report's
    dispatch, jobs and outcomes are written after it was received.
    """
    consumer = AIOKafkaConsumer(**kafka.aiokafka(), enable_auto_commit=False, auto_offset_reset="earliest",
                                isolation_level="read_committed", max_partition_fetch_bytes=4 * 1024 * 1024)
    await consumer.start()
    records = Records()
    try:
        names = await consumer.topics()
        kinds = audited_topics(names)
        parts: list[TopicPartition] = []
        for name in sorted(kinds):
            parts += await partitions(consumer, name)
        consumer.assign(parts)
        ends = await consumer.end_offsets(parts)  # read_committed: the last stable offset
        starts = await consumer.offsets_for_times({tp: int(since.timestamp() * 1000) for tp in parts})
        todo = []
        for tp in parts:
            at = starts.get(tp)
            if at is None or at.offset >= ends[tp]:
                continue  # nothing written since
            consumer.seek(tp, at.offset)
            todo.append(tp)
        deadline = time.monotonic() + timeout
        while todo:
            if time.monotonic() > deadline:
                late = ", ".join(sorted({tp.topic for tp in todo}))
                raise TimeoutError(f"{late} not read to the end in {timeout:.0f} s")
            batch = await consumer.getmany(*todo, timeout_ms=500, max_records=10000)
            for tp, recs in batch.items():
                for rec in recs:
                    if rec.offset < ends[tp]:
                        collect(records, kinds[tp.topic], rec.value, rec.timestamp)
            todo = [tp for tp in todo if await consumer.position(tp) < ends[tp]]
    finally:
        await consumer.stop()
    return records
