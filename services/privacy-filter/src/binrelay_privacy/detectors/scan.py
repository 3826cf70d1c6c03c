"""One cheap pass over a text that tells each detector where its matches can start.

Python's ``re`` tries a pattern at every position of the text unless the pattern begins with a
literal or a character set; the detectors' patterns begin with look-behinds and long
alternations, so each one costs a full slow scan per report even when the text holds nothing
for it. A :class:`Scan` finds, once per text, the few positions where a match *can* start (the
start of a digit run, of a word), and :func:`finditer_at` / :func:`search_at` try the pattern
only there. They return exactly the matches ``pattern.finditer`` / ``pattern.search`` return,
provided the positions given include every position where the pattern can match.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Collection, Iterator, Sequence

_DIGIT_RUN = re.compile(r"\d+")
_WORD = re.compile(r"\w+")


class Scan:
    """Facts about one text that several detectors use, each computed at most once."""

    __slots__ = ("_words", "digit_runs", "digit_starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.digit_runs: list[tuple[int, int]] = [m.span() for m in _DIGIT_RUN.finditer(text)]
        """(start, end) of each run of digits (``\\d``, as ``re`` reads it), in order."""
        self.digit_starts: list[int] = [start for start, _ in self.digit_runs]
        self._words: list[tuple[int, str | None]] | None = None

    @property
    def has_digit(self) -> bool:
        return bool(self.digit_starts)

    def words(self) -> list[tuple[int, str | None]]:
        """(start, lower-cased word) of every ``\\w+`` word; ``None`` for a word that is not ASCII.

        A non-ASCII word gets no key because ``str.lower`` and ``re.IGNORECASE`` disagree on some
        letters (``İ``, ``K`` the Kelvin sign); callers treat it as "may be anything".
        """
        if self._words is None:
            self._words = [
                (m.start(), w.lower() if w.isascii() else None) for m in _WORD.finditer(self.text) for w in (m.group(),)
            ]
        return self._words

    def word_starts(self, first_words: Collection[str], prefixes: tuple[str, ...] = ()) -> list[int]:
        """Starts of the words that are in ``first_words`` or begin with one of ``prefixes``
        (lower-case ASCII), and of every non-ASCII word."""
        return [
            start
            for start, key in self.words()
            if key is None or key in first_words or (prefixes and key.startswith(prefixes))
        ]


def finditer_at(pattern: re.Pattern[str], text: str, starts: Sequence[int]) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, trying only the sorted positions ``starts``.

    ``starts`` must hold every position where ``pattern`` can match, and ``pattern`` must never
    match the empty string. Look-behinds and ``\\b`` still see the text before each position.
    """
    pos = 0
    for start in starts:
        if start < pos:
            continue
        m = pattern.match(text, start)
        if m is not None:
            yield m
            pos = m.end()


def search_at(pattern: re.Pattern[str], text: str, pos: int, starts: Sequence[int]) -> re.Match[str] | None:
    """``pattern.search(text, pos)``, trying only the sorted positions ``starts`` (as above)."""
    for k in range(bisect_left(starts, pos), len(starts)):
        m = pattern.match(text, starts[k])
        if m is not None:
            return m
    return None
