"""The audit's accounting (binrelay_shared.audit.account), table-driven, without Kafka.

Each row: the records the audit would read, and the figures it must find. The shell that reads
the topics is exercised on the real cluster by tests/integration/test_chaos.py.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from binrelay_shared.audit import Absence, Received, Records, absence_deliveries, account, collect

T = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
NOW = T + timedelta(hours=1)


def job(rid: str, did: str, member: str = "m1", channel: str = "sms", send_at: str | None = None) -> dict[str, Any]:
    return {"report_id": rid, "delivery_id": did, "recipient_id": member, "channel": channel, "send_at": send_at}


def out(did: str, outcome: str, reason: str | None = None) -> dict[str, Any]:
    return {"delivery_id": did, "outcome": outcome, "reason": reason}


def recv(*ids: str, at: datetime = T) -> list[Received]:
    return [Received(i, at) for i in ids]


CASES: list[tuple[str, Records, dict[str, Any]]] = [
    ("all well: one report, dispatched once, its delivery delivered once at the wire",
     Records(received=recv("r1"), dispatched=["r1"], jobs=[job("r1", "d1")], outcomes=[out("d1", "delivered")],
             wire_sent=Counter({"r1:m1:sms": 1}), wire_accepted=Counter({"r1:m1:sms": 1}),
             wire_channels=frozenset({"sms"})),
     {"accepted": 1, "dispatched_once": 1, "deliveries_planned": 1, "delivered": 1, "ok": True}),
    ("a report on no zone topic is lost",
     Records(received=recv("r1", "r2"), dispatched=["r1"]),
     {"accepted": 2, "dispatched_once": 1, "not_dispatched": 1, "ok": False}),
    ("a report twice on its zone topic is doubled",
     Records(received=recv("r1"), dispatched=["r1", "r1"]),
     {"dispatched_once": 0, "zone_duplicates": 1, "zone_duplicate_records": 1, "ok": False}),
    ("a dead-lettered report is accounted for, with its reason",
     Records(received=recv("r1"), letters=[{"report_id": "r1", "stage": "classifier", "reason": "too_large"}]),
     {"dead_lettered": 1, "not_dispatched": 0, "ok": True}),
    ("a report received before T is not audited, nor its deliveries",
     Records(received=recv("old", at=T - timedelta(seconds=1)) + recv("r1"), dispatched=["r1"],
             jobs=[job("old", "d0")]),
     {"accepted": 1, "deliveries_planned": 0, "ok": True}),
    ("a requeued job is one delivery; 'retrying' alone settles nothing",
     Records(received=recv("r1"), dispatched=["r1"], jobs=[job("r1", "d1"), job("r1", "d1")],
             outcomes=[out("d1", "retrying", "http_503")]),
     {"deliveries_planned": 1, "deliveries_lost": 1, "ok": False}),
    ("failed with a reason is settled; failed without one is not",
     Records(received=recv("r1"), dispatched=["r1"], jobs=[job("r1", "d1"), job("r1", "d2", "m2")],
             outcomes=[out("d1", "failed", "permanent:invalid_number"), out("d2", "failed")]),
     {"failed": 2, "failed_reasons": {"permanent": 1}, "failed_without_reason": 1, "ok": False}),
    ("a fallback: the first job fell back, the next channel's job delivered",
     Records(received=recv("r1"), dispatched=["r1"], jobs=[job("r1", "d1"), job("r1", "d1b", channel="email")],
             outcomes=[out("d1", "fell_back", "retries_exhausted:http_503"), out("d1b", "delivered")]),
     {"deliveries_planned": 2, "fell_back": 1, "delivered": 1, "ok": True}),
    ("an outcome republished after a crash ('redelivered') counts once; delivered wins over retrying",
     Records(received=recv("r1"), dispatched=["r1"], jobs=[job("r1", "d1")],
             outcomes=[out("d1", "retrying", "x"), out("d1", "delivered"), out("d1", "delivered", "redelivered")]),
     {"delivered": 1, "deliveries_lost": 0, "ok": True}),
    ("a job due later without an outcome is scheduled, not lost",
     Records(received=recv("r1"), dispatched=["r1"],
             jobs=[job("r1", "d1", send_at=(NOW + timedelta(hours=8)).isoformat())]),
     {"scheduled": 1, "deliveries_lost": 0, "ok": True}),
    ("a job that was due and has no outcome is lost",
     Records(received=recv("r1"), dispatched=["r1"], jobs=[job("r1", "d1", send_at=T.isoformat())]),
     {"scheduled": 0, "deliveries_lost": 1, "ok": False}),
    ("sent twice at the wire (two real sends of one key) is doubled",
     Records(received=recv("r1"), dispatched=["r1"], jobs=[job("r1", "d1", channel="email")],
             outcomes=[out("d1", "delivered")], wire_sent=Counter({"r1:m1:email": 2}),
             wire_accepted=Counter({"r1:m1:email": 2}), wire_channels=frozenset({"email"})),
     {"sent_twice": 1, "ok": False}),
    ("a repeat the provider deduplicated (one 202, one 200) is counted, not doubled",
     Records(received=recv("r1"), dispatched=["r1"], jobs=[job("r1", "d1")], outcomes=[out("d1", "delivered")],
             wire_sent=Counter({"r1:m1:sms": 1}), wire_accepted=Counter({"r1:m1:sms": 2}),
             wire_channels=frozenset({"sms"})),
     {"sent_twice": 0, "wire_repeats_deduplicated": 1, "ok": True}),
    ("delivered by the outcomes but never at the wire is lost",
     Records(received=recv("r1"), dispatched=["r1"], jobs=[job("r1", "d1")], outcomes=[out("d1", "delivered")],
             wire_channels=frozenset({"sms"})),
     {"delivered_not_at_wire": 1, "ok": False}),
    ("a channel whose wire was not counted is not checked at the wire",
     Records(received=recv("r1"), dispatched=["r1"], jobs=[job("r1", "d1", channel="chat")],
             outcomes=[out("d1", "delivered")], wire_channels=frozenset({"sms"})),
     {"delivered_not_at_wire": 0, "ok": True}),
    ("wire counts of keys of other reports are ignored",
     Records(received=recv("r1"), dispatched=["r1"], wire_sent=Counter({"r0:m1:sms": 3}),
             wire_channels=frozenset({"sms"})),
     {"sent_twice": 0, "ok": True}),
    ("a duplicate job of the same key, not sent again, is settled",
     Records(received=recv("r1"), dispatched=["r1"], jobs=[job("r1", "d1"), job("r1", "d2")],
             outcomes=[out("d1", "delivered"), out("d2", "duplicate", "already_delivered")]),
     {"delivered": 1, "duplicate_not_sent": 1, "ok": True}),
]


@pytest.mark.parametrize(("records", "expected"), [(r, e) for _, r, e in CASES], ids=[c[0] for c in CASES])
def test_account(records: Records, expected: dict[str, Any]) -> None:
    summary = account(records, T, NOW).summary()
    assert {k: summary[k] for k in expected} == expected


def test_collect_decodes_only_what_it_needs_and_skips_garbage() -> None:
    records = Records()
    collect(records, "received", b'{"report_id": "r1", "report": {"text": "x"}}', int(T.timestamp() * 1000))
    collect(records, "dispatch", b'{"report_id": "r1"}', 0)
    collect(records, "job", b'{"report_id": "r1", "delivery_id": "d1", "recipient_id": "m", "channel": "sms",'
                            b' "address": "+447700900001", "text": "secret",'
                            b' "stamps": {"received": "2026-05-01T08:00:00Z",'
                            b' "dispatched": "2026-05-01T08:00:01Z"}}', 0)
    collect(records, "outcome", b"not json", 0)
    collect(records, "letter", b'{"stage": "classifier"}', 0)  # no report id: nothing to account for
    assert records.received == [Received("r1", T)]
    assert records.dispatched == ["r1"]
    assert records.jobs == [{"report_id": "r1", "delivery_id": "d1", "recipient_id": "m", "channel": "sms",
                             "send_at": None, "planned_at": "2026-05-01T08:00:01Z"}]  # no address, no text:
    # the audit keeps no personal data
    assert records.outcomes == [] and records.letters == []


def planned(did: str, member: str, seconds: float) -> dict[str, Any]:
    """A job for ``member`` planned ``seconds`` after T."""
    return {**job("r", did, member), "planned_at": (T + timedelta(seconds=seconds)).isoformat()}


ABSENT = Absence("coord-1", "coord-2", removed=T + timedelta(seconds=100), added=T + timedelta(seconds=200))


ABSENCE_CASES: list[tuple[str, list[dict[str, Any]], dict[str, Any]]] = [
    ("honoured: planned before, within the grace, none while absent, again after the re-add",
     [planned("a", "coord-1", 50), planned("b", "coord-1", 104), planned("c", "coord-2", 150),
      planned("d", "coord-1", 230), planned("e", "coord-2", 230)],
     {"planned_before_removal": 1, "planned_within_grace": 1, "last_within_grace_s": 4.0, "planned_while_absent": 0,
      "peer_planned_while_absent": 1, "planned_after_readd": 1, "peer_planned_after_readd": 1, "ok": True}),
    ("planned for while absent: wrong",
     [planned("a", "coord-1", 150), planned("b", "coord-2", 150)],
     {"planned_while_absent": 1, "ok": False}),
    ("never planned for again although the peer was: wrong",
     [planned("a", "coord-2", 250), planned("b", "coord-2", 260)],
     {"planned_after_readd": 0, "peer_planned_after_readd": 2, "ok": False}),
    ("nothing planned for anyone after the re-add: nothing to say against it",
     [planned("a", "coord-1", 50)], {"planned_after_readd": 0, "ok": True}),
    ("a requeued job (same delivery id) counts once; a job without a plan time is not counted",
     [planned("a", "coord-1", 50), planned("a", "coord-1", 150), {**job("r", "x", "coord-1"), "planned_at": None}],
     {"planned_before_removal": 1, "planned_while_absent": 0, "ok": True}),
]


@pytest.mark.parametrize(("jobs", "expected"), [c[1:] for c in ABSENCE_CASES], ids=[c[0] for c in ABSENCE_CASES])
def test_absence_deliveries(jobs: list[Mapping[str, Any]], expected: dict[str, Any]) -> None:
    """What was planned for a member removed from the registry and added again, by plan time."""
    result = absence_deliveries(Records(jobs=list(jobs)), ABSENT, grace=10.0)
    assert {k: result[k] for k in expected} == expected
