"""Alembic stays out of a service process: the schema check is one query, an upgrade runs in a child."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory

from binrelay_shared.db.migrate import alembic_config, chain_heads, current

_START = """
import asyncio, sys
from binrelay_shared.members.service import open_registry
from binrelay_shared.settings import Settings

async def start():
    registry = await open_registry(Settings(database_url=sys.argv[1], members_file=sys.argv[2]))
    await registry.close()

asyncio.run(start())
print("alembic loaded" if any(m.split(".")[0] == "alembic" for m in sys.modules) else "alembic not loaded")
"""


def test_chain_heads_read_from_the_scripts_are_alembics() -> None:
    """Given the chains' version scripts,
    When their heads are read from the source (no Alembic),
    Then they are the heads Alembic finds."""
    assert chain_heads() == set(ScriptDirectory.from_config(alembic_config()).get_heads())


def test_a_service_start_migrates_without_loading_alembic(tmp_path: Path) -> None:
    """Given a new SQLite registry,
    When a service process opens it at start (migrated, the members file imported), twice,
    Then neither process has Alembic loaded, and the database is at every chain's head."""
    url = f"sqlite+aiosqlite:///{tmp_path}/registry.db"
    members = Path(__file__).resolve().parents[2] / "deploy" / "members.example.yaml"
    for _ in range(2):  # the first start upgrades (in a child), the second finds the heads
        done = subprocess.run([sys.executable, "-c", _START, url, str(members)], capture_output=True, text=True,
                              timeout=300, check=False)
        assert done.returncode == 0, done.stderr[-3000:]
        assert done.stdout.strip().splitlines()[-1] == "alembic not loaded"
    at, heads = asyncio.run(current(url))
    assert at == heads and "members_0001" in at
