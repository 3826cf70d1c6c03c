"""The ledger in the database: a record read twice counts once; member counts of a day replaced;
rows read back per network and period, times in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from binrelay_shared.events import Kind, Origin, ResponseKind, Urgency
from binrelay_shared.ledger import store, tables
from binrelay_shared.ledger.rows import Entry, Headcount, member_rows, rows_of
from tests.ledger.events import dispatch, outcome, response

T = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)


async def counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as conn:
        return {name: (await conn.execute(select(func.count()).select_from(t))).scalar_one()
                for name, t in tables.BY_NAME.items()}


async def test_a_record_read_twice_counts_once(ledger_engine: AsyncEngine) -> None:
    """Given a dispatch, an approval, an acknowledgement and outcomes written,
    when the same records are written again (a batch re-read after a crash), in another order and
    split over two transactions, then no table has a row more."""
    events = [dispatch("p1", T, kind=Kind.alarm, origin=Origin.police, urgency=Urgency.urgent, held="approval"),
              response("p1", T + timedelta(minutes=3), ResponseKind.approve),
              response("p1", T + timedelta(minutes=4)),
              outcome("p1", T, T + timedelta(minutes=3, seconds=5)),
              outcome("p1", T, T + timedelta(minutes=20), purpose="escalation", recipient="zavel-steer-1")]
    rows = [r for e in events for r in rows_of(e)]
    await store.write(ledger_engine, rows)
    first = await counts(ledger_engine)
    assert first == {"ledger_log": 4, "ledger_reports": 1, "ledger_deliveries": 2, "ledger_responses": 2,
                     "ledger_members": 0}
    await store.write(ledger_engine, rows[::-1][:3])
    await store.write(ledger_engine, rows[::-1][3:])
    assert await counts(ledger_engine) == first


async def test_a_later_member_count_of_the_same_day_replaces_it(ledger_engine: AsyncEngine) -> None:
    day = date(2026, 11, 3)
    await store.write(ledger_engine, member_rows([Headcount(("zavel",), ("sms",), ("sms",))], ["zavel"], day))
    await store.write(ledger_engine, member_rows([Headcount(("zavel",), ("sms",), ())] * 3, ["zavel"], day))
    ledger = await store.read_period(ledger_engine, "zavel", datetime(2026, 1, 1, tzinfo=UTC),
                                     datetime(2027, 1, 1, tzinfo=UTC))
    assert {(m.channel, m.members, m.consented) for m in ledger.members} == {("all", 3, 0), ("sms", 3, 0)}


async def test_the_log_of_a_network_and_period_oldest_first(ledger_engine: AsyncEngine) -> None:
    """Given entries of two networks over three days, the log of one network for one day has
    that network's entries of that day only, oldest first, with aware UTC times."""
    events = [dispatch("r2", T + timedelta(hours=2)), dispatch("r1", T), dispatch("m1", T, network="meudon"),
              dispatch("r0", T - timedelta(days=1)), dispatch("r3", T + timedelta(days=1)),
              response("r1", T + timedelta(hours=1))]
    await store.write(ledger_engine, [r for e in events for r in rows_of(e)])
    log = await store.read_log(ledger_engine, "zavel", T - timedelta(hours=9), T + timedelta(hours=15))
    assert [(e.report_id, e.entry) for e in log] == [("r1", Entry.report), ("r1", Entry.acknowledgement),
                                                     ("r2", Entry.report)]
    assert log[0].at == T and log[0].at.tzinfo is not None
