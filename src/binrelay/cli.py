"""``binrelay``: the operators' and coordinators' command line.

Each service package contributes its own commands through a ``register(app)`` function in its
``cli`` module, so the command line grows with the services without one file owning them all.
``plan explain`` is defined here: it runs ingest's, the classifier's, the privacy filter's and the
dispatcher's code together, and only this top-level package may import every service.
"""

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

from binrelay_classifier import cli as classifier_cli
from binrelay_dispatcher import cli as dispatcher_cli
from binrelay_dispatcher.cli import fail, read_members
from binrelay_ingest import cli as ingest_cli
from binrelay_privacy import cli as privacy_cli
from binrelay_shared import cli as shared_cli
from binrelay_shared.members import cli as members_cli

from . import ledger_cli

app = typer.Typer(
    name="binrelay",
    help="BIN Relay: message router for neighbourhood information networks (BIN / PLP / BIN-Z).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (shared_cli, members_cli, ingest_cli, classifier_cli, privacy_cli, dispatcher_cli, ledger_cli):
    module.register(app)


def _group(name: str) -> typer.Typer:
    """The sub-command group ``name`` a package registered (``plan`` comes from the dispatcher)."""
    for group in app.registered_groups:
        if group.name == name and group.typer_instance is not None:
            return group.typer_instance
    raise LookupError(f"no command group {name!r} registered")


plan_app = _group("plan")


@plan_app.command("explain")
def plan_explain(
    network: Annotated[str, typer.Option("--network", help="Network id (e.g. zavel)")],
    report: Annotated[str, typer.Option("--report", help="JSON body file as posted to ingest, or - for stdin")],
    at: Annotated[str | None, typer.Option(
        "--at", help="When it is received (ISO 8601; without offset: Brussels time). Default: now")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the deliveries as a JSON list")] = False,
    author: Annotated[str, typer.Option(
        "--as", help="Who posts a message (POST /v1/messages): police or coordinator")] = "police",
    reporter_of: Annotated[str | None, typer.Option(
        "--reporter-of", help="For a message that refers_to a report: who posted that report, as the "
        "dispatcher keeps it — MEMBER_ID[:CHANNEL[:LANGUAGE]] (the channel it came in, default sms)")] = None,
    networks_dir: Annotated[Path | None, typer.Option(help="Default: BINRELAY_NETWORKS_DIR")] = None,
    members: Annotated[Path | None, typer.Option(help="Default: BINRELAY_MEMBERS_FILE")] = None,
) -> None:
    """What would happen to this report or message: to whom, on which channel, when, held or not."""
    from binrelay_shared.events import utcnow
    from binrelay_shared.network import PlanError, load_network
    from binrelay_shared.settings import Settings

    from .explain import (
        BodyError,
        as_rows,
        explain,
        policy_note,
        referred_reporter,
        report_from_body,
        reporter_note,
        skipped_counts,
    )

    members_file = read_members(members, required=True)
    directory = networks_dir or Settings().networks_dir
    path = directory / f"{network}.yaml"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in directory.glob("*.yaml"))) or "none"
        fail(f"no plan for network {network!r} in {directory}", f"use one of: {known}")
    try:
        net = load_network(path, members_file)  # type: ignore[arg-type]
    except PlanError as exc:
        for p in exc.problems:
            typer.echo(str(p), err=True)
        raise typer.Exit(1) from None
    try:
        raw = sys.stdin.read() if report == "-" else Path(report).read_text("utf-8")
    except OSError as exc:
        fail(f"cannot read {report}: {exc.strerror}", "pass a JSON file, or - to read stdin")
    try:
        body = json.loads(raw)
    except json.JSONDecodeError as exc:
        fail(f"{report} is not JSON (line {exc.lineno}: {exc.msg})",
              "pass the JSON body of POST /v1/reports or POST /v1/messages")
    try:
        if author not in ("police", "coordinator"):
            fail(f"--as {author!r}", "use --as police or --as coordinator")
        rep, _hint = report_from_body(body, author)
    except BodyError as exc:
        fail(f"{report}: {exc}", "pass the JSON body exactly as posted to ingest")
    when = utcnow()
    if at:
        try:
            when = datetime.fromisoformat(at)
        except ValueError:
            fail(f"--at {at!r} is not an ISO 8601 time", "write e.g. 2026-03-01T23:30 or 2026-03-01T22:30+00:00")
        if when.tzinfo is None:
            when = when.replace(tzinfo=ZoneInfo("Europe/Brussels"))
    referred = referred_reporter(rep, reporter_of)
    if referred is not None and referred.member_id not in net.members:
        fail(f"--reporter-of {reporter_of!r}: no member {referred.member_id!r} in the members file",
             "give the member id of the person who posted the report the message refers to")
    ex = explain(net, rep, when, referred)
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
              f"{'' if cls.computed else ' (placeholder classifier: not computed)'}", highlight=False, markup=False)
    out.print(f"privacy (this network's policy): {net.file.privacy.describe()}", highlight=False, soft_wrap=True)
    out.print(f"routes: {', '.join(ex.decision.routes)} · report held: {ex.decision.held or 'no'}",
              highlight=False)
    for note in (policy_note(ex), reporter_note(ex)):
        if note:
            out.print(note, highlight=False, soft_wrap=True, markup=False)
    table = Table(title="deliveries (nothing is sent)")
    for col in ("route", "audience", "channel", "lang", "recipients", "send at (Brussels)", "held", "why"):
        table.add_column(col)
    for r in rows:
        send_at = (datetime.fromisoformat(r["send_at"]).astimezone(ZoneInfo("Europe/Brussels"))
                   .strftime("%Y-%m-%d %H:%M") if r["send_at"] else "now")
        if r["held"] in ("policy", "approval"):
            send_at = "not sent" if r["held"] == "policy" else "on approval"
        why = r["why"] + (f" — {r['condition']}" if r["condition"] else "")
        table.add_row(r["route"], r["audience"], r["channel"], r["language"] or "-", str(r["recipients"]),
                      send_at, r["held"] or "-", why)
    out.print(table)
    for (audience, reason), count in sorted(skipped_counts(ex).items()):
        out.print(f"skipped: {count} of {audience} ({reason.replace('_', ' ')})", highlight=False)


@app.command("audit")
def audit_command(
    since: Annotated[str, typer.Option(
        help="Reports accepted since: ISO time (UTC unless it says) or 30m, 2h, 7d ago")],
    sms_gateway: Annotated[str | None, typer.Option(
        help="Count at the wire: the loopback SMS gateway's URL (its /_control/requests)")] = None,
    maildir: Annotated[Path | None, typer.Option(
        help="Count at the wire: the loopback SMTP sink's --maildir folder")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON")] = False,
    show: Annotated[int, typer.Option(help="List at most this many ids per problem")] = 10,
) -> None:
    """Every report accepted since a time: dispatched once, each delivery settled, none sent twice.

    Reads the received topic, every zone's dispatch topic (read_committed, as a zone reads it),
    the outboxes and the outcomes as the read-only ``auditor`` principal; exits 1 when a report or
    a delivery is lost or doubled."""
    from binrelay_shared import audit
    from binrelay_shared.cli import _kafka_call, _since
    from binrelay_shared.events import utcnow
    from binrelay_shared.security_cli import auditor_or_fail
    from binrelay_shared.settings import Settings

    from . import wire

    settings = Settings()
    since_at = _since(since)
    assert since_at is not None
    records = _kafka_call(settings, audit.read_records(auditor_or_fail(settings), since_at))
    try:
        if sms_gateway:
            wire.add_sms_gateway(records, sms_gateway)
        if maildir:
            wire.add_maildir(records, maildir)
    except wire.WireError as exc:
        fail(str(exc), "give the loopback server's address (make up: --sms-gateway http://127.0.0.1:8025, "
                       "--maildir .run/mail), or leave the option out")
    result = audit.account(records, since_at, utcnow())
    if as_json:
        typer.echo(json.dumps(result.summary(), indent=2))
    else:
        _print_audit(result, show)
    raise typer.Exit(0 if result.ok else 1)


def _print_audit(result: object, show: int) -> None:
    from binrelay_shared.audit import Audit

    assert isinstance(result, Audit)
    s = result.summary()
    table = Table(title=f"audit of reports accepted since {result.since:%Y-%m-%d %H:%M:%S} UTC")
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_column("verdict")
    wire_note = ", ".join(s["wire_checked"]) or "not counted (--sms-gateway, --maildir)"
    rows = [
        ("reports accepted (received topic)", s["accepted"], ""),
        ("dispatched exactly once on the zone topic", s["dispatched_once"], ""),
        ("dispatched more than once (read_committed)", s["zone_duplicates"],
         "DOUBLED" if s["zone_duplicates"] else "ok"),
        ("dead-lettered (with a reason)", s["dead_lettered"], "accounted" if s["dead_lettered"] else "ok"),
        ("not dispatched, no dead letter", s["not_dispatched"], "LOST" if s["not_dispatched"] else "ok"),
        ("deliveries planned (outbox jobs)", s["deliveries_planned"], ""),
        ("  delivered", s["delivered"], ""),
        ("  failed / fell back (with a reason)", s["failed"] + s["fell_back"] - s["failed_without_reason"], ""),
        ("  failed without a reason", s["failed_without_reason"], "LOST" if s["failed_without_reason"] else "ok"),
        ("  duplicate job, not sent again", s["duplicate_not_sent"], ""),
        ("  due later (send_at)", s["scheduled"], ""),
        ("  no outcome", s["deliveries_lost"], "LOST" if s["deliveries_lost"] else "ok"),
        (f"sent twice at the wire ({wire_note})", s["sent_twice"], "DOUBLED" if s["sent_twice"] else "ok"),
        ("  repeated, deduplicated by the provider's key", s["wire_repeats_deduplicated"], ""),
        ("  delivered, never seen at the wire", s["delivered_not_at_wire"],
         "LOST" if s["delivered_not_at_wire"] else "ok"),
    ]
    for what, count, verdict in rows:
        table.add_row(what, str(count), verdict)
    out = Console(width=140)
    out.print(table)
    if s["failed_reasons"]:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(s["failed_reasons"].items()))
        out.print(f"failed/fell back, by reason: {reasons}", highlight=False, markup=False)
    for label, ids in (("not dispatched", result.not_dispatched), ("dispatched twice", list(result.zone_duplicates)),
                       ("deliveries without outcome", result.deliveries_lost),
                       ("sent twice (idempotency keys)", list(result.sent_twice)),
                       ("delivered, not at the wire", result.delivered_not_at_wire)):
        if ids and show:
            out.print(f"{label}: {', '.join(ids[:show])}{' …' if len(ids) > show else ''}", highlight=False,
                      markup=False)
    out.print("OK: nothing lost, nothing doubled" if result.ok else "NOT OK: something was lost or doubled",
              style="bold green" if result.ok else "bold red")



def main() -> None:
    """Entry point of the ``binrelay`` script."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
