"""Commands this package adds to ``binrelay``: ``keys create|list|revoke`` and ``openapi``."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

T = TypeVar("T")
err = Console(stderr=True)


def _fail(message: str, fix: str) -> None:
    err.print(f"[bold red]error:[/] {message}\n[bold]fix:[/] {fix}")
    raise typer.Exit(2)


def openapi_document() -> dict[str, Any]:
    """The ingest API's OpenAPI document, from the code alone.

    Building it connects to nothing and reads no secret or environment variable: the settings are
    the defaults, with plaintext Kafka and a placeholder Redis password and key MAC (the app's
    clients are made but never used), so `binrelay openapi` works without `make up`'s secrets."""
    from pydantic import SecretStr

    from binrelay_shared.settings import Settings

    from .app import create_app

    placeholder = SecretStr("document-only")
    settings = Settings.model_construct(kafka_security="plaintext", redis_password=placeholder, api_key_mac=placeholder)
    return create_app(settings, networks={}).openapi()


def openapi_text() -> str:
    """The OpenAPI document as committed in docs/openapi.json (stable key order, newline)."""
    return json.dumps(openapi_document(), indent=2, ensure_ascii=False) + "\n"


#: The Redis ACL user of the operator's commands (binrelay_shared.redis_acl).
OPERATOR = "operator"


def _with_redis(work: Callable[[Any], Awaitable[T]]) -> T:
    """Run ``work`` with a Redis client of the operator's user; exit 2 with the fix when Redis
    cannot be reached or refuses the credentials (no credential is made without them)."""
    from binrelay_shared.redis_auth import RedisProblem, as_user
    from binrelay_shared.settings import Settings

    try:
        return asyncio.run(as_user(Settings(), OPERATOR, work))
    except RedisProblem as exc:
        _fail(exc.message, exc.fix)
    raise AssertionError("unreachable: _fail exits")


def register(app: typer.Typer) -> None:
    """Add ``keys`` and ``openapi`` to the ``binrelay`` app."""
    keys_app = typer.Typer(
        help="Credentials of the ingest API (adapters, police zones, coordinators, operators).",
        no_args_is_help=True,
    )
    app.add_typer(keys_app, name="keys")

    @keys_app.command("create")
    def keys_create(
        role: Annotated[str, typer.Option(help="adapter | coordinator | police | operator")],
        zone: Annotated[str | None, typer.Option(help="Police zone (default: BINRELAY_ZONE_ID); '*' for any")] = None,
        network: Annotated[
            list[str] | None, typer.Option(help="Network id the key may post for (repeatable); default: all ('*')")
        ] = None,
        adapter: Annotated[str | None, typer.Option(help="Adapter name (sms-gateway, email, matrix, ...)")] = None,
        label: Annotated[str, typer.Option(help="Note for operators (no personal data)")] = "",
        rate: Annotated[int | None, typer.Option(help="Requests per second for this key (default: the limit)")] = None,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the key")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    ) -> None:
        """Create a credential. The key is printed ONCE: Redis keeps only its SHA-256."""
        from binrelay_shared.secrets import MissingSecret
        from binrelay_shared.settings import Settings

        from .keys import Role, api_key_mac, create_key

        if role not in Role.__members__:
            _fail(f"unknown role {role!r}", "use one of: adapter, coordinator, police, operator")
        if role == "coordinator" and not network:
            _fail("a coordinator key needs its networks", "add --network <id> (repeatable)")
        if network:
            from binrelay_shared.settings import networks_or_exit

            settings = Settings()
            known = networks_or_exit(settings)
            unknown = [n for n in network if n != "*" and known and n not in known]
            if unknown:
                _fail(
                    f"unknown network(s): {', '.join(unknown)}",
                    f"use ids from {settings.networks_dir}/*.yaml: {', '.join(sorted(known))}",
                )
        zone_id = zone or Settings().zone_id
        try:
            mac_key = api_key_mac(Settings())
        except MissingSecret as exc:
            _fail(str(exc), "run `make up` (it writes the secrets) or set BINRELAY_API_KEY_MAC_FILE")
        key, record = _with_redis(
            lambda r: create_key(
                r, mac_key=mac_key, role=role, zone=zone_id, networks=network or None, adapter=adapter, label=label,
                rate=rate,
            )
        )  # fmt: skip
        if quiet:
            typer.echo(key)
        elif as_json:
            typer.echo(json.dumps({"key": key, "id": record.id, "role": record.role.value, "zone": record.zone,
                                   "networks": list(record.networks or ["*"]), "adapter": record.adapter}))  # fmt: skip
        else:
            typer.echo(f"key {record.id} created ({record.role.value}, zone {record.zone}, networks "
                       f"{','.join(record.networks or ['*'])}, adapter {record.adapter}).")  # fmt: skip
            typer.echo("Keep it secret; it is shown only now:")
            typer.echo(key)

    @keys_app.command("list")
    def keys_list(as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines")] = False) -> None:
        """Every credential (never the keys themselves)."""
        from .keys import list_keys

        records = _with_redis(list_keys)
        if as_json:
            for r in records:
                row = {"id": r.id, "role": r.role.value, "zone": r.zone, "networks": list(r.networks or ["*"]),
                       "adapter": r.adapter, "label": r.label, "rate": r.rate, "created": r.created,
                       "revoked": r.revoked or None}  # fmt: skip
                typer.echo(json.dumps(row))
            return
        table = Table(title="ingest credentials")
        for col in ("id", "role", "zone", "networks", "adapter", "label", "created", "revoked"):
            table.add_column(col, no_wrap=col in ("id", "role", "created"), overflow="fold")
        for r in records:
            table.add_row(r.id, r.role.value, r.zone, ",".join(r.networks or ["*"]), r.adapter, r.label, r.created,
                          r.revoked or "")  # fmt: skip
        console = Console()
        if not console.is_terminal:
            console = Console(width=160)
        console.print(table)

    @keys_app.command("revoke")
    def keys_revoke(key_id: Annotated[str, typer.Argument(help="The key's id (see `binrelay keys list`)")]) -> None:
        """Revoke a credential: refused from the next request on."""
        from .keys import revoke_key

        if not _with_redis(lambda r: revoke_key(r, key_id)):
            _fail(f"no key with id {key_id}", "see `binrelay keys list` for the ids")
        typer.echo(f"key {key_id} revoked")

    @app.command("openapi")
    def openapi_cmd(
        output: Annotated[Path | None, typer.Option(help="Write to this file (e.g. docs/openapi.json)")] = None,
        check: Annotated[bool, typer.Option("--check", help="Fail if --output is not current")] = False,
    ) -> None:
        """Print (or write, or check) the ingest API's OpenAPI document."""
        text = openapi_text()
        if output is None:
            sys.stdout.write(text)
            return
        if check:
            current = output.read_text(encoding="utf-8") if output.exists() else ""
            if current != text:
                _fail(f"{output} is not current", f"run: binrelay openapi --output {output}")
            typer.echo(f"{output} is current")
            return
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}")
