"""The registry as a service process opens it at start: migrated, seeded once, read whole.

``BINRELAY_MEMBERS_FILE`` (default ``deploy/members.example.yaml``) is imported into a registry
that never imported a members file (``make up``'s first start); after that the registry is the
truth and the file is not read again (``binrelay members import FILE`` imports one by hand).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Collection
from typing import NoReturn, TypeVar

from sqlalchemy.exc import SQLAlchemyError

from binrelay_shared.db import database_url, make_engine
from binrelay_shared.db.engine import DatabaseConfigError
from binrelay_shared.db.migrate import file_lock, upgrade
from binrelay_shared.events import utcnow
from binrelay_shared.network.members import MembersFile
from binrelay_shared.network.problems import PlanError
from binrelay_shared.retention import Retention
from binrelay_shared.settings import Settings

from .registry import Registry, RegistryError

T = TypeVar("T")


async def open_registry(settings: Settings, networks: Collection[str] | None = None) -> Registry:
    """The registry of ``settings``: its schema brought to the heads, the members file imported once."""
    url = database_url(settings)
    await upgrade(url, isolated=True)  # Alembic loaded in a child, and only when the schema is behind
    registry = Registry(make_engine(url), networks)
    if settings.members_file.is_file():
        # Processes starting together (each lane's dispatcher, the adapters) import it once:
        # the others wait for the lock, then find it done.
        lock = file_lock(url)
        await asyncio.to_thread(lock.__enter__)
        try:
            await registry.seed_from(settings.members_file)
        finally:
            lock.__exit__(None, None, None)
    await registry.purge_history(utcnow() - Retention().registry_history)  # retention, at every start
    return registry


def db_problem(exc: BaseException) -> str:
    """What went wrong with the database, without the statement or its parameters (they may hold
    personal data): the error's kind, and for a connection-level one its driver's first line."""
    from sqlalchemy.exc import InterfaceError, OperationalError

    if isinstance(exc, OperationalError | InterfaceError) and exc.orig is not None:
        return f"{type(exc).__name__}: {str(exc.orig).splitlines()[0][:200]}"
    return type(exc).__name__


def _exit(message: str, fix: str) -> NoReturn:
    print(f"error: {message}\nfix: {fix}", file=sys.stderr)
    sys.exit(2)


def registry_members_or_exit(settings: Settings, *, every_address: bool = False) -> MembersFile:
    """Every member in the registry, for a service's start; a problem exits 2 naming the setting."""

    async def load(registry: Registry) -> MembersFile:
        return await registry.snapshot(every_address=every_address)

    return _at_start_or_exit(settings, load)


def registry_ready_or_exit(settings: Settings) -> int:
    """The registry made ready for a service's start (migrated, the members file imported once, its
    history's retention applied) without reading the members; how many there are. A problem exits 2."""

    async def count(registry: Registry) -> int:
        return await registry.count()

    return _at_start_or_exit(settings, count)


def _at_start_or_exit(settings: Settings, work: Callable[[Registry], Awaitable[T]]) -> T:
    async def run() -> T:
        registry = await open_registry(settings)
        try:
            return await work(registry)
        finally:
            await registry.close()

    try:
        return asyncio.run(run())
    except DatabaseConfigError as exc:
        _exit(str(exc), "correct BINRELAY_DATABASE_URL (default sqlite+aiosqlite:///.run/binrelay.db)")
    except PlanError as exc:
        lines = "\n".join(str(p) for p in exc.problems)
        _exit(f"the members file {settings.members_file} cannot be imported:\n{lines}",
              "correct the file, or set BINRELAY_MEMBERS_FILE to another one")
    except RegistryError as exc:
        lines = "\n".join(f"  {p}" for p in exc.problems)
        _exit(f"the members file {settings.members_file} cannot be imported:\n{lines}", "correct those members")
    except (OSError, SQLAlchemyError) as exc:
        _exit(f"the database (BINRELAY_DATABASE_URL) cannot be used: {db_problem(exc)}",
              "check that it is up and that BINRELAY_DATABASE_URL and BINRELAY_DATABASE_PASSWORD[_FILE] are right")
