"""Compiles the lexicons into one regular expression and finds the cues in a folded text.

One pattern holds every entry, one capture group per distinct entry; alternatives are grouped by
their first letter and the longer ones come first, so the regex engine rejects most branches on
the first character. The text is scanned at every word start (``re.match`` at each start), which
lets cues overlap: in "zijn net weggereden" both "zijn net" and "net weggereden" are seen.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from binrelay_classifier.lexicon import GROUPS, Lexicon


@dataclass(frozen=True, slots=True)
class Cue:
    """One meaning of one lexicon entry."""

    tag: str
    lang: str
    weight: float
    label: str
    lang_only: bool


@dataclass(frozen=True, slots=True)
class Hit:
    """A cue found in a text, at a character offset of the folded text."""

    cue: Cue
    start: int
    end: int


def _entry_regex(entry: str) -> str:
    """Turn one entry of the lexicon syntax into a regex fragment."""
    parts: list[str] = []
    words = entry.split(" ")
    for i, word in enumerate(words):
        if word == "..":
            parts.append(r" (?:[a-z0-9?!]+ ){0,3}")
            continue
        if i > 0 and words[i - 1] != "..":
            parts.append(" ?")
        stem = word.endswith("*")
        core = word[:-1] if stem else word
        parts.append(re.escape(core) + (r"[a-z0-9]*" if stem else ""))
    return "".join(parts) + r"(?![a-z0-9])"


def _parse(lexicons: tuple[Lexicon, ...]) -> dict[str, list[Cue]]:
    """Every distinct entry pattern with all the cues it stands for."""
    table: dict[str, list[Cue]] = defaultdict(list)
    for lexicon in lexicons:
        for tag, by_lang in lexicon.items():
            for lang, spec in by_lang.items():
                for raw in spec.split("|"):
                    raw = raw.strip()
                    if not raw:
                        continue
                    weight = 1.0
                    if "=" in raw:
                        raw, w = raw.rsplit("=", 1)
                        weight = float(w)
                    lang_only = raw.startswith("!")
                    entry = raw.lstrip("!")
                    label = entry.replace("*", "").replace(" .. ", " ")
                    cue = Cue(tag, lang, weight, label, lang_only)
                    # A later table may re-weigh an entry (e.g. to 0): the later one wins.
                    table[entry] = [c for c in table[entry] if (c.tag, c.lang) != (tag, lang)]
                    table[entry].append(cue)
    return dict(table)


def _key(entry: str) -> str:
    """The index key of an entry: its first three letters, spaces removed."""
    return entry.replace("*", "").replace(" ", "")[:3]


class Matcher:
    """Finds every lexicon cue in a folded text.

    Each entry is its own small regex; an index on the first three letters (spaces removed, so
    "nest plus la" finds the entry "n est plus la") picks the few candidates to try at each word
    start. Cues may overlap, except that a cue lying strictly inside a longer one is dropped
    ("dringend" inside "niet dringend", "brand" inside "in brand").
    """

    def __init__(self, lexicons: tuple[Lexicon, ...] = GROUPS) -> None:
        table = _parse(lexicons)
        self.entries: list[str] = list(table)
        self.cues: list[tuple[Cue, ...]] = [tuple(table[e]) for e in self.entries]
        self._regex: list[re.Pattern[str]] = [re.compile(_entry_regex(e)) for e in self.entries]
        index: dict[str, list[int]] = defaultdict(list)
        for i, entry in enumerate(self.entries):
            index[_key(entry)].append(i)
        self._index = dict(index)
        self._tags: list[frozenset[str]] = [frozenset(c.tag for c in cues) for cues in self.cues]

    def find(self, folded: str) -> list[Hit]:
        """All cues at every word start of ``folded``."""
        spans: list[tuple[int, int, int]] = []
        index = self._index
        regex = self._regex
        pos = 0
        length = len(folded)
        while pos < length:
            head = folded[pos : pos + 6].replace(" ", "")
            for k in (head[:3], head[:2], head[:1]):
                for i in index.get(k, ()):
                    m = regex[i].match(folded, pos)
                    if m is not None:
                        spans.append((pos, m.end(), i))
            nxt = folded.find(" ", pos)
            if nxt < 0:
                break
            pos = nxt + 1
        hits: list[Hit] = []
        for start, end, i in spans:
            for cue in self.cues[i]:
                shadowed = any(
                    s <= start and end <= e and (e - s) > (end - start) and _shadows(self._tags[j], cue.tag)
                    for s, e, j in spans
                )
                if not shadowed:
                    hits.append(Hit(cue, start, end))
        return hits


def _family(tag: str) -> str:
    return "time" if tag.startswith(("urg:", "non:")) else tag


def _shadows(outer_tags: frozenset[str], tag: str) -> bool:
    """A longer cue hides a shorter one inside it when both speak of the same thing: the same tag,
    or both of time ("dringend" inside "niet dringend", "nu" inside "nu de winter")."""
    family = _family(tag)
    return any(_family(t) == family for t in outer_tags)
