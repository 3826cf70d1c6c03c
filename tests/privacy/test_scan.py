"""The Scan's shortcuts: patterns tried only where they can match find what a full scan finds."""

from __future__ import annotations

from binrelay_privacy.detectors import addresses, names
from binrelay_privacy.detectors.scan import Scan, finditer_at, search_at


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
