"""Text folding: the one normal form every lexicon entry and every report is matched in.

Lower case, accents removed (unidecode-style for the Latin letters our four languages use),
apostrophes, hyphens and punctuation turned into spaces, runs of three or more identical letters
shortened to two ("heeeelp" -> "heelp", "nuuuu" -> "nuu"). ``?`` and ``!`` are kept because a
question and an exclamation are cues. Pure and fast (a few microseconds per report).
"""

from __future__ import annotations

import re
import unicodedata

_SPECIAL = str.maketrans(
    {
        "ß": "ss",
        "œ": "oe",
        "æ": "ae",
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "’": " ",
        "‘": " ",
        "`": " ",
        "´": " ",
        "'": " ",
        "-": " ",
        "–": " ",
        "—": " ",
        "_": " ",
        "/": " ",
    }
)
_NON_WORD = re.compile(r"[^a-z0-9?! ]+")
_REPEATS = re.compile(r"([a-z])\1{2,}")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Return ``text`` folded for matching (lower case, no accents, single spaces)."""
    lowered = text.lower().translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", lowered)
    ascii_only = decomposed.encode("ascii", "ignore").decode("ascii")
    cleaned = _NON_WORD.sub(" ", ascii_only)
    cleaned = _REPEATS.sub(r"\1\1", cleaned)
    return _SPACES.sub(" ", cleaned).strip()
