"""Alembic environment of BIN Relay (see :mod:`binrelay_shared.db.migrate`).

Run from code with a connection in ``config.attributes["connection"]`` (what every service and
``binrelay db upgrade`` do), or from the ``alembic`` command with ``alembic.ini`` next to this
folder: then the URL comes from ``BINRELAY_DATABASE_URL`` like everywhere else.
"""

from __future__ import annotations

import asyncio
import contextlib

from alembic import context
from sqlalchemy.engine import Connection

from binrelay_shared.db import Base, database_url, make_engine

# Every chain's tables on the one metadata, for `alembic revision --autogenerate`.
for _module in ("binrelay_shared.members.models", "binrelay_shared.ledger.models"):
    with contextlib.suppress(ModuleNotFoundError):
        __import__(_module)

config = context.config


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    from binrelay_shared.settings import Settings

    engine = make_engine(database_url(Settings()))
    async with engine.begin() as conn:
        await conn.run_sync(_run)
    await engine.dispose()


given = config.attributes.get("connection")
if given is not None:
    _run(given)
else:
    asyncio.run(_run_async())
