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
from collections.abc import Iterable, Iterator, Sequence

_DIGIT_RUN = re.compile(r"\d+")
_WORD = re.compile(r"\w+")

# Words that matches of some detector's pattern begin with (lower-case ASCII), registered by the
# detectors at import (:func:`key_words`), and one pattern that finds them all.
_KEY_WORDS: set[str] = set()
_key_pattern: re.Pattern[str] | None = None


def key_words(words: Iterable[str]) -> frozenset[str]:
    """Register ``words`` (lower-case ASCII word characters) for :meth:`Scan.word_starts`."""
    global _key_pattern
    registered = frozenset(words)
    bad = [w for w in registered if not (w.isascii() and w == w.lower() and _WORD.fullmatch(w))]
    if bad:
        raise ValueError(f"key words must be lower-case ASCII word characters: {sorted(bad)}")
    _KEY_WORDS.update(registered)
    _key_pattern = None
    return registered


def _trie(words: Iterable[str]) -> str:
    """A regex matching exactly ``words``, as a trie: the engine follows one branch per letter."""
    tails: dict[str, list[str]] = {}
    ends = False
    for word in sorted(set(words)):
        if word:
            tails.setdefault(word[0], []).append(word[1:])
        else:
            ends = True
    if not tails:
        return ""
    branches = [re.escape(first) + _trie(rest) for first, rest in sorted(tails.items())]
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if ends else body


def _key_words_pattern() -> re.Pattern[str]:
    global _key_pattern
    if _key_pattern is None:
        _key_pattern = re.compile(rf"(?<!\w){_trie(_KEY_WORDS)}(?!\w)")
    return _key_pattern


class Scan:
    """Facts about one text that several detectors use, each computed at most once."""

    __slots__ = ("_key_words", "digit_runs", "digit_starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.digit_runs: list[tuple[int, int]] = [m.span() for m in _DIGIT_RUN.finditer(text)]
        """(start, end) of each run of digits (``\\d``, as ``re`` reads it), in order."""
        self.digit_starts: list[int] = [start for start, _ in self.digit_runs]
        self._key_words: list[tuple[int, str | None]] | None = None

    @property
    def has_digit(self) -> bool:
        return bool(self.digit_starts)

    def _find_key_words(self) -> list[tuple[int, str | None]]:
        """(start, word) of every registered key word in the text, any case, as a whole ``\\w+``
        word, and (start, ``None``) of every word that is not ASCII, in order.

        ``str.lower`` and ``re.IGNORECASE`` disagree on some non-ASCII letters (``İ``, ``K`` the
        Kelvin sign, ``ſ``), so a non-ASCII word may be anything. In an ASCII text, lower-casing
        keeps every position and one trie pattern finds the key words; a text with non-ASCII
        words is taken word by word (faster than the trie for short texts, which most are).
        """
        if self._key_words is None:
            text = self.text
            if text.isascii():
                self._key_words = [(m.start(), m.group()) for m in _key_words_pattern().finditer(text.lower())]
            else:
                found: list[tuple[int, str | None]] = []
                for m in _WORD.finditer(text):
                    word = m.group()
                    if not word.isascii():
                        found.append((m.start(), None))
                    elif (key := word.lower()) in _KEY_WORDS:
                        found.append((m.start(), key))
                self._key_words = found
        return self._key_words

    def word_starts(self, first_words: frozenset[str]) -> list[int]:
        """Starts of the words (any case) that are in ``first_words`` — registered with
        :func:`key_words` — and of every non-ASCII word, in order."""
        return [start for start, key in self._find_key_words() if key is None or key in first_words]


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
