"""Operator commands of the shared library: topics, trace, dead letters."""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import orjson
import typer
from rich.console import Console
from rich.table import Table

from . import security_cli, topics, trace
from .deadletter import raw_bytes
from .settings import Settings

if TYPE_CHECKING:
    from .dlq import Letter

T = TypeVar("T")
LETTER_ID = "The letter's id, <partition>:<offset> (dlq list)"

err = Console(stderr=True)


def _fail(message: str, fix: str) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}\n[bold]fix:[/] {fix}")
    raise typer.Exit(2)


def _since(text: str | None) -> datetime | None:
    """``--since``: an ISO time (UTC unless it says otherwise) or an age such as 30m, 2h, 7d."""
    if text is None:
        return None
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    if text[:-1].isdigit() and text[-1:] in units:
        return datetime.now(UTC) - timedelta(seconds=int(text[:-1]) * units[text[-1]])
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        _fail(f"--since {text!r} is neither a time nor an age", "e.g. --since 2h or --since 2026-05-01T08:00")
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _kafka_call(settings: Settings, work: Coroutine[Any, Any, T]) -> T:
    from aiokafka.errors import KafkaConnectionError, KafkaError

    try:
        return asyncio.run(work)
    except KafkaConnectionError:
        _fail(f"cannot reach Kafka at {settings.kafka}", "start it (make up) or set BINRELAY_KAFKA")
    except (KafkaError, TimeoutError) as exc:
        _fail(f"Kafka: {type(exc).__name__} {exc}", "check BINRELAY_SECRETS_DIR (kafka/operator) and that Kafka is up")


def _redis_call(settings: Settings, work: Callable[[Any], Awaitable[T]]) -> T:
    """Run ``work(redis)`` as the operator's Redis user (the replay records live there)."""
    from .redis_auth import RedisProblem, as_user

    try:
        return _kafka_call(settings, as_user(settings, "operator", work))
    except RedisProblem as exc:
        _fail(exc.message, exc.fix)


def _one_letter(settings: Settings, letter_id: str) -> Letter:
    from . import dlq

    try:
        dlq.parse_id(letter_id)
    except ValueError as exc:
        _fail(str(exc), "binrelay dlq list shows the ids")
    item = _kafka_call(settings, dlq.read_letter(security_cli.operator_or_fail(settings), letter_id))
    if item is None:
        _fail(f"no dead letter {letter_id} in {topics.DLQ}", "binrelay dlq list shows the ids")
    return item


def _compact(payload: bytes) -> bytes:
    """JSON as the stages write it (compact); anything else unchanged (the replay refuses it)."""
    try:
        return orjson.dumps(orjson.loads(payload))
    except orjson.JSONDecodeError:
        return payload


def _edit_in_editor(item: Letter, payload: bytes) -> bytes | None:
    """The letter's payload as $EDITOR leaves it (pretty JSON to edit, compact after); None if emptied."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        _fail("--edit needs an editor", "set EDITOR (e.g. EDITOR=nano), or fix the JSON in a file and use --file")
    try:
        text = orjson.dumps(orjson.loads(payload), option=orjson.OPT_INDENT_2)
    except orjson.JSONDecodeError:
        text = payload
    # The letter may hold personal data: a private file, removed afterwards.
    fd, name = tempfile.mkstemp(prefix=f"binrelay-dlq-{item.id.replace(':', '-')}-", suffix=".json")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(text)
        if subprocess.run([*shlex.split(editor), name], check=False).returncode != 0:
            _fail(f"the editor ({editor}) failed on letter {item.id}", "nothing was replayed from it; try again")
        edited = Path(name).read_bytes()
    finally:
        Path(name).unlink(missing_ok=True)
    return _compact(edited) if edited.strip() else None


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
        brokers: Annotated[int | None, typer.Option(
            help="Wait until the cluster has this many brokers (a cluster still starting), up to 3 min")] = None,
    ) -> None:
        """Create every pipeline topic that is missing and bring the existing ones' configs
        (max.message.bytes, retention.ms, min.insync.replicas) to the pipeline's values, then apply
        the ACL table (all idempotent). Fewer partitions or replicas than wanted are reported with
        the fix, never changed here."""
        from aiokafka.errors import KafkaConnectionError, KafkaError
        from confluent_kafka import KafkaException

        from .kafka import BrokersMissing, reconcile_topics

        settings = Settings()
        zones = zone or [settings.zone_id]
        kafka = security_cli.admin_or_fail(settings)
        try:
            outcome = asyncio.run(reconcile_topics(kafka, zones, brokers=brokers))
        except BrokersMissing as exc:
            _fail(str(exc), f"start every node of the cluster ({settings.kafka}), or check --brokers")
        except KafkaConnectionError:
            _fail(f"cannot reach Kafka at {settings.kafka}", "start it (make up) or set BINRELAY_KAFKA")
        except (KafkaError, KafkaException) as exc:
            _fail(f"Kafka refused the admin principal ({type(exc).__name__})",
                  "check BINRELAY_SECRETS_DIR (kafka/admin) and BINRELAY_KAFKA_CA_FILE")
        created = outcome.created
        typer.echo(f"{len(created)} topic(s) created" + (f": {', '.join(created)}" if created else ""))
        for name, changes in sorted(outcome.altered.items()):
            said = ", ".join(f"{k} {was or '(unset)'} -> {now}" for k, (was, now) in changes.items())
            typer.echo(f"config updated: {name}: {said}")
        for note in outcome.notes:
            typer.echo(f"needs an operator: {note}", err=True)
        if kafka.security != "plaintext":
            security_cli.apply_acls(settings)

    @app.command("trace")
    def trace_cmd(
        report_id: Annotated[str, typer.Argument(help="The report id ingest answered with")],
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
        wait: Annotated[float, typer.Option(
            help="Wait up to this many seconds for the step named by --until (a report just posted "
                 "is still on its way); then print what it reached")] = 0,
        until: Annotated[str, typer.Option(
            help="With --wait: the step to wait for, as the start of a trace field "
                 "(delivery: = reached someone; bin.dispatch. = on a police zone's topic)")] = "delivery:",
    ) -> None:
        """Where did my report go? Every topic (and delivery) it reached, with times."""
        settings = Settings()

        async def read(redis: Any) -> dict[str, str]:
            # Polls the trace (ids, topics and times only) until the step shows up or time is up.
            deadline = time.monotonic() + wait
            while True:
                seen = await trace.read(redis, report_id)
                if time.monotonic() >= deadline or any(field.startswith(until) for field in seen):
                    return seen
                await asyncio.sleep(0.25)

        seen = _redis_call(settings, read)
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
        if wait and not any(field.startswith(until) for field in seen):
            typer.echo(f"not reached yet after {wait:g} s: {until}… (run it again later)", err=True)

    @dlq_app.command("list")
    def dlq_list(
        stage: Annotated[str | None, typer.Option(help="Only letters of this stage (e.g. classifier)")] = None,
        since: Annotated[str | None, typer.Option(help="Only letters since: ISO time (UTC) or 30m, 2h, 7d ago")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="JSON lines (raw bytes left out)")] = False,
    ) -> None:
        """Every dead letter, oldest first: id, time, stage, reason, source and whether replayed."""
        from . import dlq

        settings = Settings()
        since_at = _since(since)
        kafka = security_cli.operator_or_fail(settings)
        letters = _kafka_call(settings, dlq.read_letters(kafka, stage=stage, since=since_at))
        done = _redis_call(settings, lambda redis: dlq.replayed(redis))
        if as_json:
            for item in letters:
                row = {"id": item.id, **item.letter.model_dump(mode="json", exclude={"raw"}),
                       "replayed": done.get(item.id)}
                typer.echo(json.dumps(row))
            return
        table = Table(title=f"{len(letters)} dead letter(s) in {topics.DLQ}")
        for column in ("id", "at (UTC)", "stage", "reason", "source", "report", "replayed"):
            table.add_column(column)
        for item in letters:
            x = item.letter
            table.add_row(
                item.id, x.at.strftime("%Y-%m-%d %H:%M:%S"), x.stage, x.reason,
                f"{x.source_topic} [{x.partition}@{x.offset}]", x.report_id or "-",
                done[item.id]["at"][:19] if item.id in done else "-",
            )
        Console(width=200).print(table)

    @dlq_app.command("show")
    def dlq_show(letter_id: Annotated[str, typer.Argument(help=LETTER_ID)]) -> None:
        """One dead letter as JSON: why, from where, its payload (decoded) and its replay record."""
        from . import dlq

        settings = Settings()
        item = _one_letter(settings, letter_id)
        payload = raw_bytes(item.letter)
        try:
            shown: object = json.loads(payload)
        except ValueError:
            shown = payload.decode("utf-8", "replace")
        done = _redis_call(settings, lambda redis: dlq.replayed(redis, [item.id]))
        typer.echo(json.dumps({"id": item.id, **item.letter.model_dump(mode="json", exclude={"raw"}),
                               "payload": shown, "replayed": done.get(item.id)}, indent=2, ensure_ascii=False))

    @dlq_app.command("replay")
    def dlq_replay(
        letter_id: Annotated[str | None, typer.Argument(help=LETTER_ID)] = None,
        stage: Annotated[str | None, typer.Option(help="Every letter of this stage not replayed yet")] = None,
        edit: Annotated[bool, typer.Option("--edit", help="Open each letter's JSON in $EDITOR first")] = False,
        file: Annotated[Path | None, typer.Option("--file", help="Put back this fixed JSON instead (one ID)")] = None,
    ) -> None:
        """Put dead letters back on the topic they came from (after the cause is fixed), each at most once."""
        from . import dlq
        from .events import utcnow

        settings = Settings()
        if (letter_id is None) == (stage is None):
            _fail("say which letters: an ID or --stage",
                  "binrelay dlq replay 1:17, or binrelay dlq replay --stage classifier")
        if file is not None and (letter_id is None or edit):
            _fail("--file replaces one letter", "give one ID with --file, and no --edit")
        kafka = security_cli.operator_or_fail(settings)
        if letter_id is not None:
            letters = [_one_letter(settings, letter_id)]
        else:
            letters = _kafka_call(settings, dlq.read_letters(kafka, stage=stage))
        editor: dlq.Editor | None = None
        if file is not None:
            try:
                fixed = file.read_bytes()
            except OSError as exc:
                _fail(f"cannot read {file}: {exc.strerror}", "give the path of the fixed JSON")
            editor = lambda _letter, _payload: _compact(fixed)  # noqa: E731
        elif edit:
            editor = _edit_in_editor
        result = _redis_call(settings, lambda redis: dlq.replay(kafka, redis, letters, edit=editor, now=utcnow))
        for id_, why in result.skipped.items():
            err.print(f"{id_}: not replayed: {why}")
        ids = f": {', '.join(result.replayed)}" if result.replayed else ""
        typer.echo(f"{len(result.replayed)} message(s) replayed{ids}")
        if letter_id is not None and result.skipped:
            raise typer.Exit(1)

    @app.command("asyncapi")
    def asyncapi_cmd() -> None:
        """Print the AsyncAPI document of the events (for police zones building consumers)."""
        from .asyncapi import document

        json.dump(document(), sys.stdout, indent=2)
        sys.stdout.write("\n")

