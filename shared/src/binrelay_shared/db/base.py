"""The one declarative base every table of BIN Relay's database is declared on."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base of every model (the registry's, the ledger's)."""
