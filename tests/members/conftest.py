"""The registry's tests run on both databases: SQLite (a file per test) and a real PostgreSQL
(a database per test on the session's server)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from binrelay_shared.db import database_url
from binrelay_shared.db.migrate import upgrade
from binrelay_shared.members import Registry
from binrelay_shared.settings import Settings

NETWORKS = ("zavel", "kastelein", "meudon")


@pytest.fixture(params=["sqlite", "postgresql"])
async def db_settings(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Settings]:
    """Settings naming a fresh, migrated database of each kind."""
    if request.param == "sqlite":
        s = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/registry.db")
    else:
        import asyncpg

        base, pwfile = request.getfixturevalue("postgres")
        name = f"t_{uuid.uuid4().hex[:12]}"
        admin = Settings(database_url=base, database_password_file=pwfile)
        url = database_url(admin)
        conn = await asyncpg.connect(host=url.host, port=url.port, user=url.username, password=url.password,
                                     database=url.database)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        s = Settings(database_url=base.rsplit("/", 1)[0] + "/" + name, database_password_file=pwfile)
    await upgrade(database_url(s))
    yield s


@pytest.fixture
async def registry(db_settings: Settings) -> AsyncIterator[Registry]:
    from binrelay_shared.db import make_engine

    reg = Registry(make_engine(database_url(db_settings)), NETWORKS)
    yield reg
    await reg.close()


from tests.ingest.conftest import keys  # noqa: E402, F401 - the session's API keys, one per role
from tests.members.live import live  # noqa: E402, F401 - a dispatcher of its own on the test's registry
