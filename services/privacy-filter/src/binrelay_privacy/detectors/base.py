"""What every detector returns: a ``Hit`` (kind and span in the original text).

Detectors are plain functions ``detect(text) -> list[Hit]``: no I/O, no logging, no state, so
they are cheap to test and to run per message. Values never leave them except as spans. Most
also take the text's :class:`~binrelay_privacy.detectors.scan.Scan`, which :func:`find` builds
once per text and shares: where their patterns can match at all.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from binrelay_shared.pii import PiiKind


class Hit(NamedTuple):
    kind: PiiKind
    start: int
    end: int


# Words (lower-case) that, shortly before a candidate, say "this is a licence plate / number".
_CONTEXT_WINDOW = 40


def has_context(text: str, start: int, pattern: re.Pattern[str], window: int = _CONTEXT_WINDOW) -> bool:
    """Whether ``pattern`` occurs in the ``window`` characters before ``start``."""
    return pattern.search(text, max(0, start - window), start) is not None


def preceding_word(text: str, start: int) -> str:
    """The word just before ``start`` (letters and dots), lower-cased, or ``""``."""
    i = start
    while i > 0 and text[i - 1] in " \t:#°-(":
        i -= 1
    j = i
    while j > 0 and (text[j - 1].isalpha() or text[j - 1] in ".'"):
        j -= 1
    return text[j:i].lower().strip(".")
