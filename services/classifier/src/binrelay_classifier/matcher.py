"""Compiles the lexicons into regular expressions and finds the cues in a folded text.

Each entry becomes a small regex; the entries are indexed by their first three letters and the
candidates of one index key are compiled together into one scanner. The text is scanned at every
word start (one ``re.match`` of the scanner at each start), which lets cues overlap: in
"zijn net weggereden" both "zijn net" and "net weggereden" are seen.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from itertools import compress

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

    The candidates of one index key are compiled together into a single *scanner*: one optional
    lookahead per entry, ``(?=(entry)|)``, so one ``match`` call at a word start tries them all
    in C and reports each entry's own match (a lookahead matches exactly what the entry's regex
    alone would match there, so the result is the same as trying the entries one by one).
    """

    def __init__(self, lexicons: tuple[Lexicon, ...] = GROUPS) -> None:
        table = _parse(lexicons)
        self.entries: list[str] = list(table)
        self.cues: list[tuple[Cue, ...]] = [tuple(table[e]) for e in self.entries]
        self._regex: list[str] = [_entry_regex(e) for e in self.entries]
        index: dict[str, list[int]] = defaultdict(list)
        for i, entry in enumerate(self.entries):
            index[_key(entry)].append(i)
        self._index = dict(index)
        # Per entry: its cues with the family each belongs to, and the families it can shadow.
        self._cue_families: list[tuple[tuple[Cue, str], ...]] = [
            tuple((c, _family(c.tag)) for c in cues) for cues in self.cues
        ]
        self._families: list[frozenset[str]] = [frozenset(f for _, f in cf) for cf in self._cue_families]
        self._scanners = {key: self._scanner(key) for key in self._index}

    def _scanner(self, key: str) -> tuple[re.Pattern[str], tuple[int, ...]]:
        """The entries a word start whose head is ``key`` may match: those indexed under the key,
        then under its two- and one-letter prefixes (the order a one-by-one scan would try)."""
        ids: list[int] = []
        for k in dict.fromkeys((key, key[:2], key[:1])):
            ids += self._index.get(k, ())
        pattern = "".join(f"(?=({self._regex[i]})|)" for i in ids)
        return re.compile(pattern), tuple(ids)

    def _lookup(self, head: str) -> tuple[re.Pattern[str], tuple[int, ...]] | None:
        scanners = self._scanners
        return scanners.get(head[:3]) or scanners.get(head[:2]) or scanners.get(head[:1])

    def find(self, folded: str) -> list[Hit]:
        """All cues at every word start of ``folded``."""
        spans: list[tuple[int, int, int]] = []
        lookup = self._lookup
        pos = 0
        length = len(folded)
        while pos < length:
            scanner = lookup(folded[pos : pos + 6].replace(" ", ""))
            if scanner is not None:
                pattern, ids = scanner
                m = pattern.match(folded, pos)
                if m is not None and m.lastindex is not None:  # at least one entry matched
                    found = m.groups()
                    for i, text in compress(zip(ids, found, strict=True), found):
                        spans.append((pos, pos + len(text), i))
            nxt = folded.find(" ", pos)
            if nxt < 0:
                break
            pos = nxt + 1
        hits: list[Hit] = []
        families = self._families
        for start, end, i in spans:
            # Families of the longer cues this one lies inside (almost always none).
            outer: set[str] = set()
            for s, e, j in spans:
                if s <= start and end <= e and (e - s) > (end - start):
                    outer |= families[j]
            for cue, family in self._cue_families[i]:
                if family not in outer:
                    hits.append(Hit(cue, start, end))
        return hits


def _family(tag: str) -> str:
    """What a cue speaks of, for shadowing: a longer cue hides a shorter one inside it when both
    speak of the same thing: the same tag, or both of time ("dringend" inside "niet dringend",
    "nu" inside "nu de winter")."""
    return "time" if tag.startswith(("urg:", "non:")) else tag
