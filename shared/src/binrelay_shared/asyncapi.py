"""The AsyncAPI 3 document of BIN Relay's topics, built from the shared event models."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from . import topics
from .events import (
    DeadLetter,
    DeliveryJob,
    DeliveryOutcome,
    Dispatch,
    MemberChanged,
    ReportClassified,
    ReportCleared,
    ReportReceived,
    Response,
)

CHANNELS: list[tuple[str, str, type[BaseModel], str]] = [
    ("reportsReceived", topics.REPORTS_RECEIVED, ReportReceived, "Reports accepted by ingest (raw, personal data)"),
    ("reportsClassified", topics.REPORTS_CLASSIFIED, ReportClassified, "Reports with their classification"),
    ("reportsCleared", topics.REPORTS_CLEARED, ReportCleared, "Reports with one rendering per audience"),
    ("reportsReceivedUrgent", topics.URGENT_LANE[topics.REPORTS_RECEIVED], ReportReceived,
     "Urgent lane of reportsReceived: reports ingest's pre-check took for urgent, and police alarms"),
    ("reportsClassifiedUrgent", topics.URGENT_LANE[topics.REPORTS_CLASSIFIED], ReportClassified,
     "Urgent lane of reportsClassified: reports classified urgent, pre-checked urgent, or alarms"),
    ("reportsClearedUrgent", topics.URGENT_LANE[topics.REPORTS_CLEARED], ReportCleared,
     "Urgent lane of reportsCleared"),
    ("dispatch", topics.dispatch("{zone}"), Dispatch, "Police-zone feed: the police rendering"),
    ("outbox", topics.outbox("{channel}"), DeliveryJob, "Delivery jobs per channel"),
    ("outboxUrgent", topics.outbox("{channel}", urgent=True), DeliveryJob,
     "Urgent lane of outbox: the delivery jobs of urgent reports and alarms (urgent: true)"),
    ("deliveries", topics.DELIVERIES, DeliveryOutcome, "Outcome of every delivery (no personal data)"),
    ("responses", topics.RESPONSES, Response, "Acknowledgements and approval decisions of coordinators"),
    ("deadLetters", topics.DLQ, DeadLetter, "Messages a stage could not process, with the reason"),
    ("membersChanged", topics.MEMBERS_CHANGED, MemberChanged,
     "A member added, changed, removed or erased in the registry (member id and networks only; key: member id)"),
]


def document() -> dict[str, Any]:
    """AsyncAPI 3.0 document: channels, messages and JSON Schemas of the payloads."""
    channels: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for cid, address, model, description in CHANNELS:
        name = model.__name__
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for def_name, definition in schema.pop("$defs", {}).items():
            schemas[def_name] = definition
        schemas[name] = schema
        messages[name] = {
            "name": name,
            "contentType": "application/json",
            "payload": {"$ref": f"#/components/schemas/{name}"},
            "bindings": {"kafka": {"key": {"type": "string", "description": "network id"}}},
        }
        channel: dict[str, Any] = {
            "address": address,
            "description": description,
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
        }
        params = {p: {"description": f"{p} id"} for p in ("zone", "channel") if "{" + p + "}" in address}
        if params:
            channel["parameters"] = params
        channels[cid] = channel
        operations[f"receive_{cid}"] = {"action": "receive", "channel": {"$ref": f"#/channels/{cid}"}}
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "BIN Relay",
            "version": "1",
            "description": "Events of BIN Relay. Key = network id. JSON, UTF-8.",
        },
        "defaultContentType": "application/json",
        "servers": {"local": {"host": "127.0.0.1:9092", "protocol": "kafka"}},
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }
