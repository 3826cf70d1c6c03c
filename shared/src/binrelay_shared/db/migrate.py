"""Alembic, run from code: ``alembic upgrade heads`` over every package's version chain.

Each package that keeps tables has a chain of its own (its branch label, ``down_revision=None`` at
its root) in a folder listed in :data:`VERSION_LOCATIONS`; ``heads`` upgrades them all.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

from .engine import engine

HERE = Path(__file__).resolve().parent
#: Every package's Alembic versions folder.
VERSION_LOCATIONS = (HERE.parent / "ledger" / "migrations",)


def config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE / "alembic"))
    cfg.set_main_option("version_locations", " ".join(str(p) for p in VERSION_LOCATIONS))
    cfg.set_main_option("path_separator", "space")
    cfg.attributes["connection"] = connection
    return cfg


async def upgrade(url: str | None = None) -> None:
    """Bring the database at ``url`` (default: ``BINRELAY_DATABASE_URL``) to every chain's head."""
    eng = engine(url)
    try:
        async with eng.begin() as conn:
            await conn.run_sync(lambda sync: command.upgrade(config(sync), "heads"))
    finally:
        await eng.dispose()
