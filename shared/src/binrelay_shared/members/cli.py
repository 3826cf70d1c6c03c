"""``binrelay members ...`` and ``binrelay db ...``: the registry from the command line.

Every change is checked first (each problem printed with its row, field and reason, exit 1,
nothing written), then published as a :class:`~binrelay_shared.events.MemberChanged` (as the
``operator`` Kafka principal) so the running services see it without a restart. If Kafka cannot
be reached the change stays made, and the services see it at their next full reload
(``BINRELAY_MEMBERS_REFRESH_SECONDS``).
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from binrelay_shared.settings import Settings

from .record import MemberFields, MemberRecord
from .registry import Change, Registry, RegistryError, RowProblem

T = TypeVar("T")
err = Console(stderr=True)
out = Console(highlight=False)
BY = Annotated[str, typer.Option("--by", help="Who records this (kept in the registry's history and with consent)")]


def _fail(message: str, fix: str, code: int = 2) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}\n[bold]fix:[/] {fix}", highlight=False)
    raise typer.Exit(code)


def _problems(exc: RegistryError) -> NoReturn:
    table = Table("row", "field", "reason", title=f"{len(exc.problems)} problem(s): nothing was changed")
    for p in exc.problems:
        table.add_row("" if p.row is None else str(p.row), p.field, p.reason)
    err.print(table)
    raise typer.Exit(1)


def _known_networks(settings: Settings) -> list[str]:
    from binrelay_shared.network import PlanError, load_networks

    try:
        return sorted(load_networks(settings.networks_dir, None))
    except PlanError:
        _fail(f"the network files in {settings.networks_dir} cannot be read",
              "run `binrelay plan check` and correct them, or set BINRELAY_NETWORKS_DIR")


def with_registry(work: Callable[[Registry], Awaitable[T]], settings: Settings | None = None) -> T:
    """Run ``work`` on the migrated registry of ``settings``; database problems become a message and a fix."""
    from sqlalchemy.exc import SQLAlchemyError

    from binrelay_shared.db.engine import DatabaseConfigError
    from binrelay_shared.network import PlanError

    from .service import db_problem, open_registry

    settings = settings or Settings()
    networks = _known_networks(settings)

    async def run() -> T:
        registry = await open_registry(settings, networks)
        try:
            return await work(registry)
        finally:
            await registry.close()

    try:
        return asyncio.run(run())
    except RegistryError as exc:
        _problems(exc)
    except PlanError as exc:  # the members file imported at the first start
        err.print("\n".join(str(p) for p in exc.problems), highlight=False)
        _fail(f"the members file {settings.members_file} cannot be imported",
              "correct it (each problem above names its line), or set BINRELAY_MEMBERS_FILE")
    except DatabaseConfigError as exc:
        _fail(str(exc), "correct BINRELAY_DATABASE_URL")
    except (OSError, SQLAlchemyError) as exc:
        _fail(f"the database (BINRELAY_DATABASE_URL) cannot be used: {db_problem(exc)}",
              "check that it is up and that BINRELAY_DATABASE_URL / BINRELAY_DATABASE_PASSWORD[_FILE] are right")


def announce(changes: list[Change], settings: Settings | None = None) -> None:
    """Tell the running services (``bin.members.changed.v1``); a warning, not a failure, when Kafka is away."""
    from aiokafka.errors import KafkaError

    from binrelay_shared.kafka_security import MissingSecret, kafka_client_config

    from .changes import publish_changes

    if not changes:
        return
    settings = settings or Settings()
    try:
        asyncio.run(publish_changes(kafka_client_config(settings, "operator"), changes, "binrelay-cli-members"))
    except (KafkaError, MissingSecret, OSError, TimeoutError) as exc:
        err.print(f"[yellow]warning:[/] the registry is changed, but the services were not told "
                  f"({type(exc).__name__}): "
                  f"they see it at their next reload, within {settings.members_refresh_seconds:.0f} s", highlight=False)


def _consent(channels: list[str] | None, how: str, by: str, at: str | None) -> dict[str, dict[str, Any]] | None:
    if not channels:
        return None
    when = at or datetime.now().astimezone().isoformat()
    return {c: {"given": True, "at": when, "how": how, "by": by} for c in channels}


def _fields(name: str | None, network: list[str] | None, role: list[str] | None, phone: str | None,
            email: str | None, chat: str | None, language: str | None, channel: list[str] | None,
            quiet_hours: str | None, excluded: bool | None) -> dict[str, Any]:
    given = {"name": name, "networks": network, "roles": role, "phone": phone, "email": email, "chat_id": chat,
             "language": language, "channel_order": channel, "quiet_hours": quiet_hours, "excluded": excluded}
    return {k: v for k, v in given.items() if v is not None}


def _validated(kind: type[T], data: dict[str, Any]) -> T:
    from pydantic import ValidationError

    try:
        return kind.model_validate(data)  # type: ignore[attr-defined]
    except ValidationError as exc:
        problems = [RowProblem(None, str(e["loc"][0]) if e["loc"] else "member", str(e["msg"]).removeprefix(
            "Value error, ")) for e in exc.errors()]
        _problems(RegistryError(problems))


def _print_record(rec: MemberRecord, as_json: bool) -> None:
    if as_json:
        out.print_json(rec.model_dump_json(exclude_none=True))
        return
    table = Table(show_header=False)
    for key, value in rec.model_dump(mode="json", exclude_none=True).items():
        if key == "consent":
            value = "; ".join(f"{c}: {'given' if v['given'] else 'withdrawn'} {v['at']} ({v['how']}, by {v['by']})"
                              for c, v in value.items()) or "none"
        elif isinstance(value, list):
            value = ", ".join(map(str, value))
        table.add_row(key, str(value))
    out.print(table)


def _run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def register(app: typer.Typer) -> None:
    """Add ``members`` and ``db`` to the ``binrelay`` app."""
    members = typer.Typer(help="The member registry: add, change, list, import, export, erase.", no_args_is_help=True)
    db = typer.Typer(help="The database of the registry (and the ledger).", no_args_is_help=True)
    app.add_typer(members, name="members")
    app.add_typer(db, name="db")

    @db.command("upgrade")
    def db_upgrade() -> None:
        """Bring the database (BINRELAY_DATABASE_URL) to the heads of every migration chain."""
        async def nothing(_: Registry) -> None:
            return None

        with_registry(nothing)
        typer.echo("database at its heads")

    @db.command("current")
    def db_current() -> None:
        """The revisions the database is at, and the heads."""
        from binrelay_shared.db import database_url
        from binrelay_shared.db.migrate import current

        at, heads = asyncio.run(current(database_url(Settings())))
        typer.echo(f"at:    {', '.join(sorted(at)) or 'nothing'}\nheads: {', '.join(sorted(heads))}")

    retention = typer.Typer(help="How long every store keeps what it holds.", no_args_is_help=True)
    app.add_typer(retention, name="retention")

    @retention.command("show")
    def retention_show() -> None:
        """Every store, what it keeps, for how long, and the setting that says so."""
        from binrelay_shared.retention import stores

        table = Table("store", "keeps", "how long", "setting", title="retention (docs: README, 'Retention')")
        for s in stores():
            table.add_row(s.store, s.keeps, s.how_long, s.setting)
        out.print(table)

    @retention.command("apply")
    def retention_apply() -> None:
        """Enforce what is not enforced by a TTL: the registry's history and the ledger's rows older
        than their retention go."""
        from binrelay_shared.events import utcnow
        from binrelay_shared.ledger.store import purge
        from binrelay_shared.retention import Retention

        retention = Retention()
        keep = retention.registry_history
        now = utcnow()

        async def work(r: Registry) -> tuple[int, dict[str, int]]:
            return await r.purge_history(now - keep), await purge(r.engine, retention.ledger_cutoff(now))

        n, ledger = with_registry(work)
        typer.echo(f"registry history: {n} change(s) older than {keep.days} days removed; ledger: "
                   f"{sum(ledger.values())} row(s) older than {retention.ledger_years} years removed "
                   f"({', '.join(f'{t} {c}' for t, c in ledger.items())}); Kafka topics: "
                   "retention.ms set by `binrelay topics create`; Redis: TTLs set when written")

    @members.command("seed")
    def seed() -> None:
        """Import BINRELAY_MEMBERS_FILE once: if the registry never imported a members file (make up)."""
        settings = Settings()

        async def work(r: Registry) -> tuple[int, str | None]:
            return await r.count(), await r.meta("seeded_from")

        n, seeded = with_registry(work, settings)  # open_registry seeds it
        typer.echo(f"registry: {n} member(s); members file imported: {seeded or 'no (none found)'}")

    @members.command("add")
    def add(
        member_id: Annotated[str, typer.Argument(help="Member id, e.g. zavel-member-12")],
        network: Annotated[list[str] | None, typer.Option("--network", "-n", help="Network (repeatable)")] = None,
        role: Annotated[list[str] | None, typer.Option(
            help="coordinator, steering_group or officer (repeatable)")] = None,
        name: Annotated[str | None, typer.Option()] = None,
        phone: Annotated[str | None, typer.Option(
            help="E.164, e.g. +32470123456 (a national number is Belgian)")] = None,
        email: Annotated[str | None, typer.Option()] = None,
        chat: Annotated[str | None, typer.Option(help="Matrix id, @name:server")] = None,
        language: Annotated[str | None, typer.Option(help="nl, fr, en or de (default nl)")] = None,
        channel: Annotated[list[str] | None, typer.Option(help="Channels in order of preference (repeatable)")] = None,
        quiet_hours: Annotated[str | None, typer.Option(help="Own quiet hours, e.g. 23:00-06:30")] = None,
        consent: Annotated[list[str] | None, typer.Option(help="Channel the member consented to (repeatable)")] = None,
        consent_how: Annotated[str, typer.Option(help="How consent was given, e.g. form, email")] = "form",
        consent_at: Annotated[str | None, typer.Option(help="When (ISO 8601 with offset; default now)")] = None,
        excluded: Annotated[bool, typer.Option(help="Excluded from the network (kept, never sent to)")] = False,
        by: BY = "operator",
    ) -> None:
        """Add a member. Nothing is sent to them on a channel without --consent on it."""
        data = {"id": member_id, **_fields(name, network, role, phone, email, chat, language, channel, quiet_hours,
                                           excluded)}
        given = _consent(consent, consent_how, by, consent_at)
        if given:
            data["consent"] = given
        rec = _validated(MemberRecord, data)

        async def work(r: Registry) -> Change:
            return await r.add(rec, by)

        change = with_registry(work)
        announce([change])
        typer.echo(f"added {member_id}")

    @members.command("update")
    def update(
        member_id: Annotated[str, typer.Argument(help="Member id")],
        network: Annotated[list[str] | None, typer.Option("--network", "-n", help="Networks (replace)")] = None,
        role: Annotated[list[str] | None, typer.Option(help="Roles (replace)")] = None,
        name: Annotated[str | None, typer.Option()] = None,
        phone: Annotated[str | None, typer.Option()] = None,
        email: Annotated[str | None, typer.Option()] = None,
        chat: Annotated[str | None, typer.Option()] = None,
        language: Annotated[str | None, typer.Option()] = None,
        channel: Annotated[list[str] | None, typer.Option(help="Channels in order of preference (replace)")] = None,
        quiet_hours: Annotated[str | None, typer.Option()] = None,
        consent: Annotated[list[str] | None, typer.Option(help="Channel consent is given on (repeatable)")] = None,
        withdraw: Annotated[list[str] | None, typer.Option(help="Channel consent is withdrawn on (repeatable)")] = None,
        consent_how: Annotated[str, typer.Option()] = "form",
        consent_at: Annotated[str | None, typer.Option()] = None,
        excluded: Annotated[bool | None, typer.Option("--excluded/--included")] = None,
        clear: Annotated[list[str] | None, typer.Option(
            help="Field to empty: name, phone, email, chat_id, quiet_hours")] = None,
        by: BY = "operator",
    ) -> None:
        """Change what is given; the rest stays."""
        fields = _validated(MemberFields, _fields(name, network, role, phone, email, chat, language, channel,
                                                  quiet_hours, excluded))
        unset = set(clear or ())
        bad = unset - {"name", "phone", "email", "chat_id", "quiet_hours"}
        if bad:
            _fail(f"--clear {', '.join(sorted(bad))}: cannot be emptied",
                  "clear name, phone, email, chat_id or quiet_hours")

        async def work(r: Registry) -> Change:
            old = await r.get(member_id)
            new = _validated_change(old, fields, unset, consent, withdraw, consent_how, by, consent_at)
            return (await r.update(new, by))[1]

        announce([with_registry(work)])
        typer.echo(f"updated {member_id}")

    def _validated_change(old: MemberRecord, fields: MemberFields, unset: set[str], consent: list[str] | None,
                          withdraw: list[str] | None, how: str, by: str, at: str | None) -> MemberRecord:
        from pydantic import ValidationError

        try:
            new = old.with_fields(fields, unset=unset)
            if consent or withdraw:
                given: dict[str, dict[str, Any]] = {c: v.model_dump(mode="json") for c, v in new.consent.items()}
                given.update(_consent(consent, how, by, at) or {})
                for c, v in (_consent(withdraw, how, by, at) or {}).items():
                    given[c] = {**v, "given": False}
                new = MemberRecord.model_validate({**new.model_dump(mode="json", exclude_none=True), "consent": given})
            return new
        except ValidationError as exc:
            raise RegistryError([RowProblem(None, str(e["loc"][0]) if e["loc"] else "member", str(e["msg"])
                                            .removeprefix("Value error, ")) for e in exc.errors()]) from None

    @members.command("remove")
    def remove(member_id: Annotated[str, typer.Argument(help="Member id")], by: BY = "operator") -> None:
        """Remove a member from the registry (their history keeps field names only; see also erase)."""
        async def work(r: Registry) -> Change:
            return (await r.remove(member_id, by))[1]

        announce([with_registry(work)])
        typer.echo(f"removed {member_id}")

    @members.command("list")
    def list_(
        network: Annotated[list[str] | None, typer.Option(
            "--network", "-n", help="Only members of (repeatable)")] = None,
        as_json: Annotated[bool, typer.Option("--json")] = False,
    ) -> None:
        """Members: id, networks, roles, language, channels and consent (no addresses: `show` has them)."""
        async def work(r: Registry) -> list[MemberRecord]:
            return await r.all(network)

        recs = with_registry(work)
        if as_json:
            typer.echo(json.dumps([{"id": m.id, "networks": m.networks, "roles": [x.value for x in m.roles],
                                    "language": m.language, "channel_order": m.channel_order,
                                    "consent": sorted(c for c, v in m.consent.items() if v.given),
                                    "excluded": m.excluded} for m in recs], indent=2))
            return
        table = Table("id", "networks", "roles", "lang", "channels", "consent", "excluded",
                      title=f"{len(recs)} member(s)")
        for m in recs:
            table.add_row(m.id, ", ".join(m.networks), ", ".join(x.value for x in m.roles), m.language,
                          ", ".join(m.channel_order), ", ".join(sorted(c for c, v in m.consent.items() if v.given)),
                          "yes" if m.excluded else "")
        out.print(table)

    @members.command("show")
    def show(member_id: Annotated[str, typer.Argument(help="Member id")],
             as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
        """Everything the registry holds about one member."""
        async def work(r: Registry) -> MemberRecord:
            return await r.get(member_id)

        _print_record(with_registry(work), as_json)

    @members.command("import")
    def import_(
        file: Annotated[Path, typer.Argument(help="CSV, JSON or YAML (the members file) of members")],
        fmt: Annotated[str | None, typer.Option("--format", help="csv, json or yaml (default: its suffix)")] = None,
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Check every row, import nothing")] = False,
        by: BY = "operator",
    ) -> None:
        """Import members (added, or replaced by id): every row or none; each bad row named with field and reason."""
        from .files import format_of, import_text

        try:
            text = file.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            _fail(f"{file} cannot be read ({exc})", "give a readable UTF-8 file")
        try:
            kind = format_of(file, fmt)
        except RegistryError as exc:
            _problems(exc)

        async def work(r: Registry) -> tuple[list[Change], int]:
            return await import_text(r, text, kind, source=file.name, by=by, dry_run=dry_run)

        changes, n = with_registry(work)
        if dry_run:
            typer.echo(f"dry run: {n} member(s) read, no problem found; nothing imported")
            return
        announce(changes)
        added = sum(c.change == "added" for c in changes)
        typer.echo(f"imported {n} member(s): {added} added, {len(changes) - added} changed, "
                   f"{n - len(changes)} unchanged")

    @members.command("export")
    def export(
        member_id: Annotated[str | None, typer.Argument(
            help="One member: everything held about them, with the messages sent to them (access request)")] = None,
        network: Annotated[list[str] | None, typer.Option(
            "--network", "-n", help="Only members of (repeatable)")] = None,
        fmt: Annotated[str, typer.Option("--format", help="csv, json or yaml (the registry)")] = "json",
        out_file: Annotated[Path | None, typer.Option("--out", help="Write here (default: stdout)")] = None,
    ) -> None:
        """The registry (or one member's data, for their access request) as CSV, JSON or YAML."""
        from .files import format_of, write_records

        if member_id is not None:
            from .gdpr import access_report_or_fail

            text = json.dumps(access_report_or_fail(member_id), indent=2, ensure_ascii=False) + "\n"
        else:
            try:
                kind = format_of(Path("x"), fmt)
            except RegistryError as exc:
                _problems(exc)

            async def work(r: Registry) -> list[MemberRecord]:
                return await r.all(network)

            text = write_records(with_registry(work), kind)
        if out_file is None:
            sys.stdout.write(text)
        else:
            out_file.write_text(text, "utf-8")
            out_file.chmod(0o600)  # personal data
            err.print(f"written to {out_file} (mode 0600: it holds personal data)", highlight=False)

    @members.command("erase")
    def erase(member_id: Annotated[str, typer.Argument(help="Member id")], by: BY = "operator") -> None:
        """Erase a member everywhere (registry, caches, Redis, pending jobs and timers); print the receipt."""
        from .gdpr import erase_or_fail

        receipt = erase_or_fail(member_id, by)
        out.print_json(json.dumps(receipt))
