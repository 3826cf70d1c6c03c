"""The ledger's ingestion path (pure): which rows each event adds, with which keys; no text, no
address, and member ids only in the log."""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta

import pytest

from binrelay_shared.events import Category, Channel, Kind, Origin, Outcome, ResponseKind, Urgency
from binrelay_shared.ledger.rows import (
    DeliveryRow,
    Entry,
    Headcount,
    LogRow,
    MemberRow,
    ReportRow,
    ResponseRow,
    Row,
    member_rows,
    rows_of,
)
from tests.ledger.events import SECRET_PHONE, SECRET_TEXT, delivery_id, dispatch, outcome, response

T = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
COORD_SMS = delivery_id("r1", "zavel-coord-1", Channel.sms)
STEER_SMS = delivery_id("r1", "zavel-steer-1", Channel.sms)
REPORTER_SMS = delivery_id("f1", "zavel-member-9", Channel.sms)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:40]


CASES = [
    pytest.param(
        dispatch("r1", T, urgency=Urgency.urgent, category=Category.theft),
        [(ReportRow, "r1"), (LogRow, "dispatch:r1")],
        {"entry": Entry.report, "kind": "report", "category": "theft", "urgency": "urgent", "member_id": None},
        id="member report",
    ),
    pytest.param(
        dispatch("p1", T, kind=Kind.prevention, origin=Origin.police, held="approval"),
        [(ReportRow, "p1"), (LogRow, "dispatch:p1")],
        {"entry": Entry.police_message, "kind": "prevention", "detail": "held: approval"},
        id="police message held for approval",
    ),
    pytest.param(
        dispatch("c1", T, kind=Kind.prevention, origin=Origin.coordinator),
        [(ReportRow, "c1"), (LogRow, "dispatch:c1")],
        {"entry": Entry.coordinator_message},
        id="coordinator message",
    ),
    pytest.param(
        dispatch("x1", T, kind=Kind.closing, origin=Origin.police, refers_to="a1"),
        [(ReportRow, "x1"), (LogRow, "dispatch:x1")],
        {"entry": Entry.closing, "refers_to": "a1"},
        id="closing of an alarm",
    ),
    pytest.param(
        response("p1", T, ResponseKind.approve, responder="zavel-officer-1", via=Channel.chat),
        [(ResponseRow, digest(f"p1:zavel-officer-1:approve:{T.isoformat()}")),
         (LogRow, f"response:p1:zavel-officer-1:approve:{T.isoformat()}")],
        {"entry": Entry.approval, "member_id": "zavel-officer-1", "channel": "chat", "detail": None},
        id="approval: who and when",
    ),
    pytest.param(
        response("p1", T, ResponseKind.reject, reason="te vroeg, Jan Fictief belt nog"),
        [(ResponseRow, digest(f"p1:zavel-coord-1:reject:{T.isoformat()}")),
         (LogRow, f"response:p1:zavel-coord-1:reject:{T.isoformat()}")],
        {"entry": Entry.rejection, "member_id": "zavel-coord-1", "detail": "reason given"},
        id="rejection keeps that a reason was given, not its words",
    ),
    pytest.param(
        response("r1", T),
        [(ResponseRow, digest(f"r1:zavel-coord-1:acknowledge:{T.isoformat()}")),
         (LogRow, f"response:r1:zavel-coord-1:acknowledge:{T.isoformat()}")],
        {"entry": Entry.acknowledgement},
        id="acknowledgement",
    ),
    pytest.param(
        outcome("r1", T, T + timedelta(seconds=5)),
        [(DeliveryRow, f"{COORD_SMS}:delivered:1")],
        None,
        id="an ordinary delivery: statistics only",
    ),
    pytest.param(
        outcome("r1", T, T + timedelta(minutes=16), recipient="zavel-steer-1", purpose="escalation",
                dispatched=T + timedelta(minutes=15)),
        [(DeliveryRow, f"{STEER_SMS}:delivered:1"), (LogRow, f"escalation:{STEER_SMS}")],
        {"entry": Entry.escalation, "member_id": "zavel-steer-1", "at": T + timedelta(minutes=15)},
        id="escalation: logged at the time it was made",
    ),
    pytest.param(
        outcome("f1", T, T + timedelta(seconds=3), recipient="zavel-member-9", audience="reporter", refers_to="r1"),
        [(DeliveryRow, f"{REPORTER_SMS}:delivered:1"), (LogRow, f"feedback:{REPORTER_SMS}")],
        {"entry": Entry.feedback, "member_id": "zavel-member-9", "refers_to": "r1", "detail": "delivered"},
        id="feedback delivered to the reporter",
    ),
    pytest.param(
        outcome("f1", T, T + timedelta(seconds=3), recipient="zavel-member-9", audience="reporter", refers_to="r1",
                result=Outcome.failed),
        [(DeliveryRow, f"{REPORTER_SMS}:failed:1")],
        None,
        id="feedback that failed: not logged as given",
    ),
]


@pytest.mark.parametrize(("event", "expected", "log"), CASES)
def test_each_event_adds_its_rows(event: object, expected: list[tuple[type[Row], str]],
                                  log: dict[str, object] | None) -> None:
    rows = rows_of(event)  # type: ignore[arg-type]
    assert [(type(r), r.key) for r in rows] == expected
    assert rows_of(event) == rows  # type: ignore[arg-type]  # the same record: the same keys
    entries = [r for r in rows if isinstance(r, LogRow)]
    if log is None:
        assert not entries
    else:
        (entry,) = entries
        assert {k: getattr(entry, k) for k in log} == log
    for row in rows:
        text = repr(asdict(row))
        assert SECRET_TEXT not in text and SECRET_PHONE not in text and "Fictief" not in text
        if not isinstance(row, LogRow):
            assert "zavel-" not in text, f"a member id in the statistics: {row}"


def test_an_event_outside_every_network_is_kept_under_none() -> None:
    rows = rows_of(dispatch("r9", T, network=None))
    assert {r.network_id for r in rows} == {"none"}  # type: ignore[attr-defined]


@pytest.mark.parametrize(("heads", "expected"), [
    pytest.param([], {"all": (0, 0)}, id="no members"),
    pytest.param(
        [Headcount(("zavel",), ("sms", "email"), ("sms", "email")),
         Headcount(("zavel", "meudon"), ("sms",), ()),
         Headcount(("meudon",), ("chat",), ("chat",))],
        {"all": (2, 1), "sms": (2, 1), "email": (1, 1)},
        id="per channel, consent counted where given",
    ),
])
def test_member_counts_per_channel(heads: list[Headcount], expected: dict[str, tuple[int, int]]) -> None:
    rows = member_rows(heads, ["zavel"], date(2026, 11, 1))
    assert all(isinstance(r, MemberRow) for r in rows)
    assert {r.channel: (r.members, r.consented) for r in rows if isinstance(r, MemberRow)} == expected
    assert all(r.key.startswith("zavel:2026-11-01:") for r in rows)
