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
# Everything that is not a letter, a digit, ? or ! separates words: a run of it becomes one space.
_SEPARATORS = re.compile(r"[^a-z0-9?!]+")
_REPEATS = re.compile(r"([a-z])\1{2,}")


def fold(text: str) -> str:
    """Return ``text`` folded for matching (lower case, no accents, single spaces)."""
    folded = text.lower()
    if not folded.isascii():
        # Only non-ASCII text has letters to map or strip of accents (the ASCII entries of
        # _SPECIAL are separators anyway); most reports skip this.
        decomposed = unicodedata.normalize("NFKD", folded.translate(_SPECIAL))
        folded = decomposed.encode("ascii", "ignore").decode("ascii")
    cleaned = _SEPARATORS.sub(" ", folded)
    return _REPEATS.sub(r"\1\1", cleaned).strip()
