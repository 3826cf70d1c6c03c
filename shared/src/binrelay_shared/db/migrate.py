"""``alembic upgrade heads`` over every chain of version scripts, from code (no ``alembic.ini``).

The chains live next to their tables, each with its own branch label and ``down_revision=None``
at its root: ``binrelay_shared/members/migrations`` (``members``) and
``binrelay_shared/ledger/migrations`` (``ledger``); :data:`CHAINS` lists them and a chain that is
not there is skipped. Every service runs :func:`upgrade` at start; two processes starting at once
are serialised (a lock file next to a SQLite database, an advisory lock on PostgreSQL), so the
second one finds the schema at its heads and does nothing.

By hand: ``binrelay db upgrade`` / ``binrelay db current``; a new revision of a chain:
``alembic -c shared/src/binrelay_shared/db/alembic.ini revision --head members@head -m "..."``.
"""

from __future__ import annotations

import asyncio
import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import URL, Connection

from .engine import make_engine

#: Packages holding a ``migrations`` folder of version scripts, one Alembic branch each.
CHAINS = ("binrelay_shared.members", "binrelay_shared.ledger")
_ADVISORY_LOCK = 0x62696E72  # "binr": one number every BIN Relay process agrees on


def version_locations() -> list[str]:
    found = []
    for package in CHAINS:
        try:
            root = Path(str(resources.files(package)))
        except ModuleNotFoundError:
            continue
        if (root / "migrations").is_dir():
            found.append(str(root / "migrations"))
    return found


def alembic_config() -> Config:
    """The Alembic configuration: this package's ``alembic/`` environment and every chain."""
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "alembic"))
    cfg.set_main_option("version_locations", " ".join(version_locations()))
    cfg.set_main_option("path_separator", "space")
    return cfg


def _upgrade_on(connection: Connection, cfg: Config) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ADVISORY_LOCK})
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "heads")


@contextmanager
def file_lock(url: URL) -> Iterator[None]:
    """Serialise start-up work (migrations, the first import) of the processes sharing a SQLite
    file; nothing for PostgreSQL (an advisory lock and unique keys do it there)."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        yield
        return
    path = Path(url.database + ".migrate.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


async def upgrade(url: URL | str | None = None) -> None:
    """Bring the database at ``url`` (default: the environment's) to the heads of every chain (idempotent)."""
    from sqlalchemy.engine import make_url

    from .engine import database_url

    url = database_url() if url is None else make_url(url) if isinstance(url, str) else url
    cfg = alembic_config()
    engine = make_engine(url)
    try:
        lock = file_lock(url)
        await asyncio.to_thread(lock.__enter__)
        try:
            async with engine.begin() as conn:
                await conn.run_sync(_upgrade_on, cfg)
        finally:
            lock.__exit__(None, None, None)
    finally:
        await engine.dispose()


async def current(url: URL | str) -> tuple[set[str], set[str]]:
    """(the revisions the database is at, the heads of the chains)."""
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            at = await conn.run_sync(lambda c: set(MigrationContext.configure(c).get_current_heads()))
    finally:
        await engine.dispose()
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    return at, heads
