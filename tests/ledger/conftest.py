"""The ledger's database for a test: migrated to every chain's head, fresh per test.

Parametrized over the databases in :data:`DATABASES`: SQLite here; the member registry's
PostgreSQL fixture adds ``postgresql`` (it must give a fresh database's URL as ``postgresql_url``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from binrelay_shared.db.engine import engine
from binrelay_shared.db.migrate import upgrade

DATABASES = ["sqlite"]


@pytest.fixture(params=DATABASES)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'binrelay.db'}"
    else:
        url = str(request.getfixturevalue(f"{request.param}_url"))
    await upgrade(url)
    return url


@pytest.fixture
async def ledger_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    eng = engine(database_url)
    try:
        yield eng
    finally:
        await eng.dispose()
