"""``alembic upgrade heads`` over every chain of version scripts, from code (no ``alembic.ini``).

The chains live next to their tables, each with its own branch label and ``down_revision=None``
at its root: ``binrelay_shared/members/migrations`` (``members``) and
``binrelay_shared/ledger/migrations`` (``ledger``); :data:`CHAINS` lists them and a chain that is
not there is skipped. Every service runs :func:`upgrade` at start; two processes starting at once
are serialised (a lock file next to a SQLite database, an advisory lock on PostgreSQL), so the
second one finds the schema at its heads and does nothing.

Alembic stays out of a service process (~10 MB resident, for nothing once the schema is there):
:func:`upgrade` first reads the revisions the database is at with one plain query and compares
them with the chains' heads read from the version scripts' source (:func:`chain_heads`, no
import); only a database behind its heads is upgraded, and a service (``isolated=True``) has that
done by a child interpreter (``python -m binrelay_shared.db.migrate``, the URL on its stdin).

By hand: ``binrelay db upgrade`` / ``binrelay db current``; a new revision of a chain:
``alembic -c shared/src/binrelay_shared/db/alembic.ini revision --head members@head -m "..."``.
"""

from __future__ import annotations

import ast
import asyncio
import fcntl
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from .engine import make_engine

if TYPE_CHECKING:
    from alembic.config import Config


class MigrationFailed(SQLAlchemyError):
    """The child interpreter could not bring the schema to its heads (its own error is on stderr)."""

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


def chain_heads() -> set[str]:
    """The head revision of every chain, read from the version scripts' source (Alembic not loaded).

    A script names its ``revision`` and ``down_revision`` (a string, a tuple of them, or None) as
    literals, as Alembic writes them; a head is a revision no other one comes down from."""
    revisions: set[str] = set()
    downs: set[str] = set()
    for location in version_locations():
        for script in sorted(Path(location).glob("*.py")):
            for node in ast.parse(script.read_text(encoding="utf-8")).body:
                if isinstance(node, ast.Assign):
                    target, literal = node.targets[0], node.value
                elif isinstance(node, ast.AnnAssign) and node.value is not None:
                    target, literal = node.target, node.value
                else:
                    continue
                if not isinstance(target, ast.Name):
                    continue
                if target.id == "revision":
                    revisions.add(ast.literal_eval(literal))
                elif target.id == "down_revision":
                    value = ast.literal_eval(literal)
                    downs.update([value] if isinstance(value, str) else value or ())
    return revisions - downs


async def _versions_at(url: URL) -> set[str]:
    """The revisions the database is at (none: not migrated yet), with one plain query."""
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            try:
                rows = await conn.execute(text("SELECT version_num FROM alembic_version"))
            except DBAPIError as exc:  # no such table: a new database
                if "alembic_version" not in str(exc.orig):
                    raise
                return set()
            return {row[0] for row in rows}
    finally:
        await engine.dispose()


def alembic_config() -> Config:
    """The Alembic configuration: this package's ``alembic/`` environment and every chain."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "alembic"))
    cfg.set_main_option("version_locations", " ".join(version_locations()))
    cfg.set_main_option("path_separator", "space")
    return cfg


def _upgrade_on(connection: Connection, cfg: Config) -> None:
    from alembic import command

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


async def upgrade(url: URL | str | None = None, *, isolated: bool = False) -> None:
    """Bring the database at ``url`` (default: the environment's) to the heads of every chain (idempotent).

    At its heads already: one query, nothing else. ``isolated``: the upgrade runs in a child
    interpreter, so Alembic is never loaded into this one (a service process; not for an
    in-memory SQLite database, which only this process sees)."""
    from sqlalchemy.engine import make_url

    from .engine import database_url

    url = database_url() if url is None else make_url(url) if isinstance(url, str) else url
    if await _versions_at(url) == chain_heads():
        return
    in_memory = url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")
    if isolated and not in_memory:
        await asyncio.to_thread(_upgrade_in_child, url)
        return
    await _upgrade_here(url)


def _upgrade_in_child(url: URL) -> None:
    # The URL (with its password) goes over a pipe: never on a command line or in the environment.
    done = subprocess.run([sys.executable, "-m", __name__], input=url.render_as_string(hide_password=False),
                          text=True, check=False)
    if done.returncode != 0:
        raise MigrationFailed(f"the schema upgrade (python -m {__name__}) exited {done.returncode}")


async def _upgrade_here(url: URL) -> None:
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
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            at = await conn.run_sync(lambda c: set(MigrationContext.configure(c).get_current_heads()))
    finally:
        await engine.dispose()
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    return at, heads


def _main() -> int:
    """``python -m binrelay_shared.db.migrate``: upgrade the database whose URL is on stdin."""
    from sqlalchemy.engine import make_url

    asyncio.run(upgrade(make_url(sys.stdin.read().strip())))
    return 0


if __name__ == "__main__":
    sys.exit(_main())
