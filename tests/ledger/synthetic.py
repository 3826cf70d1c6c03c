"""A year of synthetic traffic of one network, as the pipeline publishes it (fictitious members).

Deterministic (seeded): member reports every day (more in winter), urgent ones acknowledged or
escalated, police messages (some held for approval, a few rejected), feedback and closings sent
back to reporters, deliveries on every channel with some failures and fallbacks, and a monthly
member count. :func:`year_of_events` gives the events; the tests feed them through the ledger's
own ingestion path (:func:`binrelay_shared.ledger.rows.rows_of`).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from binrelay_shared.events import (
    Category,
    Channel,
    DeliveryOutcome,
    Dispatch,
    Kind,
    Origin,
    Outcome,
    Response,
    ResponseKind,
    Urgency,
)
from binrelay_shared.ledger.figures import BRUSSELS
from binrelay_shared.ledger.rows import Headcount, Row, member_rows
from tests.ledger.events import dispatch, outcome, response

Event = Dispatch | DeliveryOutcome | Response
CATEGORIES = [c for c in Category]
WEIGHTS = [14, 10, 8, 9, 3, 6, 7, 2, 1, 3, 4]
COORDINATOR, STEERING, OFFICER = "zavel-coord-1", "zavel-steer-1", "zavel-officer-1"


def _at(rng: random.Random, day: date) -> datetime:
    return datetime(day.year, day.month, day.day, rng.randrange(7, 23), rng.randrange(60), rng.randrange(60),
                    tzinfo=BRUSSELS)


def _seconds(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(seconds=rng.uniform(low, high))


def year_of_events(year: int, seed: int = 2026) -> Iterator[Event]:
    """Every event of ``year``'s traffic of network ``zavel``."""
    rng = random.Random(seed)
    answered: list[str] = []  # member reports a feedback may refer to
    alarms: list[str] = []
    day = date(year, 1, 1)
    n = 0
    while day.year == year:
        winter = day.month in (1, 2, 11, 12)
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3) if winter else (0, 0, 1, 1, 2))):
            n += 1
            yield from _member_report(rng, f"r{year}{n:05d}", _at(rng, day), answered)
        if rng.random() < 0.2:
            n += 1
            yield from _police_message(rng, f"p{year}{n:05d}", _at(rng, day), answered, alarms)
        day += timedelta(days=1)


def _member_report(rng: random.Random, rid: str, at: datetime, answered: list[str]) -> Iterator[Event]:
    urgency = Urgency.urgent if rng.random() < 0.2 else Urgency.non_urgent
    category = rng.choices(CATEGORIES, WEIGHTS)[0]
    yield dispatch(rid, at, urgency=urgency, category=category)
    first = _seconds(rng, 2, 40) if urgency is Urgency.urgent else _seconds(rng, 30, 900)
    channel = rng.choice((Channel.sms, Channel.sms, Channel.email, Channel.chat))
    if rng.random() < 0.04:  # the first channel failed: fell back to e-mail
        yield outcome(rid, at, at + first, channel=channel, result=Outcome.fell_back)
        yield outcome(rid, at, at + first * 2, channel=Channel.email)
    elif rng.random() < 0.03:
        yield outcome(rid, at, at + first, channel=channel, result=Outcome.retrying)
        yield outcome(rid, at, at + first * 3, channel=channel, result=Outcome.failed, attempts=3)
    else:
        yield outcome(rid, at, at + first, channel=channel)
    yield outcome(rid, at, at + first, recipient=OFFICER, channel=Channel.email, audience="officer")
    if urgency is Urgency.urgent:
        if rng.random() < 0.8:
            yield response(rid, at + _seconds(rng, 60, 600))
        else:
            escalated = at + timedelta(minutes=15)
            yield outcome(rid, at, escalated + _seconds(rng, 2, 20), recipient=STEERING, audience="steering_group",
                          purpose="escalation", dispatched=escalated)
    if rng.random() < 0.4:
        answered.append(rid)


def _police_message(rng: random.Random, rid: str, at: datetime, answered: list[str],
                    alarms: list[str]) -> Iterator[Event]:
    kind = rng.choice((Kind.prevention, Kind.prevention, Kind.alarm, Kind.feedback, Kind.feedback,
                       Kind.request_for_information, Kind.closing))
    refers_to = None
    if kind is Kind.feedback and answered:
        refers_to = answered.pop(0)
    elif kind is Kind.closing and alarms:
        refers_to = alarms.pop(0)
    elif kind in (Kind.feedback, Kind.closing):
        kind = Kind.prevention
    urgency = Urgency.urgent if kind is Kind.alarm else Urgency.non_urgent
    held = "approval" if kind in (Kind.prevention, Kind.request_for_information) else None
    yield dispatch(rid, at, urgency=urgency, category=Category.other, kind=kind, origin=Origin.police,
                   held=held, refers_to=refers_to)
    if kind is Kind.alarm:
        alarms.append(rid)
    sent = at
    if held:
        decided = at + _seconds(rng, 120, 3600)
        rejected = rng.random() < 0.1
        yield response(rid, decided, ResponseKind.reject if rejected else ResponseKind.approve,
                       reason="te vroeg" if rejected else None)
        if rejected:
            return
        sent = decided
    for i, channel in enumerate((Channel.sms, Channel.chat, Channel.email)):
        result = Outcome.failed if rng.random() < 0.05 else Outcome.delivered
        yield outcome(rid, at, sent + _seconds(rng, 1, 30), recipient=f"zavel-member-{i}", channel=channel,
                      audience="group", result=result)
    if refers_to is not None:
        yield outcome(rid, at, sent + _seconds(rng, 1, 30), recipient="zavel-member-9", channel=Channel.sms,
                      audience="reporter", refers_to=refers_to)


def headcounts(rng: random.Random, n: int) -> list[Headcount]:
    """``n`` members of zavel with channels and consent."""
    out = []
    for _ in range(n):
        channels = tuple(c for c in ("sms", "email", "chat") if rng.random() < 0.7) or ("sms",)
        out.append(Headcount(("zavel",), channels, channels if rng.random() < 0.9 else ()))
    return out


def member_counts(year: int, seed: int = 2026) -> list[Row]:
    """The first-of-the-month member count of zavel (34 merchants growing to ~45)."""
    rng = random.Random(seed)
    rows: list[Row] = []
    for month in range(1, 13):
        rows += member_rows(headcounts(rng, 34 + month), ["zavel"], date(year, month, 1))
    return rows
