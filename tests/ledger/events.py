"""Events for the ledger's tests: a dispatch record, a delivery outcome, a response (fictitious ids)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from binrelay_shared.events import (
    Audience,
    Category,
    Channel,
    Classification,
    DeliveryOutcome,
    Dispatch,
    Kind,
    Origin,
    Outcome,
    Purpose,
    Rendering,
    Reporter,
    Response,
    ResponseKind,
    Stamps,
    Urgency,
)

NETWORK = "zavel"
ZONE = "5339"
#: A report text and reporter the ledger must never keep (the tests look for them).
SECRET_TEXT = "Verdachte man bij Grote Zavel 12, gsm 0470 12 34 56"
SECRET_PHONE = "+32470123456"


def dispatch(report_id: str, at: datetime, *, urgency: Urgency = Urgency.non_urgent,
             category: Category = Category.burglary, kind: Kind = Kind.report, origin: Origin = Origin.member,
             held: str | None = None, refers_to: str | None = None, network: str | None = NETWORK,
             dispatched: datetime | None = None) -> Dispatch:
    return Dispatch(
        report_id=report_id, network_id=network, zone_id=ZONE, trace_id=f"trace-{report_id}",
        stamps=Stamps(received=at, dispatched=dispatched or at),
        origin=origin, kind=kind,
        classification=Classification(urgency=urgency, category=category, language="nl", confidence=0.9),
        rendering=Rendering(audience=Audience.police, text=SECRET_TEXT,
                            reporter=Reporter(ref=SECRET_PHONE, contact=SECRET_PHONE, name="Jan Fictief")),
        held=held, refers_to=refers_to,
    )


def delivery_id(report_id: str, recipient: str, channel: Channel) -> str:
    """As the dispatcher makes it: a digest (a delivery id names no member)."""
    return hashlib.sha256(f"{report_id}:{recipient}:{channel.value}".encode()).hexdigest()[:32]


def outcome(report_id: str, received: datetime, at: datetime, *, recipient: str = "zavel-coord-1",
            channel: Channel = Channel.sms, result: Outcome = Outcome.delivered, audience: str = "coordinators",
            purpose: Purpose = "message", refers_to: str | None = None, attempts: int = 1,
            dispatched: datetime | None = None, network: str | None = NETWORK) -> DeliveryOutcome:
    return DeliveryOutcome(
        report_id=report_id, network_id=network, zone_id=ZONE, trace_id=f"trace-{report_id}",
        stamps=Stamps(received=received, dispatched=dispatched or received),
        delivery_id=delivery_id(report_id, recipient, channel), audience=audience, recipient_id=recipient,
        channel=channel, outcome=result, attempts=attempts, at=at, purpose=purpose, refers_to=refers_to,
    )


def response(report_id: str, at: datetime, kind: ResponseKind = ResponseKind.acknowledge, *,
             responder: str = "zavel-coord-1", via: Channel = Channel.sms, reason: str | None = None,
             network: str | None = NETWORK) -> Response:
    return Response(report_id=report_id, network_id=network, responder_id=responder, kind=kind, via=via, at=at,
                    reason=reason)
