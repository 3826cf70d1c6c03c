"""The ledger's database for a test: migrated to every chain's head, fresh per test.

Parametrized over :data:`DATABASES`: SQLite always; PostgreSQL when ``BINRELAY_TEST_POSTGRES_URL``
names a server (an admin URL, ``postgresql+asyncpg://user@host:port/postgres``): each test gets a
database of its own there. (The member registry's work starts Debian's PostgreSQL in a fixture;
when merged, that fixture's URL is the one to use here.)
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from binrelay_shared.db.engine import engine
from binrelay_shared.db.migrate import upgrade

POSTGRES = os.environ.get("BINRELAY_TEST_POSTGRES_URL", "")
DATABASES = ["sqlite", *(["postgresql"] if POSTGRES else [])]


async def fresh_postgres_database(admin_url: str) -> str:
    """A new, empty database on the server of ``admin_url``; its URL."""
    name = f"ledger_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=DATABASES)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'binrelay.db'}"
    else:
        url = await fresh_postgres_database(POSTGRES)
    await upgrade(url)
    return url


@pytest.fixture
async def ledger_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    eng = engine(database_url)
    try:
        yield eng
    finally:
        await eng.dispose()
