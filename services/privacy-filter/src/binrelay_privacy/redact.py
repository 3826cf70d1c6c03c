"""Text renderings: findings replaced by a placeholder in the message's language."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from binrelay_privacy.detectors import Hit

PLACEHOLDERS: dict[str, dict[str, str]] = {
    "nl": {
        "plate": "[kenteken]",
        "phone": "[telefoonnummer]",
        "email": "[e-mailadres]",
        "iban": "[rekeningnummer]",
        "national_number": "[rijksregisternummer]",
        "name": "[naam]",
        "address": "[huisnummer]",
    },
    "fr": {
        "plate": "[plaque]",
        "phone": "[téléphone]",
        "email": "[e-mail]",
        "iban": "[IBAN]",
        "national_number": "[numéro national]",
        "name": "[nom]",
        "address": "[numéro]",
    },
    "en": {
        "plate": "[plate]",
        "phone": "[phone]",
        "email": "[e-mail]",
        "iban": "[IBAN]",
        "national_number": "[national number]",
        "name": "[name]",
        "address": "[house number]",
    },
    "de": {
        "plate": "[Kennzeichen]",
        "phone": "[Telefonnummer]",
        "email": "[E-Mail]",
        "iban": "[IBAN]",
        "national_number": "[Nationalregisternummer]",
        "name": "[Name]",
        "address": "[Hausnummer]",
    },
}
_FALLBACK = "[…]"


def placeholder(kind: str, language: str) -> str:
    """The placeholder for ``kind`` in ``language`` (Dutch when the language is unknown)."""
    table = PLACEHOLDERS.get(language, PLACEHOLDERS["nl"])
    return table.get(kind, _FALLBACK)


def redact_text(text: str, hits: Sequence[Hit], kinds: Iterable[str], language: str) -> str:
    """``text`` with every hit whose kind is in ``kinds`` replaced; ``hits`` must not overlap."""
    wanted = frozenset(kinds)
    out: list[str] = []
    pos = 0
    for hit in sorted(hits, key=lambda h: h.start):
        if hit.kind not in wanted or hit.start < pos:
            continue
        out.append(text[pos : hit.start])
        out.append(placeholder(hit.kind, language))
        pos = hit.end
    out.append(text[pos:])
    return "".join(out)
