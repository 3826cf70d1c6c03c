"""GDPR rights of a member: access (everything held) and erasure (everywhere), with a receipt."""

from __future__ import annotations

from typing import Any, NoReturn

import typer


def _todo() -> NoReturn:
    typer.echo("not yet", err=True)
    raise typer.Exit(2)


def access_report_or_fail(member_id: str) -> dict[str, Any]:
    _todo()


def erase_or_fail(member_id: str, by: str) -> dict[str, Any]:
    _todo()
