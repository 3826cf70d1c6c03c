"""``binrelay acl apply|list`` and ``binrelay zones add|revoke|list``: who may do what on Kafka."""

from __future__ import annotations

import asyncio
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from . import acl
from .kafka_security import KafkaClientConfig, kafka_client_config
from .secrets import MissingSecret
from .settings import Settings

err = Console(stderr=True)


def _fail(message: str, fix: str) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}\n[bold]fix:[/] {fix}")
    raise typer.Exit(2)


def admin_or_fail(settings: Settings) -> KafkaClientConfig:
    from .zones import admin_config

    try:
        return admin_config(settings)
    except MissingSecret as exc:
        _fail(str(exc), "run `make up` (it generates the secrets), or set BINRELAY_SECRETS_DIR")


def auditor_or_fail(settings: Settings) -> KafkaClientConfig:
    """``binrelay audit`` connects as ``auditor`` (read-only; or BINRELAY_KAFKA_USER)."""
    try:
        return kafka_client_config(settings, acl.AUDITOR)
    except MissingSecret as exc:
        _fail(str(exc), "run `make up` (it generates the secrets), or set BINRELAY_SECRETS_DIR")


def operator_or_fail(settings: Settings) -> KafkaClientConfig:
    """The CLI's dead-letter and approval commands connect as ``operator`` (or BINRELAY_KAFKA_USER)."""
    try:
        return kafka_client_config(settings, acl.OPERATOR)
    except MissingSecret as exc:
        _fail(str(exc), "run `make up` (it generates the secrets), or set BINRELAY_SECRETS_DIR")


def _admin_call(what: str, settings: Settings, fn):  # type: ignore[no-untyped-def]
    from confluent_kafka import KafkaException

    try:
        return fn()
    except KafkaException as exc:
        _fail(f"{what} failed: {exc.args[0] if exc.args else exc}",
              f"is Kafka up at {settings.kafka} (make up), and is kafka/admin in {settings.secrets_dir} its password?")
    except MissingSecret as exc:
        _fail(str(exc), "run `make up` (it generates the secrets), or set BINRELAY_SECRETS_DIR")


def apply_acls(settings: Settings) -> None:
    from .zones import apply_table

    admin_or_fail(settings)
    done = _admin_call("applying the ACLs", settings, lambda: apply_table(settings))
    added = sum(a for _, a, _ in done)
    removed = sum(r for _, _, r in done)
    typer.echo(f"ACLs of {len(done)} principal(s) applied: {added} added, {removed} removed")


def register(app: typer.Typer) -> None:
    acl_app = typer.Typer(help="Kafka ACLs: one principal per service, least privilege.", no_args_is_help=True)
    zones_app = typer.Typer(help="Police zones: Kafka tenants reading only their dispatch topic.",
                            no_args_is_help=True)
    app.add_typer(acl_app, name="acl")
    app.add_typer(zones_app, name="zones")

    @acl_app.command("list")
    def acl_list() -> None:
        """Print the ACL table (binrelay_shared.acl.TABLE): every principal and what it may do."""
        typer.echo(acl.table_text())
        typer.echo("zone-<id>: police zone (binrelay zones add <id>)")
        typer.echo("\n".join(f"    {g}" for g in acl.zone("ID").grants).replace("ID", "<id>"))

    @acl_app.command("apply")
    def acl_apply() -> None:
        """Make the broker's ACLs and service credentials match the table (idempotent)."""
        apply_acls(Settings())

    @zones_app.command("add")
    def zones_add(zone_id: Annotated[str, typer.Argument(help="Police zone id, e.g. 5339")]) -> None:
        """Create the zone's principal, credential and ACLs; write its client configs (0600)."""
        from .zones import add

        settings = Settings()
        try:
            acl.zone(zone_id)
        except ValueError as exc:
            _fail(str(exc), "binrelay zones add 5339")
        admin_or_fail(settings)
        bundle = _admin_call(f"adding zone {zone_id}", settings, lambda: asyncio.run(add(settings, zone_id)))
        typer.echo(f"zone {zone_id}: principal {bundle.principal}, READ on {bundle.topic} and consumer groups "
                   f"{bundle.group_prefix}* only")
        files = bundle.files
        typer.echo(f"  kcat         kcat -F {files['kcat.conf']} -t {bundle.topic} -C -o beginning -e")
        typer.echo(f"  Python       python {files['consume.py']}   (aiokafka)")
        typer.echo(f"  Java         {files['client.properties']}")
        typer.echo(f"  CA           {files['ca.pem']}")
        typer.echo("  (the password is in these files, mode 0600: hand them over as a secret)")

    @zones_app.command("revoke")
    def zones_revoke(zone_id: Annotated[str, typer.Argument(help="Police zone id")]) -> None:
        """Remove the zone's credential and ACLs (its topic stays)."""
        from .zones import revoke

        settings = Settings()
        admin_or_fail(settings)
        had, removed = _admin_call(f"revoking zone {zone_id}", settings, lambda: revoke(settings, zone_id))
        typer.echo(f"zone {zone_id}: credential {'removed' if had else 'was not there'}, {removed} ACL(s) removed")

    @zones_app.command("list")
    def zones_list() -> None:
        """Zones that hold ACLs on the broker."""
        settings = Settings()
        admin = _admin_call("connecting", settings, lambda: acl.Admin(admin_or_fail(settings).librdkafka()))
        for z in _admin_call("listing zones", settings, admin.zones):
            typer.echo(z)
