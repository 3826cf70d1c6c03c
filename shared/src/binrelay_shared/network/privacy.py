"""A network's privacy options: the ``privacy:`` section of its network file.

The defaults are the strict reading of the privacy rules: the group sees no plate, phone number,
e-mail address, IBAN, national number, name or address and does not learn who reported; photos
are withheld from it. The coordinator gets the same redacted text plus the reporter's contact, and
photos without metadata. The police always get everything. The privacy filter applies it
(``binrelay_privacy.clear``); ``binrelay plan check`` and ``plan explain`` show it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from binrelay_shared.pii import PiiKind

GroupPhotoMode = Literal["withhold", "blur"]
CoordinatorPhotoMode = Literal["strip", "blur", "withhold"]

#: What each photo option allows, for messages that name the fix.
PHOTO_MODES: dict[str, tuple[str, ...]] = {
    "group_photos": ("withhold", "blur"),
    "coordinator_photos": ("strip", "blur", "withhold"),
}
KIND_FIELDS = ("coordinator_sees", "group_sees")


class Privacy(BaseModel):
    """What the coordinator and the group of a network may see."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    coordinator_sees: frozenset[PiiKind] = Field(
        frozenset(), description="Kinds of personal data left readable for the coordinator (e.g. [plate])"
    )
    group_sees: frozenset[PiiKind] = Field(
        frozenset(), description="Kinds left readable for the whole group; default none (and should stay so)"
    )
    coordinator_gets_reporter: bool = Field(True, description="The coordinator gets the reporter's contact")
    group_photos: GroupPhotoMode = Field("withhold", description="withhold, or blur faces and plates")
    coordinator_photos: CoordinatorPhotoMode = Field(
        "strip", description="strip (metadata removed), blur, or withhold"
    )
    police_text_verbatim: bool = Field(
        False,
        description="Pass the text of messages the police post (a wanted vehicle's plate in an alarm) to every "
        "audience as written: the police answer for what they publish. Photos are still cleaned.",
    )

    def describe(self) -> str:
        """One line for people: who sees what, and what happens to photos."""

        def kinds(seen: frozenset[PiiKind]) -> str:
            return ", ".join(sorted(k.value for k in seen)) or "none"

        return (
            f"coordinator sees {kinds(self.coordinator_sees)}"
            f"{' + the reporter' if self.coordinator_gets_reporter else ''}, photos {self.coordinator_photos}; "
            f"group sees {kinds(self.group_sees)}, photos {self.group_photos}"
            f"{'; police text verbatim' if self.police_text_verbatim else ''}"
        )


__all__ = ["KIND_FIELDS", "PHOTO_MODES", "CoordinatorPhotoMode", "GroupPhotoMode", "Privacy"]
