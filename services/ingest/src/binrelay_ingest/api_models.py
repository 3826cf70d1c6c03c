"""The HTTP API's request and response bodies (not events: those live in binrelay_shared)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from binrelay_shared.events import Attachment, Channel, Language, Location, Reporter


class ReportIn(BaseModel):
    """A member's report as a channel adapter posts it to ``POST /v1/reports``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: Annotated[str, Field(min_length=1, max_length=5000, description="What the member reports")]
    channel: Channel = Field(Channel.http, description="Channel the report arrived on")
    reporter: Reporter = Field(description="Who reports: the adapter's reference and contact")
    location: Location | None = Field(None, description="Street and number, or free text")
    network: Annotated[str, Field(max_length=64)] | None = Field(
        None, description="Network id hint, when the adapter knows it"
    )
    language: Language | None = Field(None, description="Language hint (nl, fr, en, de)")
    attachments: list[Attachment] = Field(default_factory=list, max_length=10)
    adapter_message_id: Annotated[str, Field(max_length=200)] | None = Field(
        None, description="The adapter's own message id (makes retries idempotent)"
    )


class Accepted(BaseModel):
    """The answer to an accepted report."""

    report_id: str
    status: str = "accepted"
    network_id: str | None
    zone_id: str
    advice: str | None = Field(None, description="Shown to the reporter (e.g. call 101 / 112)")


class FieldError(BaseModel):
    field: str
    reason: str


class ErrorBody(BaseModel):
    """Every 4xx answer: what is wrong, and with which field."""

    error: str
    fields: list[FieldError] = Field(default_factory=list)
