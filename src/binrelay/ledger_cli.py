"""``binrelay log`` (the coordinator's log) and ``binrelay evaluation`` (the yearly evaluation).

Both read the ledger (:mod:`binrelay_shared.ledger`) in the database ``BINRELAY_DATABASE_URL``
names (default: the SQLite file ``binrelay-ledger`` keeps under ``.run/``).
"""

from __future__ import annotations

import asyncio
import csv
import sys
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from binrelay_shared.ledger.figures import BRUSSELS

T = TypeVar("T")
err = Console(stderr=True)
NETWORK_HELP = "Network id (e.g. zavel)"


def fail(message: str, fix: str) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}\n[bold]fix:[/] {fix}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def day_of(option: str, text: str) -> date:
    """A ``YYYY-MM-DD`` option's date; a clear error naming the option otherwise."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{option} {text!r} is not a date", f"give {option} as YYYY-MM-DD, e.g. 2026-11-01")


def brussels_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=BRUSSELS)


def network_name(network: str) -> str:
    """The network's name from its file; an unknown id is a clear error listing the known ones."""
    from binrelay_shared.settings import Settings, networks_or_exit

    settings = Settings()
    networks = networks_or_exit(settings)
    if network not in networks:
        known = ", ".join(sorted(networks)) or "none"
        fail(f"unknown network {network!r} (networks in {settings.networks_dir}: {known})",
             "give --network one of those ids, or set BINRELAY_NETWORKS_DIR")
    return networks[network].file.name


def with_ledger(work: Callable[[AsyncEngine], Awaitable[T]]) -> T:
    """Run ``work`` on the ledger's database (migrated to its heads first)."""
    from binrelay_shared.db.engine import database_url, engine
    from binrelay_shared.db.migrate import upgrade

    url = database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and not Path(parsed.database).exists():
        fail(f"no ledger database at {parsed.database}",
             "start the stack (make up: binrelay-ledger keeps the ledger) or set BINRELAY_DATABASE_URL")

    async def run() -> T:
        await upgrade(url)
        eng = engine(url)
        try:
            return await work(eng)
        finally:
            await eng.dispose()

    try:
        return asyncio.run(run())
    except (SQLAlchemyError, OSError) as exc:
        where = parsed.render_as_string(hide_password=True)
        fail(f"cannot read the ledger at {where} ({type(exc).__name__})",
             "check BINRELAY_DATABASE_URL and that the database is running")


LOG_COLUMNS = ("at", "entry", "report", "kind", "category", "urgency", "member", "channel", "refers_to", "detail")


def register(app: typer.Typer) -> None:
    """Add ``log`` and ``evaluation`` to the ``binrelay`` app."""

    @app.command("log")
    def log_command(
        network: Annotated[str, typer.Option("--network", help=NETWORK_HELP)],
        start: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD, Brussels)")],
        end: Annotated[str, typer.Option("--to", help="Last day, included (YYYY-MM-DD, Brussels)")],
        as_csv: Annotated[bool, typer.Option("--csv", help="CSV on stdout (full ids, UTC times)")] = False,
    ) -> None:
        """The coordinator's log of a network: messages, approvals, acknowledgements, escalations,
        feedback and closings (no texts; members by id)."""
        from binrelay_shared.ledger.store import read_log

        first, last = day_of("--from", start), day_of("--to", end)
        if last < first:
            fail(f"--to {end} is before --from {start}", "give --to a day on or after --from")
        network_name(network)
        since, until = brussels_midnight(first), brussels_midnight(last + timedelta(days=1))
        rows = with_ledger(lambda eng: read_log(eng, network, since, until))
        if as_csv:
            out = csv.writer(sys.stdout)
            out.writerow(LOG_COLUMNS)
            for r in rows:
                out.writerow((r.at.isoformat(), r.entry, r.report_id, r.kind or "", r.category or "",
                              r.urgency or "", r.member_id or "", r.channel or "", r.refers_to or "", r.detail or ""))
            return
        table = Table(title=f"log of {network}, {first} to {last} (Brussels time)", title_justify="left")
        for column in LOG_COLUMNS:
            table.add_column(column.replace("_", " "))
        for r in rows:
            table.add_row(f"{r.at.astimezone(BRUSSELS):%Y-%m-%d %H:%M}", r.entry.replace("_", " "), r.report_id[:8],
                          r.kind or "", r.category or "", r.urgency or "", r.member_id or "", r.channel or "",
                          (r.refers_to or "")[:8], r.detail or "")
        console = Console()
        console.print(table)
        console.print(f"{len(rows)} entr{'y' if len(rows) == 1 else 'ies'}", highlight=False)

    @app.command("evaluation")
    def evaluation_command(
        network: Annotated[str, typer.Option("--network", help=NETWORK_HELP)],
        year: Annotated[int, typer.Option("--year", help="Calendar year (Brussels)", min=2000, max=2999)],
        out: Annotated[Path, typer.Option("--out", help="Folder to write evaluation-<network>-<year>.html (+ .pdf)")],
        pdf: Annotated[bool, typer.Option(help="Also print a PDF with headless Chromium")] = True,
    ) -> None:
        """The yearly evaluation of a network with the police: an HTML page with charts (and a PDF)."""
        from binrelay_shared.ledger.figures import evaluate
        from binrelay_shared.ledger.store import read_period

        from .evaluation import page, print_pdf

        name = network_name(network)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            fail(f"--out {out}: cannot make the folder ({exc.strerror})", "give --out a folder you may write")
        since, until = brussels_midnight(date(year, 1, 1)), brussels_midnight(date(year + 1, 1, 1))
        ledger = with_ledger(lambda eng: read_period(eng, network, since, until))
        ev = evaluate(network, year, ledger.reports, ledger.deliveries, ledger.responses, ledger.members)
        html_file = out / f"evaluation-{network}-{year}.html"
        html_file.write_text(page(ev, name), encoding="utf-8")
        typer.echo(f"wrote {html_file}")
        if pdf:
            pdf_file = html_file.with_suffix(".pdf")
            why_not = print_pdf(html_file, pdf_file)
            typer.echo(why_not if why_not else f"wrote {pdf_file}")
