"""Who wrote? The members file (``BINRELAY_MEMBERS_FILE``) indexed by e-mail, phone and Matrix id.

The file is read by the shared loader (:func:`binrelay_shared.network.load_members`), the one the
dispatcher uses. An address that matches no member is an *unknown* reporter: the report is still
taken (anyone may report), with an opaque reference instead of a member id.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from binrelay_shared.addresses import normalize_phone
from binrelay_shared.logging import get_logger
from binrelay_shared.network import Member, MembersFile, load_members

log = get_logger(__name__)


def normalize(channel: str, address: str) -> str:
    if channel == "sms":
        return normalize_phone(address)
    return address.strip().lower()


def opaque_ref(channel: str, address: str) -> str:
    """A stable reference for an unknown reporter that does not spell out their address."""
    return f"{channel}:unknown:{hashlib.sha256(normalize(channel, address).encode()).hexdigest()[:16]}"


class Directory:
    """Members by (channel, normalised address)."""

    def __init__(self, members: MembersFile) -> None:
        self._by: dict[tuple[str, str], Member] = {}
        for member in members.members:
            for a in member.channels:
                self._by.setdefault((a.channel, normalize(a.channel, a.address)), member)

    @classmethod
    def load(cls, path: Path | None) -> Directory:
        """The members of ``path``; none when there is no file (every reporter is then unknown).
        A file that is there but wrong raises :class:`~binrelay_shared.network.PlanError`: a
        service's start uses :func:`binrelay_shared.settings.members_or_exit` instead."""
        if path is None or not path.is_file():
            log.warning("no members file: every reporter is unknown")
            return cls(MembersFile())
        return cls(load_members(path))

    def find(self, channel: str, address: str) -> Member | None:
        return self._by.get((channel, normalize(channel, address)))
