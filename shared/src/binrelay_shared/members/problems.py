"""What the registry refuses (:class:`RegistryError`, each :class:`RowProblem` naming row, field
and reason) and what a change did (:class:`Change`, and its event) — without the database: the API
imports these at start, the database only at its first request."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from binrelay_shared.events import MemberChange, MemberChanged


@dataclass(frozen=True)
class RowProblem:
    """What is wrong: in which row (1-based; None outside an import), which field, why."""

    row: int | None
    field: str
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}: " if self.row is not None else ""
        return f"{where}{self.field}: {self.reason}"

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "field": self.field, "reason": self.reason}


class RegistryError(Exception):
    """A change refused; ``problems`` says every reason. ``status`` is the HTTP answer it maps to."""

    def __init__(self, problems: Sequence[RowProblem], status: int = 422) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = list(problems)
        self.status = status


class UnknownMember(RegistryError):
    def __init__(self, member_id: str) -> None:
        super().__init__([RowProblem(None, "id", f"no member {member_id!r} in the registry: check the id "
                                                  "(`binrelay members list`)")], status=404)
        self.member_id = member_id


@dataclass
class Change:
    """What a change did: the member, the networks before and after (for the change event)."""

    member_id: str
    change: str  # added | updated | removed | erased
    networks: set[str] = field(default_factory=set)




def events_of(changes: Iterable[Change]) -> list[MemberChanged]:
    """One ``bin.members.changed.v1`` event per change: ids only."""
    return [MemberChanged(member_id=c.member_id, networks=tuple(sorted(c.networks)), change=MemberChange(c.change))
            for c in changes]
