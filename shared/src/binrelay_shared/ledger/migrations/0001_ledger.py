"""The ledger's tables: the coordinator's log and the statistics store.

Revision ID: ledger_0001
Revises:
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "ledger_0001"
down_revision = None
branch_labels = ("ledger",)
depends_on = None

ID, CODE = 64, 40


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _code(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.String(CODE), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "ledger_log",
        sa.Column("key", sa.String(400), primary_key=True),
        sa.Column("network_id", sa.String(ID), nullable=False),
        sa.Column("report_id", sa.String(ID), nullable=False),
        _when("at"), _code("entry"), _code("kind", True), _code("category", True), _code("urgency", True),
        sa.Column("member_id", sa.String(100)),
        _code("channel", True),
        sa.Column("refers_to", sa.String(ID)),
        sa.Column("detail", sa.String(100)),
    )
    op.create_index("ix_ledger_log_network_at", "ledger_log", ["network_id", "at"])
    op.create_table(
        "ledger_reports",
        sa.Column("key", sa.String(ID), primary_key=True),
        sa.Column("network_id", sa.String(ID), nullable=False),
        sa.Column("report_id", sa.String(ID), nullable=False),
        _when("received_at"), _when("dispatched_at", True),
        _code("origin"), _code("kind"), _code("category"), _code("urgency"), _code("held", True),
        sa.Column("refers_to", sa.String(ID)),
    )
    op.create_index("ix_ledger_reports_network_received", "ledger_reports", ["network_id", "received_at"])
    op.create_table(
        "ledger_deliveries",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("network_id", sa.String(ID), nullable=False),
        sa.Column("report_id", sa.String(200), nullable=False),
        sa.Column("delivery_id", sa.String(ID), nullable=False),
        _when("received_at"), _when("at"),
        _code("channel"), _code("audience"), _code("purpose"), _code("outcome"),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("feedback", sa.Boolean, nullable=False),
    )
    op.create_index("ix_ledger_deliveries_network_received", "ledger_deliveries", ["network_id", "received_at"])
    op.create_table(
        "ledger_responses",
        sa.Column("key", sa.String(400), primary_key=True),
        sa.Column("network_id", sa.String(ID), nullable=False),
        sa.Column("report_id", sa.String(ID), nullable=False),
        _code("kind"), _code("via"), _when("at"),
    )
    op.create_index("ix_ledger_responses_network_at", "ledger_responses", ["network_id", "at"])
    op.create_table(
        "ledger_members",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("network_id", sa.String(ID), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        _code("channel"),
        sa.Column("members", sa.Integer, nullable=False),
        sa.Column("consented", sa.Integer, nullable=False),
    )
    op.create_index("ix_ledger_members_network_day", "ledger_members", ["network_id", "day"])


def downgrade() -> None:
    for table in ("ledger_members", "ledger_responses", "ledger_deliveries", "ledger_reports", "ledger_log"):
        op.drop_table(table)
