"""Third parties' house numbers, only where the text says someone *lives* there.

Street names stay readable (the group needs to know where something happened) and so do the
numbers of places where something happened ("aan de Meudonstraat 12 stond een auto"). A house
number is personal data when it tells where a person (a third party, or the reporter, whom the
group must not be able to identify) lives: after ``woont op/in/aan``, ``ik woon``,
``habite (au) …``, ``domicilié …``, ``lives at …``, ``wohnt in …``, ``adres is`` / ``adresse
est`` / ``address is``. The number (with its ``bus``/``boîte`` suffix) is the finding; the street
name stays.
"""

from __future__ import annotations

import re

from binrelay_privacy.detectors.base import Hit
from binrelay_privacy.detectors.scan import Scan, finditer_at, key_words
from binrelay_shared.pii import PiiKind

KIND = PiiKind.address

_RESIDES = (
    r"(?:woon|woont|wonen|woonde|verblijft)\s(?:op|in|aan|te|bij)(?:\s(?:de|het|nummer|nr\.?))?"
    r"|(?:zijn|haar|hun)\sadres\sis"
    r"|(?:habite|habitent|habitait|réside|résident|domicilié(?:e|s)?)(?:\s(?:au|à|a|dans|rue|en))?(?:\s(?:la|le|l'|du|de))?"
    r"|(?:son|leur)\sadresse\s(?:est|:)"
    r"|(?:live|lives|lived|living|stays)\s(?:at|in|on)(?:\s(?:the|number|no\.?))?"
    r"|(?:his|her|their)\saddress\sis"
    r"|wohnt\s(?:in|an|auf)(?:\s(?:der|dem|die))?"
)
_TIME_WORDS = (
    r"(?:sinds|al|nog|pas|hier|daar|depuis|ici|encore|since|here|there|for|already|seit|schon"
    r"|met|avec|with|mit)"
)
_STREET = rf"(?:(?!(?i:{_TIME_WORDS})\s)[\w'’.-]+\s){{0,5}}?"
_NUMBER = r"(?P<nr>\d{1,3}(?:\s?[a-zA-Z](?![\w]))?(?:\s?(?i:bus|boîte|bte|b\.|/)\s?\d{1,4}[a-zA-Z]?)?)"
_ADDRESS = re.compile(
    rf"(?i:\b(?:{_RESIDES}))\s{_STREET}(?:nummer\s|nr\.?\s?|n°\s?|no\.?\s?|number\s)?{_NUMBER}(?![\d,.:/-]\d|\d|\s?(?i:jaar|ans|years|uur|h\b|u\b|km|m\b|euro|€))"
)


# The first word of each _RESIDES phrase (ASCII spellings; non-ASCII words are always tried).
_FIRST_WORDS = key_words(
    "woon woont wonen woonde verblijft zijn haar hun habite habitent habitait reside resident"
    " domicilie domiciliee domicilies son leur live lives lived living stays his her their wohnt".split()
)


def detect(text: str, scan: Scan | None = None) -> list[Hit]:
    """House numbers of places where someone lives."""
    scan = scan or Scan(text)
    if not scan.has_digit:
        return []  # no house number
    # a match starts at a word boundary with one of the phrases: only their first words can
    starts = scan.word_starts(_FIRST_WORDS)
    return [Hit(KIND, m.start("nr"), m.end("nr")) for m in finditer_at(_ADDRESS, text, starts)]
