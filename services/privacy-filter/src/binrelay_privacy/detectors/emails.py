"""E-mail addresses, including the usual obfuscations (``jan [at] example.be``, ``(at)``, ``[dot]``)."""

from __future__ import annotations

import re

from binrelay_privacy.detectors.base import Hit
from binrelay_shared.pii import PiiKind

KIND = PiiKind.email

_AT = r"(?:@|\s?[\[({]\s?(?:at|@)\s?[\])}]\s?)"
_DOT = r"(?:\.|\s?[\[({]\s?(?:dot|punt|point)\s?[\])}]\s?)"
_LOCAL = r"[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*"
_DOMAIN = rf"(?:[^\W_](?:[\w-]*[^\W_])?{_DOT})+[^\W\d_]{{2,24}}"
_EMAIL = re.compile(rf"(?<![\w.+-]){_LOCAL}{_AT}{_DOMAIN}(?![\w-])", re.IGNORECASE)
# Every address holds an "@" or a bracketed "at" (the core of _AT): without one, no scan.
_BRACKETED_AT = re.compile(r"[\[({]\s?(?:at|@)\s?[\])}]", re.IGNORECASE)


def detect(text: str) -> list[Hit]:
    """Every e-mail address in ``text``."""
    if "@" not in text and _BRACKETED_AT.search(text) is None:
        return []
    return [Hit(KIND, m.start(), m.end()) for m in _EMAIL.finditer(text)]
