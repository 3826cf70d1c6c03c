"""The events that travel between BIN Relay's services: one pydantic model per event.

Every event carries the same envelope (DESIGN §3): ``schema_version``, ``report_id``,
``network_id`` (``None`` when the location matched no network: the report then goes to the zone),
``zone_id``, ``trace_id`` and a timestamp per stage in ``stamps`` so end-to-end latency can be
measured anywhere downstream. Services import these models and never redefine them.

Topics that carry these events (see :mod:`binrelay_shared.topics`):

========================  ==========================  ==========================================
event                     topic                       contains personal data
========================  ==========================  ==========================================
ReportReceived            bin.reports.received.v1     yes (raw report, reporter contact)
ReportClassified          bin.reports.classified.v1   yes (raw report + classification)
ReportCleared             bin.reports.cleared.v1      yes (police rendering) + redacted renderings
Dispatch                  bin.dispatch.<zone>.v1      yes (police rendering, for the police zone)
DeliveryJob               bin.outbox.<channel>.v1     recipient address + audience rendering
DeliveryOutcome           bin.deliveries.v1           no (ids and outcome only)
DeadLetter                bin.dlq.v1                  maybe (raw bytes of what failed)
MemberChanged             bin.members.changed.v1      no (a member id and network ids only)
========================  ==========================  ==========================================
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from binrelay_shared.languages import Language
from binrelay_shared.pii import PiiKind

SCHEMA_VERSION = 1

#: The ``schema_version`` of an event: one this code knows (1 to :data:`SCHEMA_VERSION`). A record
#: of a newer version is refused (a stage dead-letters it as ``unknown_schema_version``), never
#: read as if it were this version.
SchemaVersion = Annotated[int, Field(ge=1, le=SCHEMA_VERSION)]


def utcnow() -> datetime:
    """Now, timezone-aware in UTC (every timestamp in an event is)."""
    return datetime.now(UTC)


def new_id() -> str:
    """A fresh opaque id (report ids, delivery ids, trace ids)."""
    return uuid.uuid4().hex


class Model(BaseModel):
    """Base of every event and event part: strict about unknown fields, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------


class Origin(StrEnum):
    """Who posted: a member of the network, a coordinator, or the police."""

    member = "member"
    coordinator = "coordinator"
    police = "police"


class Kind(StrEnum):
    """What was posted. Members post reports; police and coordinators post messages."""

    report = "report"
    alarm = "alarm"
    prevention = "prevention"
    feedback = "feedback"
    request_for_information = "request_for_information"
    closing = "closing"


class Channel(StrEnum):
    """A channel a report can arrive on or a delivery can go out over."""

    http = "http"
    sms = "sms"
    email = "email"
    chat = "chat"


class Urgency(StrEnum):
    urgent = "urgent"
    non_urgent = "non_urgent"


class Category(StrEnum):
    """The fixed category vocabulary (DESIGN §3), used by plans and evaluation."""

    suspicious_activity = "suspicious_activity"
    suspicious_vehicle = "suspicious_vehicle"
    burglary = "burglary"
    theft = "theft"
    robbery_or_violence = "robbery_or_violence"
    vandalism = "vandalism"
    fraud = "fraud"
    fire_or_hazard = "fire_or_hazard"
    missing_person = "missing_person"
    drugs = "drugs"
    other = "other"


class Flag(StrEnum):
    """Policy flags: a flagged report is held for the coordinator, never broadcast."""

    vigilante = "vigilante"
    political = "political"
    discriminatory = "discriminatory"
    personal_data = "personal_data"


class Audience(StrEnum):
    """Who a rendering or a delivery is for."""

    police = "police"
    coordinator = "coordinator"
    group = "group"




# ---------------------------------------------------------------------------------------------
# Parts
# ---------------------------------------------------------------------------------------------


class Stamps(Model):
    """When the report passed each stage (UTC). Missing stages have not happened yet."""

    received: datetime
    classified: datetime | None = None
    cleared: datetime | None = None
    dispatched: datetime | None = None


class Location(Model):
    """Where it happened: a street and number, or free text, as the reporter gave it."""

    street: Annotated[str, Field(max_length=200)] | None = None
    number: Annotated[str, Field(max_length=20)] | None = None
    text: Annotated[str, Field(max_length=500)] | None = None


class Reporter(Model):
    """Who posted. ``ref`` is the adapter's opaque reference (member id, phone, Matrix id, ...);
    ``contact`` is how to answer them. Both are personal data: police and coordinator only."""

    ref: Annotated[str, Field(min_length=1, max_length=200)]
    contact: Annotated[str, Field(max_length=200)] | None = None
    name: Annotated[str, Field(max_length=200)] | None = None
    language: Language | None = None


class Attachment(Model):
    """An attachment's metadata. The bytes live in the attachment store, referenced by ``ref``."""

    ref: Annotated[str, Field(min_length=1, max_length=500)]
    content_type: Annotated[str, Field(max_length=100)]
    size: Annotated[int, Field(ge=0)]
    filename: Annotated[str, Field(max_length=255)] | None = None


class Report(Model):
    """What was posted, as the ingest accepted it (the raw, complete content)."""

    origin: Origin = Origin.member
    kind: Kind = Kind.report
    text: Annotated[str, Field(min_length=1, max_length=5000)]
    channel: Channel = Channel.http
    adapter: Annotated[str, Field(max_length=100)] = "http"
    adapter_message_id: Annotated[str, Field(max_length=200)] | None = None
    reporter: Reporter
    location: Location | None = None
    attachments: tuple[Attachment, ...] = ()
    language_hint: Language | None = None
    refers_to: Annotated[str, Field(max_length=64)] | None = None
    """For a ``closing`` message: the report id of the alarm it closes."""


class Classification(Model):
    """The classifier's verdict. ``computed=False`` marks a verdict no classifier has made."""

    urgency: Urgency
    category: Category
    language: Language
    confidence: Annotated[float, Field(ge=0.0, le=1.0)]
    flags: tuple[Flag, ...] = ()
    signals: tuple[str, ...] = ()
    computed: bool = True


class Finding(Model):
    """One piece of personal data found in the text: its kind and span in the original text."""

    kind: PiiKind
    start: int
    end: int


class Rendering(Model):
    """The report as one audience may see it."""

    audience: Audience
    text: str
    attachments: tuple[Attachment, ...] = ()
    withheld_attachments: int = 0
    reporter: Reporter | None = None
    redacted: tuple[PiiKind, ...] = ()
    """Kinds redacted in this rendering (e.g. ``plate``, ``phone``); never the values."""


# ---------------------------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------------------------


#: A stage a report passes, as named in :class:`Stamps`.
StageName = Literal["classified", "cleared", "dispatched"]


class Envelope(Model):
    """The fields every event about a report carries: ids, network, zone, trace and stamps."""

    schema_version: SchemaVersion = SCHEMA_VERSION
    report_id: str
    network_id: str | None
    zone_id: str
    trace_id: str
    stamps: Stamps

    def envelope(self, stage: StageName | None = None, at: datetime | None = None) -> dict[str, Any]:
        """This report's envelope, as keyword arguments for the next event about it.

        The one place an envelope is copied from hop to hop: ``ReportCleared(**e.envelope("cleared",
        now), ...)``. ``stage`` stamps the report as having passed it at ``at`` (now by default).
        """
        stamps = self.stamps
        if stage is not None:
            stamps = stamps.model_copy(update={stage: at or utcnow()})
        return {
            "report_id": self.report_id,
            "network_id": self.network_id,
            "zone_id": self.zone_id,
            "trace_id": self.trace_id,
            "stamps": stamps,
        }


class ReportReceived(Envelope):
    """A report or message accepted by ingest. Topic ``bin.reports.received.v1``."""

    event: Literal["report.received"] = "report.received"
    report: Report
    possibly_urgent: bool = False
    """Ingest's quick pre-check (it answered the reporter with the 101/112 advice)."""


class ReportClassified(Envelope):
    """A report with its classification. Topic ``bin.reports.classified.v1``."""

    event: Literal["report.classified"] = "report.classified"
    report: Report
    classification: Classification


class ReportCleared(Envelope):
    """A classified report with one rendering per audience. Topic ``bin.reports.cleared.v1``.

    ``renderings`` always holds ``police`` (complete); the others are redacted.
    """

    event: Literal["report.cleared"] = "report.cleared"
    report: Report
    classification: Classification
    findings: tuple[Finding, ...] = ()
    renderings: dict[Audience, Rendering]
    computed: bool = True


class Dispatch(Envelope):
    """What a police zone receives on ``bin.dispatch.<zone>.v1``: the police rendering."""

    event: Literal["report.dispatched"] = "report.dispatched"
    origin: Origin
    kind: Kind
    classification: Classification
    rendering: Rendering
    location: Location | None = None
    held: str | None = None
    """What of the report is held for a human, or ``None``: ``policy`` — its broadcast (the group) is
    held for a policy flag, while the police, the officer and the coordinators got it as the plan
    says; ``approval`` — its deliveries wait for an approver."""
    routes: tuple[str, ...] = ()
    """Names of the plan's routes the report matched."""
    refers_to: Annotated[str, Field(max_length=64)] | None = None
    """For a police or coordinator message about an earlier report (a feedback, a closing): that
    report's id (the coordinator's log links the two)."""


#: Why a delivery is sent (:attr:`DeliveryJob.purpose`).
Purpose = Literal["message", "approval_request", "escalation"]


class ResponseKind(StrEnum):
    """What a coordinator or officer answered to a delivery."""

    acknowledge = "acknowledge"
    approve = "approve"
    reject = "reject"


class DeliveryJob(Envelope):
    """One message to one recipient over one channel. Topic ``bin.outbox.<channel>.v1``."""

    event: Literal["delivery.job"] = "delivery.job"
    delivery_id: str
    audience: str
    recipient_id: str
    channel: Channel
    address: str
    language: Language
    subject: str | None = None
    text: str
    send_at: datetime | None = None
    fallback: tuple[Channel, ...] = ()
    fallback_addresses: dict[Channel, str] = Field(default_factory=dict)
    """The recipient's address on each ``fallback`` channel (a sender that falls back needs it)."""
    sms_segments: int | None = None
    attempt: int = 1
    refers_to: str | None = None
    """For the reporter of an earlier report (a police feedback or closing that refers to it): that
    report's id. The sender traces the outcome under it too (``feedback:<channel>:<outcome>``), so
    whoever posted that report sees the answer reach its reporter (``GET /v1/reports/{id}``)."""
    expects: ResponseKind | None = None
    """The answer this message asks of its recipient: ``acknowledge`` (an alert to confirm) or
    ``approve`` (an approval request: yes approves, no rejects); ``None`` for the rest. The
    sender remembers what is pending for the recipient's address once it is delivered."""
    urgent: bool = False
    """A job of an urgent report (or alarm): it travels on the channel's urgent outbox,
    ``bin.outbox.<channel>.urgent.v1``, ahead of ordinary jobs and digests."""
    purpose: Purpose = "message"
    """Why it is sent: the report's ``message``, an ``approval_request``, an ``escalation`` (nobody
    acknowledged in time). Carried into its outcome, so the ledger counts escalations."""

    @property
    def idempotency_key(self) -> str:
        """(report, recipient, channel): a delivery is sent at most once per key."""
        return f"{self.report_id}:{self.recipient_id}:{self.channel.value}"


class Outcome(StrEnum):
    delivered = "delivered"
    retrying = "retrying"
    failed = "failed"
    fell_back = "fell_back"
    duplicate = "duplicate"


class DeliveryOutcome(Envelope):
    """What happened to a DeliveryJob. Topic ``bin.deliveries.v1``. No personal data."""

    event: Literal["delivery.outcome"] = "delivery.outcome"
    delivery_id: str
    audience: str
    recipient_id: str
    channel: Channel
    outcome: Outcome
    attempts: int = 1
    reason: str | None = None
    at: datetime = Field(default_factory=utcnow)
    purpose: Purpose = "message"
    """The job's ``purpose``."""
    refers_to: str | None = None
    """The job's ``refers_to``: set on a feedback or closing delivered to an earlier report's reporter."""


class Response(Model):
    """A human's answer about a report: an acknowledgement ("OK" by SMS or chat, a signed link)
    or an approval decision (a "JA"/"NEE" reply by SMS or chat, ``binrelay approve``). Topic
    ``bin.responses.v1``; the dispatcher consumes it to stop escalations and release or drop held
    messages, after checking that the responder may give that answer."""

    schema_version: SchemaVersion = SCHEMA_VERSION
    event: Literal["response"] = "response"
    report_id: str
    network_id: str | None = None
    responder_id: str
    """Member id of the coordinator / officer (never a phone number or address)."""
    kind: ResponseKind
    via: Channel | Literal["cli", "link"]
    at: datetime = Field(default_factory=utcnow)
    ref: Annotated[str, Field(max_length=16)] | None = None
    """The short ref of the message answered (``Ref 1a2b3c4d`` in its text), when a reply named or
    answered one."""
    reason: Annotated[str, Field(max_length=500)] | None = None
    """Why, for a rejection ("NEE te vroeg"): the approver's own words, kept with the decision."""


class MemberChange(StrEnum):
    added = "added"
    updated = "updated"
    removed = "removed"
    erased = "erased"


class MemberChanged(Model):
    """A member of the registry was added, changed, removed or erased. Topic ``bin.members.changed.v1``,
    keyed by member id. No personal data: whoever needs the member reads them from the registry
    (the dispatcher, the inbound adapters), so a change takes effect without a restart."""

    schema_version: SchemaVersion = SCHEMA_VERSION
    event: Literal["member.changed"] = "member.changed"
    member_id: Annotated[str, Field(min_length=1, max_length=100)]
    networks: tuple[str, ...] = ()
    """The networks the member was or is in (before and after the change)."""
    change: MemberChange
    at: datetime = Field(default_factory=utcnow)


class DeadLetter(Model):
    """A message a stage could not process, with the reason. Topic ``bin.dlq.v1``.

    ``raw`` is the original bytes, base64-encoded, so ``binrelay dlq replay`` can put the message
    back on ``source_topic`` once the cause is fixed.
    """

    schema_version: SchemaVersion = SCHEMA_VERSION
    event: Literal["dead_letter"] = "dead_letter"
    stage: str
    reason: str
    error: str
    source_topic: str
    partition: int | None = None
    offset: int | None = None
    key: str | None = None
    raw: str
    raw_truncated: bool = False
    """``raw`` holds only the first bytes of a record too large to carry whole (see ``raw_size``,
    ``raw_sha256``; the record itself is ``source_topic``/``partition``/``offset`` until retention)."""
    raw_size: int | None = None
    """Size in bytes of the original record."""
    raw_sha256: str | None = None
    """SHA-256 (hex) of the original record, to check a copy fetched from the source topic."""
    report_id: str | None = None
    at: datetime = Field(default_factory=utcnow)


def is_urgent(event: BaseModel) -> bool:
    """Whether an event is (or may be) urgent: ingest's pre-check, the classification, an alarm,
    a delivery job marked urgent by the dispatcher."""
    if getattr(event, "possibly_urgent", False) or getattr(event, "urgent", False) is True:
        return True
    classification = getattr(event, "classification", None)
    if classification is not None and getattr(classification, "urgency", None) == "urgent":
        return True
    report = getattr(event, "report", None)
    return report is not None and getattr(report, "kind", None) == "alarm"
