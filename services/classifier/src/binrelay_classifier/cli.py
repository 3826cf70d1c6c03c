"""Commands this package adds to ``binrelay``."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this package's commands to the ``binrelay`` app."""
