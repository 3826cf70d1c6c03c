"""Alembic's environment: migrations run on the connection :mod:`binrelay_shared.db.migrate` passes."""

from __future__ import annotations

from alembic import context

from binrelay_shared.db.base import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - always run through binrelay_shared.db.migrate
    raise RuntimeError("run migrations with binrelay_shared.db.migrate.upgrade()")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
