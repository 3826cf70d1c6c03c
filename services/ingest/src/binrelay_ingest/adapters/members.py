"""Who wrote? The members of the registry indexed by e-mail, phone and Matrix id.

A service reads them from the registry at start (every address, consent or not: recognising a
member is not sending to them) and keeps them current with :func:`watch` (a member added,
changed or removed is known within a second or so, without a restart). Tests and tools may give
a members file instead (:meth:`Directory.load`). An address that matches no member is an
*unknown* reporter: the report is still taken (anyone may report), with an opaque reference
instead of a member id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from binrelay_shared.addresses import normalize_phone
from binrelay_shared.logging import get_logger
from binrelay_shared.network import Member, MembersFile, load_members
from binrelay_shared.settings import Settings

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
        self._index(self._by, members.members)

    @staticmethod
    def _index(by: dict[tuple[str, str], Member], members: Iterable[Member]) -> None:
        for member in members:
            for a in member.channels:
                by.setdefault((a.channel, normalize(a.channel, a.address)), member)

    def apply(self, changed: Mapping[str, Member | None]) -> None:
        """Members added, changed or (``None``) removed. The index is rebuilt aside and swapped in
        at once: a listener in another thread (the SMTP adapter's) reads one index or the other."""
        by = {k: m for k, m in self._by.items() if m.id not in changed}
        self._index(by, (m for m in changed.values() if m is not None))
        self._by = by

    def member_ids(self) -> set[str]:
        return {m.id for m in self._by.values()}

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


async def watch(settings: Settings, directory: Directory, principal: str) -> None:
    """Keep ``directory`` current with the registry (:class:`~binrelay_shared.members.changes.MembersWatcher`)."""
    from binrelay_shared.db import database_url, make_engine
    from binrelay_shared.kafka_security import kafka_client_config
    from binrelay_shared.members.changes import MembersWatcher
    from binrelay_shared.members.registry import Registry

    registry = Registry(make_engine(database_url(settings)))
    watcher = MembersWatcher(kafka_client_config(settings, principal), registry, directory.apply,
                             client_id=f"binrelay-{principal}-members", known=directory.member_ids, every_address=True,
                             refresh_seconds=settings.members_refresh_seconds)
    try:
        await watcher.run()
    finally:
        await registry.close()


def directory_or_exit(settings: Settings) -> Directory:
    """The registry's members for an adapter's start (a problem exits 2, naming the setting)."""
    from binrelay_shared.members.service import registry_members_or_exit

    return Directory(registry_members_or_exit(settings, every_address=True))
