"""members registry: members, networks, roles, consent per channel, history, meta

Revision ID: members_0001
Revises:
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from binrelay_shared.db import UTCDateTime

revision: str = "members_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("members",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "members",
        sa.Column("id", sa.String(100), nullable=False),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("chat_id", sa.String(255), nullable=True),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("channel_order", sa.JSON(), nullable=False),
        sa.Column("quiet_hours", sa.String(11), nullable=True),
        sa.Column("excluded", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_members")),
        sa.UniqueConstraint("phone", name=op.f("uq_members_phone")),
        sa.UniqueConstraint("email", name=op.f("uq_members_email")),
        sa.UniqueConstraint("chat_id", name=op.f("uq_members_chat_id")),
    )
    op.create_table(
        "member_networks",
        sa.Column("member_id", sa.String(100), nullable=False),
        sa.Column("network_id", sa.String(63), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], ondelete="CASCADE",
                                name=op.f("fk_member_networks_member_id_members")),
        sa.PrimaryKeyConstraint("member_id", "network_id", name=op.f("pk_member_networks")),
    )
    op.create_index(op.f("ix_member_networks_network_id"), "member_networks", ["network_id"])
    op.create_table(
        "member_roles",
        sa.Column("member_id", sa.String(100), nullable=False),
        sa.Column("role", sa.String(30), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], ondelete="CASCADE",
                                name=op.f("fk_member_roles_member_id_members")),
        sa.PrimaryKeyConstraint("member_id", "role", name=op.f("pk_member_roles")),
    )
    op.create_table(
        "member_consents",
        sa.Column("member_id", sa.String(100), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("given", sa.Boolean(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("how", sa.String(100), nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], ondelete="CASCADE",
                                name=op.f("fk_member_consents_member_id_members")),
        sa.PrimaryKeyConstraint("member_id", "channel", name=op.f("pk_member_consents")),
    )
    op.create_table(
        "member_changes",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("member_id", sa.String(100), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("change", sa.String(20), nullable=False),
        sa.Column("by", sa.String(100), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_member_changes")),
    )
    op.create_index(op.f("ix_member_changes_member_id"), "member_changes", ["member_id"])
    op.create_index(op.f("ix_member_changes_at"), "member_changes", ["at"])
    op.create_table(
        "registry_meta",
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("value", sa.String(500), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_registry_meta")),
    )


def downgrade() -> None:
    for table in ("registry_meta", "member_changes", "member_consents", "member_roles", "member_networks", "members"):
        op.drop_table(table)
