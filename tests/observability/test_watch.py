"""The observer's bookkeeping: urgent reports awaiting delivery and acknowledgement."""

from __future__ import annotations

from datetime import timedelta

from binrelay_shared.events import (
    Audience,
    Category,
    Channel,
    Classification,
    DeliveryOutcome,
    Dispatch,
    Kind,
    Origin,
    Outcome,
    Rendering,
    Response,
    ResponseKind,
    Stamps,
    Urgency,
    utcnow,
)
from binrelay_shared.observer import Watch

T0 = utcnow()


def dispatch(report_id: str, urgency: Urgency, held: str | None = None) -> Dispatch:
    return Dispatch(
        report_id=report_id,
        network_id="meudon",
        zone_id="5339",
        trace_id="t",
        stamps=Stamps(received=T0, dispatched=T0 + timedelta(seconds=1)),
        origin=Origin.member,
        kind=Kind.report,
        classification=Classification(urgency=urgency, category=Category.burglary, language="nl", confidence=0.9),
        rendering=Rendering(audience=Audience.police, text="x"),
        held=held,
    )


def outcome(report_id: str, result: Outcome, after: float) -> DeliveryOutcome:
    return DeliveryOutcome(
        report_id=report_id,
        network_id="meudon",
        zone_id="5339",
        trace_id="t",
        stamps=Stamps(received=T0),
        delivery_id="d",
        audience="coordinators",
        recipient_id="m1",
        channel=Channel.sms,
        outcome=result,
        at=T0 + timedelta(seconds=after),
    )


def test_an_urgent_report_is_overdue_until_its_first_delivery() -> None:
    """Given an urgent and a non-urgent report dispatched,
    when 61 s pass without a delivery, then exactly the urgent one is overdue;
    when a failed and then a delivered outcome arrive, then it is no longer awaited,
    and the latency since receipt is reported once."""
    watch = Watch()
    watch.on_dispatch(dispatch("u", Urgency.urgent))
    watch.on_dispatch(dispatch("n", Urgency.non_urgent))
    assert watch.urgent_awaiting_delivery() == 1
    assert watch.urgent_overdue(T0 + timedelta(seconds=30)) == 0
    assert watch.urgent_overdue(T0 + timedelta(seconds=62)) == 1

    assert watch.on_outcome(outcome("u", Outcome.failed, 2)) == (None, None)
    assert watch.on_outcome(outcome("u", Outcome.delivered, 3)) == (Urgency.urgent, 3.0)
    assert watch.on_outcome(outcome("u", Outcome.delivered, 4)) == (None, None)
    assert watch.urgent_awaiting_delivery() == 0
    assert watch.urgent_overdue(T0 + timedelta(seconds=600)) == 0


def test_held_reports_are_not_awaited_and_acknowledgements_are_counted() -> None:
    """A report held for a human is not awaiting delivery; an acknowledgement ends the wait for one."""
    watch = Watch()
    watch.on_dispatch(dispatch("held", Urgency.urgent, held="policy"))
    watch.on_dispatch(dispatch("u", Urgency.urgent))
    assert watch.urgent_awaiting_delivery() == 1
    assert watch.urgent_awaiting_ack() == 1
    watch.on_response(Response(report_id="u", responder_id="c1", kind=ResponseKind.acknowledge, via=Channel.sms))
    assert watch.urgent_awaiting_ack() == 0


def test_memory_is_bounded() -> None:
    """The observer forgets the oldest reports beyond its memory."""
    watch = Watch(memory=3)
    for i in range(5):
        watch.on_dispatch(dispatch(f"r{i}", Urgency.urgent))
    assert list(watch.reports) == ["r2", "r3", "r4"]


def test_an_outcome_read_before_its_dispatch_record_counts_as_delivered() -> None:
    """Given a report's delivery outcome and its acknowledgement read before its dispatch record
    (different topics: nothing orders them), when the dispatch record arrives 61 s later,
    then the report is neither awaiting delivery nor overdue nor awaiting an acknowledgement,
    and the latency since receipt is reported once — from the earliest delivery."""
    watch = Watch()
    assert watch.on_outcome(outcome("u", Outcome.failed, 1)) == (None, None)
    assert watch.on_outcome(outcome("u", Outcome.delivered, 3)) == (None, None)
    assert watch.on_outcome(outcome("u", Outcome.delivered, 2)) == (None, None)
    watch.on_response(Response(report_id="u", responder_id="c1", kind=ResponseKind.acknowledge, via=Channel.sms))
    assert watch.on_dispatch(dispatch("u", Urgency.urgent)) == (Urgency.urgent, 2.0)
    watch.on_dispatch(dispatch("late", Urgency.urgent))  # no outcome at all: the one overdue
    assert watch.urgent_awaiting_delivery() == 1
    assert watch.urgent_overdue(T0 + timedelta(seconds=62)) == 1
    assert watch.urgent_awaiting_ack() == 1
    assert watch.on_outcome(outcome("u", Outcome.delivered, 5)) == (None, None)
    assert not watch.early


def test_early_outcomes_are_bounded_too() -> None:
    """Outcomes of reports never dispatched (another observer's, before a restart) are forgotten beyond memory."""
    watch = Watch(memory=3)
    for i in range(5):
        watch.on_outcome(outcome(f"r{i}", Outcome.delivered, 1))
    assert list(watch.early) == ["r2", "r3", "r4"]
