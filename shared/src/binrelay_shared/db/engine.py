"""The async engine and session factory, from ``BINRELAY_DATABASE_URL`` (one setting).

Default: ``sqlite+aiosqlite:///.run/binrelay.db`` (nothing to install or start: ``make up`` needs
nothing more). Production: ``postgresql+asyncpg://user@host:5432/binrelay``, the password from
``BINRELAY_DATABASE_PASSWORD`` or ``BINRELAY_DATABASE_PASSWORD_FILE`` (never in the URL, never
logged; a URL that carries one is refused, as for Redis).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

if TYPE_CHECKING:
    from binrelay_shared.settings import Settings


class DatabaseConfigError(ValueError):
    """The database settings cannot be used; the message names the setting and the fix."""


def database_url(settings: Settings | None = None) -> URL:
    """The URL to connect with: ``settings.database_url`` (default: from the environment) plus the
    password from its own setting."""
    if settings is None:
        from binrelay_shared.settings import Settings

        settings = Settings()
    try:
        url = make_url(settings.database_url)
    except ArgumentError:
        raise DatabaseConfigError(
            f"BINRELAY_DATABASE_URL={settings.database_url!r} is not a database URL: "
            "use sqlite+aiosqlite:///PATH or postgresql+asyncpg://USER@HOST:PORT/DB") from None
    if url.drivername not in ("sqlite+aiosqlite", "postgresql+asyncpg"):
        raise DatabaseConfigError(
            f"BINRELAY_DATABASE_URL: driver {url.drivername!r} is not supported: "
            "use sqlite+aiosqlite:///PATH or postgresql+asyncpg://USER@HOST:PORT/DB")
    if url.password is not None:
        raise DatabaseConfigError(
            "BINRELAY_DATABASE_URL carries a password: remove it from the URL and give it as "
            "BINRELAY_DATABASE_PASSWORD or BINRELAY_DATABASE_PASSWORD_FILE")
    secret = None
    if settings.database_password is not None:
        secret = settings.database_password.get_secret_value()
    elif settings.database_password_file is not None:
        path = settings.database_password_file
        try:
            secret = path.read_text("utf-8").strip()
        except OSError as exc:
            raise DatabaseConfigError(
                f"BINRELAY_DATABASE_PASSWORD_FILE: {path} cannot be read ({exc.strerror})") from None
    if url.drivername == "sqlite+aiosqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        return url
    return url.set(password=secret) if secret is not None else url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite; WAL lets the services read while the CLI writes,
    # and a writer waits for another instead of failing at once; secure_delete overwrites what is
    # deleted (an erased member's data must not stay readable in the file's free pages).
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA secure_delete=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=60000")  # a first start imports thousands of members in one transaction
    cur.close()


def make_engine(url: URL | str) -> AsyncEngine:
    """An async engine for ``url`` (SQLite: foreign keys on, WAL, a 10 s busy timeout)."""
    url = make_url(url) if isinstance(url, str) else url
    engine = create_async_engine(url, pool_pre_ping=url.get_backend_name() == "postgresql")
    if url.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def engine(url: URL | str | None = None) -> AsyncEngine:
    """:func:`make_engine` on ``url``, by default the one the environment names (:func:`database_url`)."""
    return make_engine(url if url is not None else database_url())


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep their objects readable after commit (the callers return them)."""
    return async_sessionmaker(engine, expire_on_commit=False)
