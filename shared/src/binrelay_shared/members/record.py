"""A member as the registry takes and gives it: :class:`MemberRecord` (CLI, API, import, export).

One address per channel — ``phone`` (E.164, checked with ``phonenumbers``; a national number is
read as Belgian), ``email``, ``chat_id`` (a Matrix id) — the channels in the member's order of
preference, and consent per channel: when it was given or withdrawn, how, and who recorded it.
Nothing is sent on a channel without consent given on it (officers excepted: the zone reaches
its officers on every channel they have).

:meth:`MemberRecord.to_member` is what the dispatcher and the adapters see: the
:class:`~binrelay_shared.network.Member` of the network contract, its channels already filtered
by consent.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from binrelay_shared.languages import Language
from binrelay_shared.network.members import Member, Role
from binrelay_shared.network.model import NETWORK_ID, DeliveryChannel, TimeWindow

#: Ofcom's numbers reserved for drama (never a subscriber's): examples, tests and the bench use
#: them, and ``phonenumbers`` does not call them valid. Each prefix is followed by three digits.
FICTIONAL_PREFIXES = (
    "+447700900", "+441632960", "+442079460", "+441134960", "+441144960", "+441154960", "+441164960",
    "+441174960", "+441184960", "+441214960", "+441314960", "+441414960", "+441514960", "+441614960",
)
CHANNELS: tuple[DeliveryChannel, ...] = ("sms", "email", "chat")
MEMBER_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_MATRIX_ID = re.compile(r"^@[a-z0-9._=/+-]+:[A-Za-z0-9.-]+(:\d+)?$")

#: Quiet hours as members and the API write them, ``"23:00-06:30"`` (Europe/Brussels), read into a
#: :class:`TimeWindow` and written back as the same text (a JSON ``time`` format would need a zone).
Window = Annotated[
    TimeWindow, BeforeValidator(TimeWindow.parse), PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$",
                    "examples": ["23:00-06:30"]}),
]


def e164(value: str) -> str:
    """``value`` as an E.164 number, or ValueError saying why and how to write it (never the value:
    an API answer or a log line must not carry it)."""
    import phonenumbers  # here: a process that only reads the registry never loads its metadata

    try:
        number = phonenumbers.parse(value, "BE")
    except phonenumbers.NumberParseException:
        raise ValueError("not a phone number: write it as +32 470 12 34 56") from None
    formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    fictional = formatted.startswith(FICTIONAL_PREFIXES) and len(formatted) == 13
    if not (fictional or phonenumbers.is_valid_number(number)):
        raise ValueError("not a valid phone number: check the digits and the country code, e.g. +32 470 12 34 56")
    return formatted


def _email(value: str) -> str:
    value = value.strip()
    if not _EMAIL.match(value) or len(value) > 254:
        raise ValueError("not an e-mail address: write it as name@example.org")
    return value.lower()


def _chat(value: str) -> str:
    value = value.strip()
    if not _MATRIX_ID.match(value):
        raise ValueError("not a Matrix id: write it as @name:server.example")
    return value


Phone = Annotated[str, AfterValidator(e164)]
Email = Annotated[str, AfterValidator(_email)]
ChatId = Annotated[str, AfterValidator(_chat)]
NetworkId = Annotated[str, Field(pattern=NETWORK_ID)]


class Consent(BaseModel):
    """Consent on one channel: given or withdrawn, when, how (e.g. ``form``, ``sms:stop``), by whom."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    given: bool = True
    at: datetime
    how: Annotated[str, Field(min_length=1, max_length=100)]
    by: Annotated[str, Field(min_length=1, max_length=100)]

    @field_validator("at")
    @classmethod
    def _aware(cls, v: datetime) -> datetime:
        if v.tzinfo is None:
            raise ValueError("give the time with its offset, e.g. 2026-11-01T10:00:00+01:00")
        return v


class MemberFields(BaseModel):
    """Every field of a member but its id; each one optional (an update names what changes)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    networks: list[NetworkId] | None = None
    roles: list[Role] | None = None
    phone: Phone | None = None
    email: Email | None = None
    chat_id: ChatId | None = None
    language: Language | None = None
    channel_order: list[DeliveryChannel] | None = None
    quiet_hours: Window | None = None
    consent: dict[DeliveryChannel, Consent] | None = None
    excluded: bool | None = None


class MemberRecord(BaseModel):
    """One member, whole: what is added, imported, shown and exported."""

    model_config = ConfigDict(extra="forbid")

    id: Annotated[str, Field(pattern=MEMBER_ID)]
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    networks: list[NetworkId] = Field(default_factory=list, description="Networks whose group the member is in")
    roles: list[Role] = Field(default_factory=list)
    phone: Phone | None = Field(None, description="E.164 (a national number is read as Belgian)")
    email: Email | None = None
    chat_id: ChatId | None = Field(None, description="Matrix id, @name:server")
    language: Language = "nl"
    channel_order: list[DeliveryChannel] = Field(
        default_factory=list, description="Channels in the member's order of preference (default: sms, email, chat)")
    quiet_hours: Window | None = Field(None, description="Own quiet hours, e.g. 23:00-06:30 (default: the network's)")
    consent: dict[DeliveryChannel, Consent] = Field(default_factory=dict)
    excluded: bool = False
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @model_validator(mode="after")
    def _coherent(self) -> MemberRecord:
        if len(set(self.networks)) != len(self.networks) or len(set(self.roles)) != len(self.roles):
            raise ValueError("networks and roles: name each once")
        order = list(dict.fromkeys(self.channel_order)) or [c for c in CHANNELS if self.address(c)]
        missing = [c for c in order if not self.address(c)]
        if missing:
            raise ValueError(f"channel_order names {', '.join(missing)} but the member has no such address: "
                             "give the address (phone, email, chat_id) or drop the channel")
        self.channel_order = order
        return self

    def address(self, channel: str) -> str | None:
        return {"sms": self.phone, "email": self.email, "chat": self.chat_id}.get(channel)

    def with_fields(self, fields: MemberFields, *, unset: set[str] | None = None) -> MemberRecord:
        """This record with ``fields`` that were given changed (``unset``: fields cleared), validated again."""
        data = self.model_dump(mode="json")
        data.update(fields.model_dump(mode="json", exclude_unset=True))
        for name in unset or ():
            data[name] = None
        if "channel_order" not in fields.model_fields_set:  # an address gone leaves it, a new one joins last
            kept = [c for c in data["channel_order"] if data.get(_FIELD_OF[c])]
            data["channel_order"] = kept + [c for c in CHANNELS if data.get(_FIELD_OF[c]) and c not in kept]
        return MemberRecord.model_validate({k: v for k, v in data.items() if v is not None})

    def to_member(self, *, every_address: bool = False) -> Member:
        """The member as the network contract knows them (see :func:`member_view`)."""
        return member_view(
            id=self.id, name=self.name, networks=list(self.networks), roles=[r.value for r in self.roles],
            language=self.language, order=list(self.channel_order),
            addresses={c: a for c in CHANNELS if (a := self.address(c))},
            consented={c for c, v in self.consent.items() if v.given},
            quiet_hours=str(self.quiet_hours) if self.quiet_hours else None, excluded=self.excluded,
            every_address=every_address,
        )

    @classmethod
    def from_member(cls, member: Member, *, at: datetime, how: str, by: str) -> MemberRecord:
        """A member of a members file (YAML) as a record: its consent given on each of its channels."""
        data: dict[str, Any] = {
            "id": member.id, "name": member.name, "networks": member.networks, "roles": member.roles,
            "language": member.language, "quiet_hours": str(member.quiet_hours) if member.quiet_hours else None,
            "excluded": member.excluded,
        }
        order: list[str] = []
        for a in member.channels:
            field = _FIELD_OF[a.channel]
            if field in data:
                raise ValueError(f"channels: two {a.channel} addresses: the registry keeps one per channel")
            data[field] = a.address
            order.append(a.channel)
        data["channel_order"] = order
        if member.consent:
            data["consent"] = {c: {"given": True, "at": at, "how": how, "by": by} for c in order}
        return cls.model_validate({k: v for k, v in data.items() if v is not None})


_FIELD_OF = {"sms": "phone", "email": "email", "chat": "chat_id"}


def member_view(*, id: str, name: str | None, networks: list[str], roles: list[str], language: str,
                order: list[str], addresses: dict[str, str], consented: set[str], quiet_hours: str | None,
                excluded: bool, every_address: bool = False) -> Member:
    """A member as the network contract knows them: only the channels with consent given, in the
    member's order (officers: every channel; ``every_address``: every one, to recognise who writes
    in); ``consent`` when any channel has it. Stored values, already checked, are not checked again."""
    officer = Role.officer.value in roles
    usable = [c for c in order if c in addresses and (officer or every_address or c in consented)]
    return Member.model_validate({
        "id": id, "name": name, "networks": networks, "roles": roles, "language": language,
        "channels": [{"channel": c, "address": addresses[c]} for c in usable], "quiet_hours": quiet_hours,
        "excluded": excluded, "consent": officer or any(c in consented for c in order),
    })
