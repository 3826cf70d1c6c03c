"""Helpers of the dispatcher tests: seed plans, members, and cleared reports built by hand."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from binrelay_shared.events import (
    Audience,
    Category,
    Channel,
    Classification,
    Flag,
    Kind,
    Location,
    Origin,
    Rendering,
    Report,
    ReportCleared,
    Reporter,
    Stamps,
    Urgency,
    new_id,
)
from binrelay_shared.network import Network, load_members, load_networks

REPO = Path(__file__).resolve().parents[2]
NETWORKS_DIR = REPO / "deploy" / "networks"
MEMBERS_FILE = REPO / "deploy" / "members.example.yaml"
HERE = Path(__file__).resolve().parent


def seed_networks() -> dict[str, Network]:
    return load_networks(NETWORKS_DIR, load_members(MEMBERS_FILE))


def cleared(
    network: str | None,
    at: datetime,
    *,
    origin: str = "member",
    kind: str = "report",
    urgency: str = "non_urgent",
    category: str = "other",
    flags: list[str] | tuple[str, ...] = (),
    reporter: str = "someone",
    text: str = "Verdachte persoon aan de etalage",
    street: str | None = "Lebeaustraat",
    refers_to: str | None = None,
    adapter_message_id: str | None = None,
    report_id: str | None = None,
    zone: str = "5339",
    channel: str = "http",
    reporter_language: str | None = None,
) -> ReportCleared:
    """A ReportCleared as the privacy filter would publish it, with the classification given."""
    report = Report(
        origin=Origin(origin),
        kind=Kind(kind),
        text=text,
        channel=Channel(channel),
        reporter=Reporter(ref=reporter, language=reporter_language),
        location=Location(street=street) if street else None,
        refers_to=refers_to,
        adapter_message_id=adapter_message_id,
    )
    cls = Classification(
        urgency=Urgency(urgency), category=Category(category), language="nl", confidence=0.9,
        flags=tuple(Flag(f) for f in flags),
    )
    renderings = {
        Audience.police: Rendering(audience=Audience.police, text=text, reporter=report.reporter),
        Audience.coordinator: Rendering(audience=Audience.coordinator, text=f"[coordinator] {text}"),
        Audience.group: Rendering(audience=Audience.group, text=f"[group] {text}"),
    }
    return ReportCleared(
        report_id=report_id or new_id(),
        network_id=network,
        zone_id=zone,
        trace_id=new_id(),
        stamps=Stamps(received=at, classified=at, cleared=at),
        report=report,
        classification=cls,
        renderings=renderings,
    )


def cleared_from_spec(network: str, at: datetime, spec: dict[str, Any]) -> ReportCleared:
    return cleared(network, at, **spec)
