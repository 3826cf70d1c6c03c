"""Per-network privacy options (the ``privacy:`` section of a network's communication plan).

Defaults are the strict reading of the privacy rules: the group sees no plate, phone number,
e-mail address, IBAN, national number, name or address and does not learn who reported; photos
are withheld from it. The coordinator gets the same redacted text plus the reporter's contact,
and photos without metadata. The police always get everything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from binrelay_shared.pii import PiiKind

ALL_KINDS = frozenset(PiiKind)
GroupPhotoMode = Literal["withhold", "blur"]
CoordinatorPhotoMode = Literal["strip", "blur", "withhold"]


@dataclass(frozen=True)
class PrivacyPolicy:
    """What the coordinator and the group may see."""

    coordinator_sees: frozenset[PiiKind] = field(default_factory=frozenset)
    """Kinds left readable for the coordinator (e.g. ``{"plate"}``); default none."""
    group_sees: frozenset[PiiKind] = field(default_factory=frozenset)
    """Kinds left readable for the group; default none (and should stay so)."""
    coordinator_gets_reporter: bool = True
    group_photos: GroupPhotoMode = "withhold"
    coordinator_photos: CoordinatorPhotoMode = "strip"
    police_text_verbatim: bool = False
    """Pass the text of messages the police post (a wanted vehicle's plate in an alarm) to every
    audience as written: the police answer for what they publish. Photos are still cleaned."""

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> PrivacyPolicy:
        """Build from a plan's ``privacy:`` mapping; ``ValueError`` names the bad key and the fix."""
        if not data:
            return cls()
        known = {
            "coordinator_sees",
            "group_sees",
            "coordinator_gets_reporter",
            "group_photos",
            "coordinator_photos",
            "police_text_verbatim",
        }
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"privacy: unknown key(s) {unknown}; allowed: {sorted(known)}")

        def kinds(key: str) -> frozenset[PiiKind]:
            value = data.get(key, ())
            if isinstance(value, str) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"privacy.{key}: expected a list of kinds from {sorted(ALL_KINDS)}")
            bad = sorted(set(value) - ALL_KINDS)
            if bad:
                raise ValueError(f"privacy.{key}: unknown kind(s) {bad}; allowed: {sorted(ALL_KINDS)}")
            return frozenset(PiiKind(v) for v in value)

        group_photos = data.get("group_photos", "withhold")
        if group_photos not in ("withhold", "blur"):
            raise ValueError("privacy.group_photos: expected 'withhold' or 'blur'")
        coordinator_photos = data.get("coordinator_photos", "strip")
        if coordinator_photos not in ("strip", "blur", "withhold"):
            raise ValueError("privacy.coordinator_photos: expected 'strip', 'blur' or 'withhold'")
        gets_reporter = data.get("coordinator_gets_reporter", True)
        if not isinstance(gets_reporter, bool):
            raise ValueError("privacy.coordinator_gets_reporter: expected true or false")
        verbatim = data.get("police_text_verbatim", False)
        if not isinstance(verbatim, bool):
            raise ValueError("privacy.police_text_verbatim: expected true or false")
        return cls(
            coordinator_sees=kinds("coordinator_sees"),
            group_sees=kinds("group_sees"),
            coordinator_gets_reporter=gets_reporter,
            group_photos=group_photos,
            coordinator_photos=coordinator_photos,
            police_text_verbatim=verbatim,
        )


DEFAULT_POLICY = PrivacyPolicy()
