"""The registry's tables (SQLAlchemy 2, on :class:`binrelay_shared.db.Base`); migrations in ``migrations/``.

``members`` holds the person (their addresses are unique: one member per phone number, e-mail
address or chat id, so an inbound message names one member); ``member_networks`` and
``member_roles`` what they are in and do; ``member_consents`` their consent per channel (when,
how, recorded by whom); ``member_changes`` the registry's own history — who changed which fields
of which member when, field NAMES only, never values; ``registry_meta`` notes such as which
members file was imported.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from binrelay_shared.db import Base, UTCDateTime


class MemberRow(Base):
    __tablename__ = "members"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    chat_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    language: Mapped[str] = mapped_column(String(2))
    channel_order: Mapped[list[str]] = mapped_column(JSON)
    quiet_hours: Mapped[str | None] = mapped_column(String(11))
    excluded: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    networks: Mapped[list[MemberNetwork]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    roles: Mapped[list[MemberRoleRow]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    consents: Mapped[list[ConsentRow]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class MemberNetwork(Base):
    __tablename__ = "member_networks"

    member_id: Mapped[str] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    network_id: Mapped[str] = mapped_column(String(63), primary_key=True, index=True)


class MemberRoleRow(Base):
    __tablename__ = "member_roles"

    member_id: Mapped[str] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(30), primary_key=True)


class ConsentRow(Base):
    __tablename__ = "member_consents"

    member_id: Mapped[str] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(10), primary_key=True)
    given: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    how: Mapped[str] = mapped_column(String(100))
    recorded_by: Mapped[str] = mapped_column(String(100))


class ChangeRow(Base):
    """The registry's history: field names only (what changed, not to what)."""

    __tablename__ = "member_changes"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_id: Mapped[str] = mapped_column(String(100), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    change: Mapped[str] = mapped_column(String(20))
    by: Mapped[str] = mapped_column(String(100))
    fields: Mapped[list[Any]] = mapped_column(JSON)


class MetaRow(Base):
    __tablename__ = "registry_meta"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(String(500))
