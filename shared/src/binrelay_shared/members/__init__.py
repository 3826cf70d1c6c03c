"""The member registry (issue 17): members in the database, managed by CLI and API, seen by the
services without a restart.

* :mod:`.record` — :class:`MemberRecord`, a member as it is added, imported and exported;
* :mod:`.models` — the tables; ``migrations/`` their Alembic chain (branch ``members``);
* :mod:`.registry` — :class:`Registry`, every read and change, checked;
* :mod:`.files` — CSV, JSON and YAML import/export with every bad row named.
"""

from .record import Consent, MemberFields, MemberRecord, e164
from .registry import Change, Registry, RegistryError, RowProblem, UnknownMember

__all__ = ["Change", "Consent", "MemberFields", "MemberRecord", "Registry", "RegistryError", "RowProblem",
           "UnknownMember", "e164"]
