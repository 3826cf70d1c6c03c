"""The schema of a network file (``deploy/networks/<network>.yaml``) and of the members file.

A network file holds the network's identity (``id``, ``name``, ``kind``, ``zone``, ``languages``,
``area`` — read by ingest's resolver too), its ``contacts`` (member ids only) and its ``plan``: a
routing tree in the spirit of Alertmanager's ``route`` (matchers, ``continue``, inherited options)
whose nodes name audiences, channels in fallback order and templates.
The members file's schema is in :mod:`.members`.
"""

from __future__ import annotations

import re
from datetime import time, timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from binrelay_shared.events import Category, Flag, Kind, Language, Origin, Urgency

from .privacy import Privacy

LANGUAGES: tuple[str, ...] = ("nl", "fr", "en", "de")

#: The policy flags: a report carrying one has its broadcasts held for a human (``hold: policy``);
#: never its deliveries to the police (personal data is redacted, not held).
POLICY_FLAGS = frozenset({Flag.vigilante, Flag.political, Flag.discriminatory})

#: The one rule for a network id (a Kafka key, a report address's local part, a metrics label).
NETWORK_ID = r"^[a-z0-9][a-z0-9-]{0,62}$"
NETWORK_ID_HELP = "starting with a letter or digit, at most 63 characters"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# ---------------------------------------------------------------------------------------------
# Small value types
# ---------------------------------------------------------------------------------------------


class AudienceName(StrEnum):
    """Who a plan node delivers to."""

    reporter = "reporter"
    coordinators = "coordinators"
    steering_group = "steering_group"
    officer = "officer"
    zone = "zone"
    group = "group"


#: Channels a delivery can go out over (``http`` is an inbound-only channel).
DeliveryChannel = Literal["sms", "email", "chat"]


class QuietMode(StrEnum):
    """What quiet hours do to a delivery: wait for morning, go out anyway, or join the digest."""

    respect = "respect"
    bypass = "bypass"
    digest = "digest"


class Weekday(StrEnum):
    mon = "mon"
    tue = "tue"
    wed = "wed"
    thu = "thu"
    fri = "fri"
    sat = "sat"
    sun = "sun"


WEEKDAYS = list(Weekday)

_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def _parse_hhmm(value: str) -> time:
    m = _HHMM.match(value.strip())
    if not m:
        raise ValueError(f"{value!r} is not a time of day: write HH:MM between 00:00 and 23:59")
    return time(int(m.group(1)), int(m.group(2)))


class TimeWindow(BaseModel):
    """A daily window ``"HH:MM-HH:MM"`` in Europe/Brussels time; it may wrap past midnight."""

    model_config = ConfigDict(frozen=True)

    start: time
    end: time

    @classmethod
    def parse(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = value.split("-")
            if len(parts) != 2:
                raise ValueError(f"{value!r} is not a time window: write it as \"22:00-07:00\"")
            start, end = (_parse_hhmm(p) for p in parts)
            if start == end:
                raise ValueError(f"{value!r} is an empty time window: start and end must differ")
            return {"start": start, "end": end}
        return value

    def contains(self, t: time) -> bool:
        if self.start < self.end:
            return self.start <= t < self.end
        return t >= self.start or t < self.end

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


Window = Annotated[TimeWindow, BeforeValidator(TimeWindow.parse)]

_DURATION = re.compile(r"^(\d+)\s*(s|m|h|d)$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _parse_duration(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("a duration is a number with a unit, like 30s, 10m, 24h")
    if isinstance(value, int | float):
        if value <= 0:
            raise ValueError(f"{value} is not a positive duration")
        return timedelta(seconds=value)
    if isinstance(value, str):
        m = _DURATION.match(value.strip())
        if not m or int(m.group(1)) == 0:
            raise ValueError(f"{value!r} is not a duration: write a positive number with a unit, like 30s, 10m, 24h")
        return timedelta(seconds=int(m.group(1)) * _UNIT[m.group(2)])
    return value


Duration = Annotated[timedelta, BeforeValidator(_parse_duration)]
TimeOfDay = Annotated[time, BeforeValidator(lambda v: _parse_hhmm(v) if isinstance(v, str) else v)]


# ---------------------------------------------------------------------------------------------
# The routing tree
# ---------------------------------------------------------------------------------------------


class Matchers(Strict):
    """What a node matches. Every given matcher must hold; a list means "any of these"."""

    origin: list[Origin] | None = None
    kind: list[Kind] | None = None
    urgency: list[Urgency] | None = None
    category: list[Category] | None = None
    flags: list[Flag] | None = Field(None, description="Matches when the report carries any of these flags")
    flagged: bool | None = Field(None, description="true: any policy flag; false: none")
    weekdays: list[Weekday] | None = None
    time: Window | None = Field(None, description="Time of day, Europe/Brussels, e.g. 22:00-07:00")

    def is_empty(self) -> bool:
        return all(getattr(self, f) is None for f in type(self).model_fields)


class Options(Strict):
    """Options a node passes down to its children (a child may override them)."""

    channels: list[DeliveryChannel] | None = Field(None, description="Channels allowed, in fallback order")
    channel_order: Literal["member", "plan"] | None = Field(
        None, description="member: each member's own order; plan: this node's order first (e.g. SMS first)"
    )
    quiet_hours: QuietMode | None = None


class Target(Options):
    """One audience a node delivers to, with the template it is rendered from."""

    audience: AudienceName
    template: str | None = None
    broadcast: bool = Field(
        False,
        description="A broadcast (the group always is one): held for a human when the report carries a "
        "policy flag and the route says `hold: policy`. The officer and the zone are never a broadcast",
    )

    def is_broadcast(self) -> bool:
        """Whether a policy hold stops this delivery: the group, or a target marked ``broadcast``
        (never the officer or the zone: a policy hold never stops the police)."""
        if self.audience in (AudienceName.officer, AudienceName.zone):
            return False
        return self.audience is AudienceName.group or self.broadcast


class Ack(Strict):
    """Acknowledgement: if nobody in ``by`` acknowledges within ``timeout``, escalate."""

    timeout: Duration
    by: list[AudienceName] = Field(default_factory=lambda: [AudienceName.coordinators])
    escalate_to: list[AudienceName]
    template: str = "escalation"


class Approval(Strict):
    """Approval: ``by`` gets an approval request; the node's deliveries wait for the decision."""

    by: list[AudienceName] = Field(default_factory=lambda: [AudienceName.coordinators])
    template: str = "approval_request"


class Route(Options):
    """A node of the routing tree."""

    name: str | None = None
    match: Matchers = Field(default_factory=Matchers)
    continue_: bool = Field(False, alias="continue")
    hold: Literal["policy"] | None = Field(
        None,
        description="policy: on a report carrying a policy flag (vigilante, political, discriminatory), the "
        "broadcast deliveries (the group, targets marked `broadcast`) are held for a human; everyone else "
        "(officer, zone, coordinators, steering group, reporter) gets it as the route says, the flag shown",
    )
    approval: Approval | None = None
    ack: Ack | None = None
    deliver: list[Target] = Field(default_factory=list)
    routes: list[Route] = Field(default_factory=list)


class TemplateText(Strict):
    """One template in one language. ``sms`` is the short variant used on SMS (defaults to text)."""

    subject: str | None = None
    text: str
    sms: str | None = None


class Plan(Strict):
    """The communication plan of one network."""

    quiet_hours: Window = Field(
        default_factory=lambda: TimeWindow(start=time(22, 0), end=time(7, 0)),
        description="Default quiet hours of the network's members (a member may set their own)",
    )
    digest_at: TimeOfDay = Field(time(8, 0), description="When the daily digest goes out (Europe/Brussels)")
    dedup_window: Duration = Field(timedelta(hours=24), description="How long a report id is remembered")
    sms_max_segments: Annotated[int, Field(ge=1, le=10)] = 3
    templates: dict[str, dict[str, TemplateText]] = Field(
        default_factory=dict, description="Templates of this plan (added to, or replacing, the built-in ones)"
    )
    route: Route


class Contacts(Strict):
    """Who fills the network's roles: member ids from the members file, never personal data."""

    coordinators: list[str] = Field(default_factory=list)
    steering_group: list[str] = Field(default_factory=list)
    officer: list[str] = Field(default_factory=list, description="Mandated police officer(s)")

    @field_validator("officer", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v


class Street(BaseModel):
    """One street of the network's area, by its names (ingest's resolver matches any of them)."""

    model_config = ConfigDict(extra="allow", frozen=True)
    nl: str
    fr: str
    en: str | None = None
    de: str | None = None

    def names(self) -> tuple[str, ...]:
        return tuple(n for n in (self.nl, self.fr, self.en, self.de) if n)


class Area(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)
    streets: list[Street] = Field(default_factory=list)


class NetworkFile(Strict):
    """A whole ``deploy/networks/<network>.yaml``."""

    id: Annotated[str, Field(pattern=NETWORK_ID)]
    name: str
    kind: Literal["BIN", "BIN-Z"]
    zone: Annotated[str, Field(pattern=r"^\d{4}$")]
    languages: Annotated[list[Language], Field(min_length=1)]
    area: Area = Field(default_factory=Area)
    contacts: Contacts = Field(default_factory=Contacts)
    plan: Plan
    privacy: Privacy = Field(default_factory=Privacy, description="Who sees what (defaults: the strict reading)")


