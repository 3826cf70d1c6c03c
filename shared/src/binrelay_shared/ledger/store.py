"""The ledger in the database: rows written idempotently, read back per network and period.

Writing inserts with "on conflict do nothing" on each row's key (SQLite and PostgreSQL alike), so
a record the consumer reads twice — after a crash before its offsets were committed, a replay —
adds nothing the second time. Member counts are the exception: a later count of the same day
replaces the earlier one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from . import tables
from .rows import ROW_TYPES, DeliveryRow, LogRow, MemberRow, ReportRow, ResponseRow, Row

_BY_TABLE = {t.TABLE: t for t in ROW_TYPES}
#: Most rows in one INSERT statement (SQLite's limit on bound variables is 32,766).
CHUNK = 500


def _insert(conn: AsyncConnection, table: Table) -> Any:
    return (postgresql.insert(table) if conn.dialect.name == "postgresql" else sqlite.insert(table))


async def write(engine: AsyncEngine, rows: Iterable[Row]) -> None:
    """Store ``rows`` in one transaction; a row whose key is there already is left as it is
    (member counts: replaced)."""
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row.TABLE].append(row.values())
    if not grouped:
        return
    async with engine.begin() as conn:
        for name, values in grouped.items():
            table = tables.BY_NAME[name]
            for i in range(0, len(values), CHUNK):
                stmt = _insert(conn, table).values(values[i:i + CHUNK])
                if name == MemberRow.TABLE:
                    stmt = stmt.on_conflict_do_update(
                        index_elements=["key"],
                        set_={"members": stmt.excluded.members, "consented": stmt.excluded.consented},
                    )
                else:
                    stmt = stmt.on_conflict_do_nothing(index_elements=["key"])
                await conn.execute(stmt)


def _utc(value: Any) -> Any:
    # SQLite keeps no offset: every time the ledger writes is UTC, so a naive one read back is UTC.
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


@dataclass
class Ledger:
    """One network's rows for a period (what the log and the figures are computed from)."""

    reports: list[ReportRow] = field(default_factory=list)
    deliveries: list[DeliveryRow] = field(default_factory=list)
    responses: list[ResponseRow] = field(default_factory=list)
    members: list[MemberRow] = field(default_factory=list)
    log: list[LogRow] = field(default_factory=list)


async def _rows(conn: AsyncConnection, row_type: type[Row], where: Sequence[Any], order: Any) -> list[Any]:
    table = tables.BY_NAME[row_type.TABLE]
    result = await conn.execute(select(table).where(*where).order_by(order, table.c.key))
    return [row_type(**{k: _utc(v) for k, v in r._mapping.items()}) for r in result]


async def read_log(engine: AsyncEngine, network: str, start: datetime, end: datetime) -> list[LogRow]:
    """The log of ``network`` from ``start`` (included) to ``end`` (excluded), oldest first."""
    t = tables.log
    start, end = start.astimezone(UTC), end.astimezone(UTC)  # as stored
    async with engine.connect() as conn:
        return await _rows(conn, LogRow, (t.c.network_id == network, t.c.at >= start, t.c.at < end), t.c.at)


async def read_period(engine: AsyncEngine, network: str, start: datetime, end: datetime) -> Ledger:
    """Every row of ``network`` about reports received from ``start`` to ``end`` (responses and
    deliveries by their report's receipt, member counts by day)."""
    r, d, a, m, lg = tables.reports, tables.deliveries, tables.responses, tables.members, tables.log
    days = start.date(), end.date()  # member counts are by (Brussels) day, as the caller gives it
    start, end = start.astimezone(UTC), end.astimezone(UTC)  # as stored
    async with engine.connect() as conn:
        return Ledger(
            reports=await _rows(conn, ReportRow, (r.c.network_id == network, r.c.received_at >= start,
                                                  r.c.received_at < end), r.c.received_at),
            deliveries=await _rows(conn, DeliveryRow, (d.c.network_id == network, d.c.received_at >= start,
                                                       d.c.received_at < end), d.c.at),
            responses=await _rows(conn, ResponseRow, (a.c.network_id == network, a.c.at >= start,
                                                      a.c.at < end), a.c.at),
            members=await _rows(conn, MemberRow, (m.c.network_id == network, m.c.day >= days[0],
                                                  m.c.day < days[1]), m.c.day),
            log=await _rows(conn, LogRow, (lg.c.network_id == network, lg.c.at >= start, lg.c.at < end), lg.c.at),
        )


#: Each table's column that dates a row, for retention (member counts: their day).
DATED_BY = {"ledger_log": "at", "ledger_reports": "received_at", "ledger_deliveries": "received_at",
            "ledger_responses": "at", "ledger_members": "day"}


async def purge(engine: AsyncEngine, older_than: datetime) -> dict[str, int]:
    """Delete every row dated before ``older_than`` (the ledger's retention,
    ``BINRELAY_RETENTION_LEDGER_YEARS``), in one transaction; how many per table."""
    cutoff = older_than.astimezone(UTC)
    removed = {}
    async with engine.begin() as conn:
        for name, column in DATED_BY.items():
            table = tables.BY_NAME[name]
            limit: Any = cutoff.date() if column == "day" else cutoff
            result = await conn.execute(delete(table).where(table.c[column] < limit))
            removed[name] = int(result.rowcount or 0)
    return removed
