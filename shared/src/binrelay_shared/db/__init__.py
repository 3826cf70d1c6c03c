"""The relational database of BIN Relay: one engine setting, one declarative Base, one Alembic setup.

* :mod:`.base` — ``Base`` (every table of every chain is on its ``metadata``) and column types;
* :mod:`.engine` — the async engine and session factory from ``BINRELAY_DATABASE_URL`` (default:
  a SQLite file under ``.run/``; PostgreSQL with ``postgresql+asyncpg://...``);
* :mod:`.migrate` — ``alembic upgrade heads`` over every chain (``members``, ``ledger``), run by
  each service at start and by ``binrelay db upgrade``.
"""

from .base import Base, UTCDateTime
from .engine import database_url, make_engine, session_factory

__all__ = ["Base", "UTCDateTime", "database_url", "make_engine", "session_factory"]
