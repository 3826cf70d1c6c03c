"""The member registry (issue 17): members in the database, managed by CLI and API, seen by the
services without a restart.

* :mod:`.record` — :class:`MemberRecord`, a member as it is added, imported and exported;
* :mod:`.models` — the tables; ``migrations/`` their Alembic chain (branch ``members``);
* :mod:`.registry` — :class:`Registry`, every read and change, checked;
* :mod:`.files` — CSV, JSON and YAML import/export with every bad row named.
"""

from typing import TYPE_CHECKING, Any

from .problems import Change, RegistryError, RowProblem, UnknownMember
from .record import Consent, MemberFields, MemberRecord, e164

if TYPE_CHECKING:
    from .registry import Registry


def __getattr__(name: str) -> Any:
    # The registry (SQLAlchemy) is imported when first used: a process that never opens the
    # database (ingest until its first /v1/members request) does not pay for it at start.
    if name == "Registry":
        from .registry import Registry

        return Registry
    raise AttributeError(name)

__all__ = ["Change", "Consent", "MemberFields", "MemberRecord", "Registry", "RegistryError", "RowProblem",
           "UnknownMember", "e164"]
