"""The yearly evaluation's figures: pure functions over ledger rows, table-driven."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from binrelay_shared.events import Category, Channel, Kind, Origin, Outcome, ResponseKind, Urgency
from binrelay_shared.ledger import figures
from binrelay_shared.ledger.rows import DeliveryRow, MemberRow, ReportRow, ResponseRow, rows_of
from tests.ledger.events import dispatch, outcome, response

T = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def report(rid: str, at: datetime = T, **kw: object) -> ReportRow:
    (row,) = [r for r in rows_of(dispatch(rid, at, **kw)) if isinstance(r, ReportRow)]  # type: ignore[arg-type]
    return row


def delivered(rid: str, after: float, received: datetime = T, **kw: object) -> DeliveryRow:
    rows = rows_of(outcome(rid, received, received + timedelta(seconds=after), **kw))  # type: ignore[arg-type]
    return next(r for r in rows if isinstance(r, DeliveryRow))


def answer(rid: str, after: float, kind: ResponseKind = ResponseKind.acknowledge, received: datetime = T,
           responder: str = "zavel-coord-1") -> ResponseRow:
    rows = rows_of(response(rid, received + timedelta(seconds=after), kind, responder=responder))
    return next(r for r in rows if isinstance(r, ResponseRow))


@pytest.mark.parametrize(("values", "p", "expected"), [
    ([], 50, None),
    ([7.0], 90, 7.0),
    ([1, 2, 3, 4], 50, 2),
    ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9),
    ([10, 1, 5], 50, 5),
])
def test_nearest_rank_percentile(values: list[float], p: float, expected: float | None) -> None:
    assert figures.percentile(values, p) == expected


@pytest.mark.parametrize(("at", "month"), [
    (datetime(2026, 1, 31, 22, 59, tzinfo=UTC), 1),
    (datetime(2026, 1, 31, 23, 30, tzinfo=UTC), 2),  # 00:30 on 1 February in Brussels
    (datetime(2026, 7, 31, 22, 30, tzinfo=UTC), 8),  # summer time: UTC+2
])
def test_months_are_brussels_months(at: datetime, month: int) -> None:
    assert figures.month_of(at) == month


@pytest.mark.parametrize(("reports", "by", "expected"), [
    pytest.param([], "category", {}, id="nothing"),
    pytest.param(
        [report("a", category=Category.theft), report("b", category=Category.burglary),
         report("c", T + timedelta(days=31), category=Category.theft),
         report("p", kind=Kind.prevention, origin=Origin.police)],
        "category",
        {"burglary": [0, 0, 1] + [0] * 9, "theft": [0, 0, 1, 1] + [0] * 8},
        id="by category, vocabulary order, messages left out",
    ),
    pytest.param(
        [report("a", urgency=Urgency.non_urgent), report("b", urgency=Urgency.urgent)],
        "urgency",
        {"urgent": [0, 0, 1] + [0] * 9, "non_urgent": [0, 0, 1] + [0] * 9},
        id="by urgency",
    ),
])
def test_reports_per_month(reports: list[ReportRow], by: str, expected: dict[str, list[int]]) -> None:
    got = figures.reports_per_month(reports, by)
    assert got == expected and list(got) == list(expected)


@pytest.mark.parametrize(("reports", "deliveries", "expected"), [
    pytest.param(
        [report("u1", urgency=Urgency.urgent), report("u2", urgency=Urgency.urgent), report("n1")],
        [delivered("u1", 30), delivered("u1", 10, recipient="other"), delivered("u2", 50),
         delivered("n1", 600, result=Outcome.failed), delivered("n1", 900, recipient="x")],
        {"urgent": figures.Times(2, 10, 50), "non_urgent": figures.Times(1, 900, 900)},
        id="the first successful delivery counts, failures do not",
    ),
    pytest.param([report("n1")], [], {"urgent": figures.Times(0, None, None),
                                      "non_urgent": figures.Times(0, None, None)}, id="never delivered"),
])
def test_first_delivery_times(reports: list[ReportRow], deliveries: list[DeliveryRow],
                              expected: dict[str, figures.Times]) -> None:
    assert figures.first_delivery_times(reports, deliveries) == expected


def test_acknowledgements_and_escalations_per_month() -> None:
    reports = [report("u1", urgency=Urgency.urgent), report("u2", urgency=Urgency.urgent),
               report("u3", T + timedelta(days=31), urgency=Urgency.urgent), report("n1"),
               report("a1", kind=Kind.alarm, origin=Origin.police, urgency=Urgency.urgent)]
    responses = [answer("u1", 120), answer("u1", 60, responder="zavel-steer-1"),
                 answer("u3", 300, received=T + timedelta(days=31)),
                 answer("n1", 5)]
    deliveries = [delivered("u2", 900, purpose="escalation"), delivered("u2", 5)]
    f = figures.acknowledgements(reports, responses, deliveries)
    assert f.urgent[2:4] == [3, 1] and f.acknowledged[2:4] == [1, 1] and f.escalated[2:4] == [1, 0]
    assert sum(f.urgent) == 4 and sum(f.escalated) == 1
    assert f.time_to_ack == figures.Times(2, 60, 300)


def test_police_messages_by_kind_and_their_approval() -> None:
    reports = [report("p1", kind=Kind.prevention, origin=Origin.police, held="approval"),
               report("p2", kind=Kind.prevention, origin=Origin.police, held="approval"),
               report("p3", kind=Kind.request_for_information, origin=Origin.police, held="approval"),
               report("a1", kind=Kind.alarm, origin=Origin.police),
               report("r1")]
    responses = [answer("p1", 600, ResponseKind.approve), answer("p1", 900, ResponseKind.reject),
                 answer("p2", 1800, ResponseKind.reject)]
    p = figures.police_messages(reports, responses)
    assert p.per_month == {"alarm": [0, 0, 1] + [0] * 9, "prevention": [0, 0, 2] + [0] * 9,
                           "request_for_information": [0, 0, 1] + [0] * 9}
    assert (p.approved, p.rejected, p.awaiting) == (1, 1, 1)
    assert p.approval_times == figures.Times(2, 600, 1800)


def test_feedback_to_reporters() -> None:
    reports = [report("r1"), report("r2"), report("r3"),
               report("f1", kind=Kind.feedback, origin=Origin.police, refers_to="r1"),
               report("c1", T + timedelta(days=31), kind=Kind.closing, origin=Origin.police, refers_to="a-old")]
    deliveries = [
        delivered("f1", 5, recipient="zavel-member-9", audience="reporter", refers_to="r1"),
        delivered("f1", 5, recipient="zavel-member-9", audience="reporter", refers_to="r1"),  # read twice
        delivered("f1", 5, recipient="zavel-member-8", audience="reporter", refers_to="r1", result=Outcome.failed),
        delivered("f1", 5, recipient="zavel-member-1", audience="group"),
    ]
    fb = figures.feedback(reports, deliveries)
    assert fb.messages[2:4] == [1, 1] and fb.delivered[2] == 1 and sum(fb.delivered) == 1
    assert (fb.reports_answered, fb.reports) == (1, 3)


def test_members_by_channel_takes_the_last_count() -> None:
    rows = [MemberRow("k1", "zavel", date(2026, 1, 1), "all", 30, 25),
            MemberRow("k2", "zavel", date(2026, 12, 1), "sms", 40, 38),
            MemberRow("k3", "zavel", date(2026, 12, 1), "all", 44, 40),
            MemberRow("k4", "zavel", date(2026, 12, 1), "chat", 12, 12)]
    day, heads = figures.members_by_channel(rows)
    assert day == "2026-12-01"
    assert list(heads) == ["all", "sms", "chat"]
    assert heads["all"] == figures.Headcount(44, 40)
    assert figures.members_by_channel([]) == (None, {})


@pytest.mark.parametrize(("deliveries", "channel", "expected", "ratio"), [
    pytest.param([delivered("r1", 1)], "sms", figures.ChannelOutcomes(delivered=1), 0.0, id="delivered"),
    pytest.param([delivered("r1", 1, result=Outcome.retrying), delivered("r1", 9, attempts=2)], "sms",
                 figures.ChannelOutcomes(delivered=1), 0.0, id="retried, then delivered: once"),
    pytest.param([delivered("r1", 1, result=Outcome.retrying), delivered("r1", 9, result=Outcome.failed,
                                                                           attempts=3),
                  delivered("r2", 1, channel=Channel.chat)], "sms",
                 figures.ChannelOutcomes(failed=1), 1.0, id="failed after retries"),
    pytest.param([delivered("r1", 1, result=Outcome.fell_back), delivered("r1", 2, channel=Channel.email),
                  delivered("r2", 1), delivered("r3", 1), delivered("r4", 1)], "sms",
                 figures.ChannelOutcomes(delivered=3, fell_back=1), 0.25, id="fell back to e-mail"),
    pytest.param([delivered("r1", 1, result=Outcome.retrying)], "sms", figures.ChannelOutcomes(pending=1), None,
                 id="still retrying: no ratio yet"),
    pytest.param([delivered("r1", 1, result=Outcome.duplicate)], "sms", figures.ChannelOutcomes(), None,
                 id="a duplicate is no delivery"),
])
def test_deliveries_per_channel(deliveries: list[DeliveryRow], channel: str, expected: figures.ChannelOutcomes,
                                ratio: float | None) -> None:
    got = figures.deliveries_by_channel(deliveries)
    assert set(got) >= {"sms", "email", "chat"}
    assert got[channel] == expected and got[channel].failure_ratio == ratio
