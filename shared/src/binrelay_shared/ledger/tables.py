"""The ledger's tables (on the one :class:`~binrelay_shared.db.base.Base`), one per row type of
:mod:`.rows`; migrations in ``migrations/`` (Alembic branch ``ledger``)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, Index, Integer, String, Table

from binrelay_shared.db.base import Base

ID = 64
CODE = 40

log = Table(
    "ledger_log", Base.metadata,
    Column("key", String(400), primary_key=True),
    Column("network_id", String(ID), nullable=False),
    Column("report_id", String(ID), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("entry", String(CODE), nullable=False),
    Column("kind", String(CODE)),
    Column("category", String(CODE)),
    Column("urgency", String(CODE)),
    Column("member_id", String(100)),
    Column("channel", String(CODE)),
    Column("refers_to", String(ID)),
    Column("detail", String(100)),
    Index("ix_ledger_log_network_at", "network_id", "at"),
)

reports = Table(
    "ledger_reports", Base.metadata,
    Column("key", String(ID), primary_key=True),
    Column("network_id", String(ID), nullable=False),
    Column("report_id", String(ID), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("dispatched_at", DateTime(timezone=True)),
    Column("origin", String(CODE), nullable=False),
    Column("kind", String(CODE), nullable=False),
    Column("category", String(CODE), nullable=False),
    Column("urgency", String(CODE), nullable=False),
    Column("held", String(CODE)),
    Column("refers_to", String(ID)),
    Index("ix_ledger_reports_network_received", "network_id", "received_at"),
)

deliveries = Table(
    "ledger_deliveries", Base.metadata,
    Column("key", String(200), primary_key=True),
    Column("network_id", String(ID), nullable=False),
    Column("report_id", String(200), nullable=False),
    Column("delivery_id", String(ID), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("channel", String(CODE), nullable=False),
    Column("audience", String(CODE), nullable=False),
    Column("purpose", String(CODE), nullable=False),
    Column("outcome", String(CODE), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("feedback", Boolean, nullable=False),
    Index("ix_ledger_deliveries_network_received", "network_id", "received_at"),
)

responses = Table(
    "ledger_responses", Base.metadata,
    Column("key", String(400), primary_key=True),
    Column("network_id", String(ID), nullable=False),
    Column("report_id", String(ID), nullable=False),
    Column("kind", String(CODE), nullable=False),
    Column("via", String(CODE), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_ledger_responses_network_at", "network_id", "at"),
)

members = Table(
    "ledger_members", Base.metadata,
    Column("key", String(200), primary_key=True),
    Column("network_id", String(ID), nullable=False),
    Column("day", Date, nullable=False),
    Column("channel", String(CODE), nullable=False),
    Column("members", Integer, nullable=False),
    Column("consented", Integer, nullable=False),
    Index("ix_ledger_members_network_day", "network_id", "day"),
)

BY_NAME = {t.name: t for t in (log, reports, deliveries, responses, members)}
