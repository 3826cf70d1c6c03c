"""The members file (``BINRELAY_MEMBERS_FILE``; ``deploy/members.example.yaml`` is fictitious).

Members' personal data (addresses, language, channel order, quiet hours, consent) lives here, held
by the deployment and never logged; a network file names members by id only. The dispatcher reaches
members through it, the channel adapters recognise reporters by it.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import Field, ValidationError, field_validator

from binrelay_shared.events import Language

from .model import DeliveryChannel, Strict, Window
from .problems import PlanError, Problem, read_yaml, schema_problems


class Role(StrEnum):
    coordinator = "coordinator"
    steering_group = "steering_group"
    officer = "officer"


class Address(Strict):
    channel: DeliveryChannel
    address: Annotated[str, Field(min_length=1, max_length=200)]


class Member(Strict):
    """One member (or officer): personal data, held by the deployment, never logged."""

    id: Annotated[str, Field(min_length=1, max_length=100)]
    name: str | None = None
    networks: list[str] = Field(default_factory=list, description="Networks whose group this member is in")
    roles: list[Role] = Field(default_factory=list)
    language: Language = "nl"
    channels: list[Address] = Field(default_factory=list, description="In the member's order of preference")
    quiet_hours: Window | None = Field(None, description="Own quiet hours (default: the network's)")
    consent: bool = Field(False, description="Signed the house rules; nothing is sent without it")
    excluded: bool = False


class MembersFile(Strict):
    members: list[Member] = Field(default_factory=list)

    @field_validator("members")
    @classmethod
    def _unique(cls, v: list[Member]) -> list[Member]:
        seen: set[str] = set()
        for m in v:
            if m.id in seen:
                raise ValueError(f"member id {m.id!r} appears twice: member ids must be unique")
            seen.add(m.id)
        return v

    def by_id(self) -> dict[str, Member]:
        return {m.id: m for m in self.members}



def load_members(path: Path) -> MembersFile:
    """Read and validate the members file; raises :class:`PlanError`."""
    members = _stream_members(path)
    if members is not None:
        return members
    # Something is wrong with the file: read it whole, so every problem is named with its line.
    problems: list[Problem] = []
    data, lines = read_yaml(path, problems)
    if problems:
        raise PlanError(problems)
    try:
        return MembersFile.model_validate(data or {})
    except ValidationError as exc:
        raise PlanError(schema_problems(str(path), lines, exc)) from None


if getattr(yaml, "__with_libyaml__", False):
    from yaml._yaml import CParser as _Parser
else:  # pragma: no cover - PyYAML without libyaml

    class _Parser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)


class _ItemLoader(_Parser, yaml.composer.Composer, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """A safe YAML loader that composes and constructs one node at a time, on libyaml's events.

    ``yaml.load`` composes the whole document's node tree (a node and two marks per scalar)
    before building anything: for a 10,000-member file that was ~130 MB at its peak, and the
    freed nodes left the heap fragmented around the members built meanwhile (~110 MB resident
    kept for ~25 MB of members).
    """

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)

    def next_value(self) -> Any:
        """The next node, composed and constructed on its own (aliases to earlier anchors work)."""
        node = self.compose_node(None, None)  # type: ignore[arg-type]  # as Composer.compose_document does
        return self.construct_document(node)


def _anchored(loader: _ItemLoader) -> bool:
    """Whether the next node has an anchor (an alias could refer to a collection never composed)."""
    return getattr(loader.peek_event(), "anchor", None) is not None


def _stream_members(path: Path) -> MembersFile | None:
    """The members file read member by member, or None if it is not simply valid.

    None (unreadable, not YAML, not a single mapping, a merge key or an anchor on the list, a
    member that does not validate...) sends the caller to the whole-file path, which names each
    problem with its line: only a valid file takes this path, so it reports nothing itself.
    """
    ev = yaml.events
    try:
        loader = _ItemLoader(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    try:
        loader.get_event()  # StreamStartEvent
        if not loader.check_event(ev.DocumentStartEvent):
            return None
        loader.get_event()
        if not loader.check_event(ev.MappingStartEvent) or _anchored(loader):
            return None
        loader.get_event()
        rest: dict[str, Any] = {}
        members: list[Member] | None = None
        while not loader.check_event(ev.MappingEndEvent):
            key = loader.next_value()
            if not isinstance(key, str) or key in rest or key == "<<" or (key == "members" and members is not None):
                return None
            if key != "members":
                rest[key] = loader.next_value()
                continue
            if not loader.check_event(ev.SequenceStartEvent) or _anchored(loader):
                return None
            loader.get_event()
            members = []
            while not loader.check_event(ev.SequenceEndEvent):
                members.append(Member.model_validate(loader.next_value()))
            loader.get_event()
        loader.get_event()  # MappingEndEvent
        loader.get_event()  # DocumentEndEvent
        if not loader.check_event(ev.StreamEndEvent):
            return None  # a second document: yaml.load refuses that, and so does the whole-file path
        return MembersFile.model_validate({**rest, "members": members if members is not None else []})
    except (yaml.YAMLError, ValidationError):
        return None
    finally:
        loader.dispose()

