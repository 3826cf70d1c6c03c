"""The database's address and its async engine and sessions (SQLAlchemy 2).

``BINRELAY_DATABASE_URL`` names it (``sqlite+aiosqlite:///…`` or ``postgresql+asyncpg://…``);
without it, an SQLite file under ``.run/`` (``BINRELAY_RUN_DIR``): ``make up`` needs nothing more.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

DEFAULT_FILE = "binrelay.db"


def database_url(env: Mapping[str, str] | None = None) -> str:
    """``BINRELAY_DATABASE_URL``, or the SQLite file ``<run dir>/binrelay.db`` (its folder made)."""
    env = os.environ if env is None else env
    given = env.get("BINRELAY_DATABASE_URL", "").strip()
    if given:
        return given
    run = Path(env.get("BINRELAY_RUN_DIR") or ".run")
    run.mkdir(parents=True, exist_ok=True)
    return f"sqlite+aiosqlite:///{(run / DEFAULT_FILE).resolve()}"


def engine(url: str | None = None) -> AsyncEngine:
    """An async engine on ``url`` (default :func:`database_url`)."""
    return create_async_engine(url or database_url(), pool_pre_ping=True)


def session_factory(bound: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions on ``bound`` that keep loaded objects usable after commit."""
    return async_sessionmaker(bound, expire_on_commit=False)
