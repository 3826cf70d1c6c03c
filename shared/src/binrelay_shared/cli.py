"""Operator commands of the shared library: topics, trace, dead letters."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from . import security_cli, trace
from .settings import Settings

err = Console(stderr=True)


def _fail(message: str, fix: str) -> None:
    err.print(f"[bold red]error:[/] {message}\n[bold]fix:[/] {fix}")
    raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    """Add ``topics``, ``trace`` and ``dlq`` to the ``binrelay`` app."""
    topics_app = typer.Typer(help="Kafka topics of the pipeline.", no_args_is_help=True)
    dlq_app = typer.Typer(help="Dead letters: list them, put them back.", no_args_is_help=True)
    app.add_typer(topics_app, name="topics")
    app.add_typer(dlq_app, name="dlq")
    security_cli.register(app)

    @topics_app.command("create")
    def topics_create(
        zone: Annotated[list[str] | None, typer.Option(help="Police zone ids (repeatable)")] = None,
    ) -> None:
        """Create every pipeline topic that is missing, then apply the ACL table (both idempotent)."""
        from aiokafka.errors import KafkaConnectionError, KafkaError

        from .kafka import ensure_topics

        settings = Settings()
        zones = zone or [settings.zone_id]
        kafka = security_cli.admin_or_fail(settings)
        try:
            created = asyncio.run(ensure_topics(kafka, zones))
        except KafkaConnectionError:
            _fail(f"cannot reach Kafka at {settings.kafka}", "start it (make up) or set BINRELAY_KAFKA")
        except KafkaError as exc:
            _fail(f"Kafka refused the admin principal ({type(exc).__name__})",
                  "check BINRELAY_SECRETS_DIR (kafka/admin) and BINRELAY_KAFKA_CA_FILE")
        typer.echo(f"{len(created)} topic(s) created" + (f": {', '.join(created)}" if created else ""))
        if kafka.security != "plaintext":
            security_cli.apply_acls(settings)

    @app.command("trace")
    def trace_cmd(
        report_id: Annotated[str, typer.Argument(help="The report id ingest answered with")],
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    ) -> None:
        """Where did my report go? Every topic (and delivery) it reached, with times."""
        from redis.exceptions import AuthenticationError, NoPermissionError
        from redis.exceptions import ConnectionError as RedisConnectionError

        from .redis_auth import RedisAuthError, password_path, redis_client

        settings = Settings()

        async def fetch() -> dict[str, str]:
            redis = redis_client(settings, "operator")  # the operator's Redis user
            try:
                return await trace.read(redis, report_id)
            finally:
                await redis.aclose()

        try:
            seen = asyncio.run(fetch())
        except RedisAuthError as exc:
            _fail(str(exc), "run `make up` (it writes the secrets) or set BINRELAY_REDIS_PASSWORD_FILE")
        except (AuthenticationError, NoPermissionError) as exc:
            _fail(f"Redis refused the operator's user: {type(exc).__name__}",
                  f"check BINRELAY_REDIS_USER and the password in {password_path(settings, 'operator')}")  # fmt: skip
        except RedisConnectionError:
            _fail(f"cannot reach Redis at {settings.redis_url}", "start it (make up) or set BINRELAY_REDIS_URL")
        if as_json:
            typer.echo(json.dumps({"report_id": report_id, "reached": seen}))
            return
        if not seen:
            _fail(
                f"no trace of report {report_id}",
                "check the id (ingest's answer holds it); traces expire after "
                f"{settings.trace_ttl_seconds // 3600} h",
            )
        table = Table(title=f"report {report_id}")
        table.add_column("reached")
        table.add_column("at (UTC)")
        for where, at in seen.items():
            table.add_row(where, at)
        Console().print(table)

    @dlq_app.command("list")
    def dlq_list(
        limit: Annotated[int, typer.Option(help="Most letters to show")] = 50,
    ) -> None:
        """Print dead letters (newest last) as JSON lines, raw bytes left out."""
        from .dlq import read_letters

        settings = Settings()
        for letter in asyncio.run(read_letters(security_cli.operator_or_fail(settings), limit)):
            typer.echo(letter.model_dump_json(exclude={"raw"}))

    @dlq_app.command("replay")
    def dlq_replay(
        stage: Annotated[str | None, typer.Option(help="Only letters of this stage")] = None,
        limit: Annotated[int, typer.Option(help="Most letters to replay")] = 1000,
    ) -> None:
        """Put dead letters back on the topic they came from (after the cause is fixed)."""
        from .dlq import replay

        settings = Settings()
        n = asyncio.run(replay(security_cli.operator_or_fail(settings), stage=stage, limit=limit))
        typer.echo(f"{n} message(s) replayed")

    @app.command("asyncapi")
    def asyncapi_cmd() -> None:
        """Print the AsyncAPI document of the events (for police zones building consumers)."""
        from .asyncapi import document

        json.dump(document(), sys.stdout, indent=2)
        sys.stdout.write("\n")

