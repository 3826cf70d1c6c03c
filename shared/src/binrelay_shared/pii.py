"""The kinds of personal data BIN Relay finds and redacts, and how each reads once redacted.

One enum for the detectors (what a ``Hit`` is), the events (``Finding.kind``,
``Rendering.redacted``), the networks' ``privacy:`` section (``coordinator_sees: [plate]``) and
the metrics (``binrelay_redactions{kind}``, one series per member, created at zero).

Every kind has a placeholder in every language a report can be in: a kind added without one is
refused when this module is imported, so no rendering ever falls back to an anonymous marker.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from binrelay_shared.languages import LANGUAGES


class PiiKind(StrEnum):
    """A kind of personal data (the values are never stored or logged, only kind and span)."""

    plate = "plate"
    phone = "phone"
    email = "email"
    iban = "iban"
    national_number = "national_number"
    name = "name"
    address = "address"


#: What replaces a value of each kind in a redacted text, per language.
PLACEHOLDERS: Mapping[PiiKind, Mapping[str, str]] = {
    PiiKind.plate: {"nl": "[kenteken]", "fr": "[plaque]", "en": "[plate]", "de": "[Kennzeichen]"},
    PiiKind.phone: {"nl": "[telefoonnummer]", "fr": "[téléphone]", "en": "[phone]", "de": "[Telefonnummer]"},
    PiiKind.email: {"nl": "[e-mailadres]", "fr": "[e-mail]", "en": "[e-mail]", "de": "[E-Mail]"},
    PiiKind.iban: {"nl": "[rekeningnummer]", "fr": "[IBAN]", "en": "[IBAN]", "de": "[IBAN]"},
    PiiKind.national_number: {
        "nl": "[rijksregisternummer]",
        "fr": "[numéro national]",
        "en": "[national number]",
        "de": "[Nationalregisternummer]",
    },
    PiiKind.name: {"nl": "[naam]", "fr": "[nom]", "en": "[name]", "de": "[Name]"},
    PiiKind.address: {"nl": "[huisnummer]", "fr": "[numéro]", "en": "[house number]", "de": "[Hausnummer]"},
}


def missing_placeholders(table: Mapping[PiiKind, Mapping[str, str]]) -> list[str]:
    """``kind/language`` pairs that have no (non-empty) placeholder in ``table``."""
    return [f"{kind.value}/{lang}" for kind in PiiKind for lang in LANGUAGES if not table.get(kind, {}).get(lang)]


_missing = missing_placeholders(PLACEHOLDERS)
if _missing:  # pragma: no cover - a programming error, caught by importing the module at all
    raise RuntimeError(
        f"binrelay_shared.pii: no placeholder for {', '.join(_missing)}; "
        "add one per language to PLACEHOLDERS next to the new kind"
    )


def placeholder(kind: PiiKind, language: str) -> str:
    """The placeholder for ``kind`` in ``language`` (Dutch when the language is unknown)."""
    table = PLACEHOLDERS[kind]
    return table.get(language) or table["nl"]


__all__ = ["LANGUAGES", "PLACEHOLDERS", "PiiKind", "missing_placeholders", "placeholder"]
