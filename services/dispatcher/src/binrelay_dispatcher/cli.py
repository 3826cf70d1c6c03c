"""Commands this package adds to ``binrelay``: ``plan check``, ``plan explain``, ``approve``."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table

err = Console(stderr=True)


def _fail(message: str, fix: str, code: int = 2) -> None:
    err.print(f"[bold red]error:[/] {message}\n[bold]fix:[/] {fix}", highlight=False)
    raise typer.Exit(code)


def _members(path: Path | None, required: bool) -> object:
    from binrelay_shared.settings import Settings

    from .load import PlanError, load_members

    members_path = path or Settings().members_file
    if not members_path.exists():
        if required:
            _fail(f"members file {members_path} does not exist",
                  "pass --members PATH or set BINRELAY_MEMBERS_FILE (deploy/members.example.yaml is an example)")
        err.print(f"[yellow]note:[/] members file {members_path} not found: contacts are not checked")
        return None
    try:
        return load_members(members_path)
    except PlanError as exc:
        for p in exc.problems:
            typer.echo(str(p), err=True)
        raise typer.Exit(1) from None


def register(app: typer.Typer) -> None:
    """Add this package's commands to the ``binrelay`` app."""
    plan_app = typer.Typer(help="Communication plans: check them, explain what they do.", no_args_is_help=True)
    app.add_typer(plan_app, name="plan")

    @plan_app.command("check")
    def plan_check(
        files: Annotated[list[Path], typer.Argument(help="Network files (deploy/networks/*.yaml)")],
        members: Annotated[Path | None, typer.Option(help="Members file (default: BINRELAY_MEMBERS_FILE)")] = None,
    ) -> None:
        """Validate plans; exit 1 naming the file, the line, the place in the tree and the fix."""
        from .load import PlanError, iter_routes, load_network

        members_file = _members(members, required=False)
        bad = 0
        for f in files:
            try:
                net = load_network(f, members_file)  # type: ignore[arg-type]
            except PlanError as exc:
                bad += 1
                for p in exc.problems:
                    typer.echo(str(p), err=True)
                continue
            n = sum(1 for _ in iter_routes(net.file.plan.route))
            typer.echo(f"ok: {f} (network {net.id}, {n} routes, languages {', '.join(net.file.languages)})")
        if bad:
            err.print(f"{bad} of {len(files)} plan(s) refused", highlight=False)
            raise typer.Exit(1)

    @plan_app.command("explain")
    def plan_explain(
        network: Annotated[str, typer.Option("--network", help="Network id (e.g. zavel)")],
        report: Annotated[str, typer.Option("--report", help="JSON body file as posted to ingest, or - for stdin")],
        at: Annotated[str | None, typer.Option(
            "--at", help="When it is received (ISO 8601; without offset: Brussels time). Default: now")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the deliveries as a JSON list")] = False,
        author: Annotated[str, typer.Option(
            "--as", help="Who posts a message (POST /v1/messages): police or coordinator")] = "police",
        networks_dir: Annotated[Path | None, typer.Option(help="Default: BINRELAY_NETWORKS_DIR")] = None,
        members: Annotated[Path | None, typer.Option(help="Default: BINRELAY_MEMBERS_FILE")] = None,
    ) -> None:
        """What would happen to this report or message: to whom, on which channel, when, held or not."""
        from binrelay_shared.events import utcnow
        from binrelay_shared.settings import Settings

        from .explain import BodyError, as_rows, explain, report_from_body, skipped_counts
        from .load import PlanError, load_network

        members_file = _members(members, required=True)
        directory = networks_dir or Settings().networks_dir
        path = directory / f"{network}.yaml"
        if not path.exists():
            known = ", ".join(sorted(p.stem for p in directory.glob("*.yaml"))) or "none"
            _fail(f"no plan for network {network!r} in {directory}", f"use one of: {known}")
        try:
            net = load_network(path, members_file)  # type: ignore[arg-type]
        except PlanError as exc:
            for p in exc.problems:
                typer.echo(str(p), err=True)
            raise typer.Exit(1) from None
        try:
            raw = sys.stdin.read() if report == "-" else Path(report).read_text("utf-8")
        except OSError as exc:
            _fail(f"cannot read {report}: {exc.strerror}", "pass a JSON file, or - to read stdin")
        try:
            body = json.loads(raw)
        except json.JSONDecodeError as exc:
            _fail(f"{report} is not JSON (line {exc.lineno}: {exc.msg})",
                  "pass the JSON body of POST /v1/reports or POST /v1/messages")
        try:
            if author not in ("police", "coordinator"):
                _fail(f"--as {author!r}", "use --as police or --as coordinator")
            rep, _hint = report_from_body(body, author)
        except BodyError as exc:
            _fail(f"{report}: {exc}", "pass the JSON body exactly as posted to ingest")
        when = utcnow()
        if at:
            try:
                when = datetime.fromisoformat(at)
            except ValueError:
                _fail(f"--at {at!r} is not an ISO 8601 time", "write e.g. 2026-03-01T23:30 or 2026-03-01T22:30+00:00")
            if when.tzinfo is None:
                when = when.replace(tzinfo=ZoneInfo("Europe/Brussels"))
        ex = explain(net, rep, when)
        rows = as_rows(ex)
        if as_json:
            typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        cls = ex.cleared.classification
        out = Console()
        out.print(f"network {net.id} · {rep.origin.value} {rep.kind.value} · received "
                  f"{when.astimezone(ZoneInfo('Europe/Brussels')):%Y-%m-%d %H:%M} Brussels", highlight=False)
        out.print(f"classification: {cls.urgency.value}, {cls.category.value}, {cls.language}, "
                  f"flags [{', '.join(f.value for f in cls.flags)}]"
                  f"{'' if cls.computed else ' (placeholder classifier: not computed)'}", highlight=False)
        out.print(f"routes: {', '.join(ex.decision.routes)} · report held: {ex.decision.held or 'no'}",
                  highlight=False)
        table = Table(title="deliveries (nothing is sent)")
        for col in ("route", "audience", "channel", "lang", "recipients", "send at (Brussels)", "held", "why"):
            table.add_column(col)
        for r in rows:
            send_at = (datetime.fromisoformat(r["send_at"]).astimezone(ZoneInfo("Europe/Brussels"))
                       .strftime("%Y-%m-%d %H:%M") if r["send_at"] else "now")
            why = r["why"] + (f" — {r['condition']}" if r["condition"] else "")
            table.add_row(r["route"], r["audience"], r["channel"], r["language"] or "-", str(r["recipients"]),
                          send_at, r["held"] or "-", why)
        out.print(table)
        for (audience, reason), count in sorted(skipped_counts(ex).items()):
            out.print(f"skipped: {count} of {audience} ({reason.replace('_', ' ')})", highlight=False)

    @app.command("approve")
    def approve(
        report_id: Annotated[str, typer.Argument(help="The report id of the held message")],
        reject: Annotated[bool, typer.Option("--reject", help="Reject instead of approve")] = False,
        by: Annotated[str, typer.Option("--by", help="Your member id (recorded with the decision)")] = "operator",
        network: Annotated[str | None, typer.Option(help="Network id (the message key)")] = None,
    ) -> None:
        """Approve (or reject) a message held for approval: publishes a Response."""
        import asyncio

        from aiokafka import AIOKafkaProducer
        from aiokafka.errors import KafkaConnectionError

        from binrelay_shared import topics
        from binrelay_shared.acl import OPERATOR
        from binrelay_shared.codec import encode
        from binrelay_shared.events import Response, ResponseKind
        from binrelay_shared.kafka_security import kafka_client_config
        from binrelay_shared.settings import Settings

        settings = Settings()
        response = Response(
            report_id=report_id,
            network_id=network,
            responder_id=by,
            kind=ResponseKind.reject if reject else ResponseKind.approve,
            via="cli",
        )

        async def send() -> None:
            producer = AIOKafkaProducer(**kafka_client_config(settings, OPERATOR).aiokafka())
            await producer.start()
            try:
                await producer.send_and_wait(topics.RESPONSES, encode(response),
                                             key=network.encode() if network else None)
            finally:
                await producer.stop()

        try:
            asyncio.run(send())
        except KafkaConnectionError:
            _fail(f"cannot reach Kafka at {settings.kafka}", "start it (make up) or set BINRELAY_KAFKA")
        typer.echo(f"{response.kind.value} sent for report {report_id}")
