"""Commands this package adds to ``binrelay``: ``plan check`` and ``approve``.

``plan explain`` needs every service at once, so it lives in the top-level command line
(:mod:`binrelay.cli`), which adds it to the ``plan`` group made here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

err = Console(stderr=True)


def fail(message: str, fix: str, code: int = 2) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}\n[bold]fix:[/] {fix}", highlight=False)
    raise typer.Exit(code)


def read_members(path: Path | None, required: bool) -> object:
    """The members file for a command (``--members`` or ``BINRELAY_MEMBERS_FILE``); exits 1 on problems."""
    from binrelay_shared.network import PlanError, load_members
    from binrelay_shared.settings import Settings

    members_path = path or Settings().members_file
    if not members_path.exists():
        if required:
            fail(f"members file {members_path} does not exist",
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
        from binrelay_shared.network import PlanError, iter_routes, load_network

        members_file = read_members(members, required=False)
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
        from binrelay_shared.kafka import DURABLE
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
            producer = AIOKafkaProducer(**kafka_client_config(settings, OPERATOR).aiokafka(), **DURABLE)
            await producer.start()
            try:
                await producer.send_and_wait(topics.RESPONSES, encode(response),
                                             key=network.encode() if network else None)
            finally:
                await producer.stop()

        try:
            asyncio.run(send())
        except KafkaConnectionError:
            fail(f"cannot reach Kafka at {settings.kafka}", "start it (make up) or set BINRELAY_KAFKA")
        typer.echo(f"{response.kind.value} sent for report {report_id}")
