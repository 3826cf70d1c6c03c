"""Who wrote? The members file (``BINRELAY_MEMBERS_FILE``) indexed by e-mail, phone and Matrix id.

An address that matches no member is an *unknown* reporter: the report is still taken (anyone may
report), with an opaque reference instead of a member id.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from binrelay_shared.addresses import normalize_phone
from binrelay_shared.logging import get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class Member:
    id: str
    language: str | None
    roles: tuple[str, ...]
    networks: tuple[str, ...]


def normalize(channel: str, address: str) -> str:
    if channel == "sms":
        return normalize_phone(address)
    return address.strip().lower()


def opaque_ref(channel: str, address: str) -> str:
    """A stable reference for an unknown reporter that does not spell out their address."""
    return f"{channel}:unknown:{hashlib.sha256(normalize(channel, address).encode()).hexdigest()[:16]}"


class Directory:
    def __init__(self, members: list[dict[str, Any]]) -> None:
        self._by: dict[tuple[str, str], Member] = {}
        for m in members:
            member = Member(
                id=str(m["id"]),
                language=m.get("language"),
                roles=tuple(m.get("roles") or ()),
                networks=tuple(m.get("networks") or ()),
            )
            for ch in m.get("channels") or ():
                channel, address = ch.get("channel"), ch.get("address")
                if channel and address:
                    self._by[(channel, normalize(channel, str(address)))] = member

    @classmethod
    def load(cls, path: Path | None) -> Directory:
        if path is None or not path.is_file():
            return cls([])
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            log.warning("members file not readable: every reporter is unknown", error=type(exc).__name__)
            return cls([])
        return cls(list(data.get("members") or []))

    def find(self, channel: str, address: str) -> Member | None:
        return self._by.get((channel, normalize(channel, address)))
