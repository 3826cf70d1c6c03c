"""The HTTP API's request and response bodies (not events: those live in binrelay_shared)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from binrelay_shared.events import Attachment, Channel, Language, Location, Reporter

MAX_ATTACHMENT_BYTES = 2**40


def _sizes(attachments: list[Attachment]) -> list[Attachment]:
    for a in attachments:
        if a.size > MAX_ATTACHMENT_BYTES:
            raise ValueError(f"an attachment's size is over {MAX_ATTACHMENT_BYTES} bytes")
    return attachments


Attachments = Annotated[
    list[Attachment], AfterValidator(_sizes), Field(max_length=10, description="Attachment metadata (at most 10)")
]

NetworkId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$")]
ReportId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


class ReportIn(BaseModel):
    """A member's report as a channel adapter posts it to ``POST /v1/reports``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: Annotated[str, Field(min_length=1, max_length=5000, description="What the member reports")]
    channel: Channel = Field(Channel.http, description="Channel the report arrived on")
    reporter: Reporter = Field(description="Who reports: the adapter's reference and contact")
    location: Location | None = Field(
        None, description="Street and number (Dutch or French name), or free text; resolves the network"
    )
    network: NetworkId | None = Field(
        None,
        description=(
            "Network id hint, when the adapter knows it: must be in the credential's scope (else 403); "
            "an id this deployment does not know is ignored and the location decides"
        ),
    )
    language: Language | None = Field(None, description="Language hint (nl, fr, en, de)")
    attachments: Attachments = Field(default_factory=list)
    adapter_message_id: Annotated[str, Field(min_length=1, max_length=200)] | None = Field(
        None, description="The adapter's own message id: a retry with the same id returns the first answer"
    )


class MessageKind(StrEnum):
    """What police and coordinators post."""

    alarm = "alarm"
    prevention = "prevention"
    feedback = "feedback"
    request_for_information = "request_for_information"
    closing = "closing"


class Author(BaseModel):
    """Who writes a message (defaults to the credential). No personal data is required."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    ref: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    name: Annotated[str, Field(max_length=200)] | None = None
    language: Language | None = None


class MessageIn(BaseModel):
    """A police or coordinator message to a network (``POST /v1/messages``)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: MessageKind = Field(description="alarm, prevention, feedback, request_for_information or closing")
    text: Annotated[str, Field(min_length=1, max_length=5000)]
    network: NetworkId = Field(description="The network the message is for (must be in the credential's scope)")
    refers_to: ReportId | None = Field(
        None,
        description="Report id this message is about; required for a closing (the alarm or report it closes). "
        "A feedback or closing about a member's report reaches that report's reporter too, on the channel "
        "they used (the network's plan, route feedback-to-reporter); its delivery shows in "
        "GET /v1/reports/{that id} as feedback:<channel>:<outcome>",
        validate_default=True,
    )
    language: Language | None = Field(None, description="Language of the text")
    location: Location | None = None
    attachments: Attachments = Field(default_factory=list)
    author: Author | None = None

    @field_validator("refers_to")
    @classmethod
    def _closing_refers(cls, value: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("kind") is MessageKind.closing and not value:
            raise ValueError("a closing message must name the alarm it closes")
        return value


class Accepted(BaseModel):
    """The answer to an accepted report or message."""

    report_id: str
    status: str = "accepted"
    network_id: str | None = Field(description="The network, or null: then the report goes to the zone")
    zone_id: str
    possibly_urgent: bool = False
    advice: str | None = Field(None, description="Shown to the reporter (not an emergency service: call 101 / 112)")
    advice_language: Language | None = None


class Step(BaseModel):
    step: str
    at: str


class ReportStatus(BaseModel):
    """What the pipeline has recorded of a report (``GET /v1/reports/{id}``)."""

    report_id: str
    status: str = Field(
        description="accepted, classified, cleared, dispatched, held, delivered, failed or dead_lettered"
    )
    kind: str
    network_id: str | None
    zone_id: str
    steps: list[Step] = Field(default_factory=list, description="Pipeline steps reached, oldest first")
    deliveries: dict[str, int] = Field(default_factory=dict, description="Delivery outcomes, counted")


class FieldError(BaseModel):
    field: str
    reason: str


class ErrorBody(BaseModel):
    """Every 4xx answer: what is wrong, and with which field (input values are never echoed)."""

    error: str
    fields: list[FieldError] = Field(default_factory=list)


class NotPublished(ErrorBody):
    """503: the report was NOT published (Kafka or Redis refused before anything was sent, or the
    producer is not connected). Nothing to undo: retry after ``Retry-After``."""

    published: Literal["no"] = "no"


class PublishUnknown(ErrorBody):
    """504: Kafka did not acknowledge in time; the report **may still be published** (the producer
    keeps trying). Retry with the same ``Idempotency-Key``: the retry answers with this
    ``report_id`` (202 once Kafka has it), and the report is dispatched once — ``retry_safe``
    says so. It is false without an ``Idempotency-Key`` (or ``adapter_message_id``), and when
    ingest could not keep the key (its store, Redis, failed at that moment): then a retry may
    create a second report; look the report id up first (``GET /v1/reports/{id}``)."""

    published: Literal["unknown"] = "unknown"
    report_id: str
    retry_safe: bool = Field(
        description="true: a retry with the same Idempotency-Key answers with this report_id and the report is "
        "dispatched once; false: a retry may create a second report (no key sent, or ingest could not keep it)"
    )
