"""The Scan's shortcuts: patterns tried only where they can match find what a full scan finds."""

from __future__ import annotations

import re

from binrelay_privacy.detectors import addresses, names
from binrelay_privacy.detectors.scan import Scan, finditer_at, search_at

_W = re.compile(r"\w")


def test_lower_case_keeps_word_characters() -> None:
    """Given every Unicode character whose lower case is one character,
    When it is lower-cased,
    Then it is a word character (``\\w``) exactly when its lower case is one (the Scan finds key
    words in the lower-cased text and relies on word boundaries staying put)."""
    changed = []
    for code in range(0x110000):
        char = chr(code)
        lower = char.lower()
        if len(lower) == 1 and (_W.match(char) is None) != (_W.match(lower) is None):
            changed.append(hex(code))
    assert changed == []


def test_word_starts_any_case_and_non_ascii() -> None:
    """Given a text with key words in any case and non-ASCII words,
    When the starts of the name detector's first words are asked,
    Then every key word (whole words only) and every non-ASCII word is there."""
    text = "MENEER Peeters, meneerke Van de Velde; İk zag mevrouw Dubois en de getuige."
    starts = Scan(text).word_starts(names._SIGNAL_FIRST)
    words = {text[s : s + 6] for s in starts}
    assert {"MENEER", "İk zag", "mevrou", "de Vel", "de get"} <= words
    assert text.index("meneerke") not in starts


def test_finditer_at_equals_finditer() -> None:
    """Given the house-number pattern and a text with several matches,
    When it is tried only at the Scan's starts,
    Then the matches are those of a full scan."""
    text = "Hij woont op nummer 12 en zij woont in de Meudonstraat 14 bus 3; WOONT OP 7b."
    starts = Scan(text).word_starts(addresses._FIRST_WORDS)
    full = [m.span() for m in addresses._ADDRESS.finditer(text)]
    assert [m.span() for m in finditer_at(addresses._ADDRESS, text, starts)] == full
    assert len(full) == 3
    first = search_at(addresses._ADDRESS, text, 5, starts)
    assert first is not None and first.span() == full[1 if full[0][0] < 5 else 0]
