"""Compiles the lexicons into regular expressions and finds the cues in a folded text.

Each entry becomes a small regex, tried at word starts only, which lets cues overlap: in
"zijn net weggereden" both "zijn net" and "net weggereden" are seen. An Aho-Corasick automaton
(pyahocorasick) over the literal start of every entry finds, in one pass over the text, the few
entries worth trying at each word start.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import product
from typing import Any

import ahocorasick

from binrelay_classifier.lexicon import LEXICON, CueEntry


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


def _parse(cues: Iterable[CueEntry]) -> dict[str, list[tuple[int, Cue]]]:
    """Every distinct entry pattern with all the cues it stands for, each with its rank: its
    place in the lexicon's load order (the loader refuses a cue listed twice for a language)."""
    table: dict[str, list[tuple[int, Cue]]] = defaultdict(list)
    for rank, entry in enumerate(cues):
        label = entry.cue.replace("*", "").replace(" .. ", " ")
        table[entry.cue].append((rank, Cue(entry.tag, entry.lang, float(entry.weight), label, entry.lang_only)))
    return dict(table)


def _key(entry: str) -> str:
    """The index key of an entry: its first three letters, spaces removed."""
    return entry.replace("*", "").replace(" ", "")[:3]


def _literal_starts(entry: str, max_words: int = 4, max_length: int = 6) -> set[str]:
    """Every way the literal start of ``entry`` (its words up to the first stem or gap, at most
    ``max_words``, cut to ``max_length`` characters) can be written in a folded text, each space
    there or not: "n est plus la" gives "n est ", "nest p", "n estp", ... Any text the entry
    matches at a word start begins with one of them. (Longer starts would hardly pick fewer
    entries to try, and would take megabytes more memory.)"""
    words: list[str] = []
    for word in entry.split(" "):
        if word == "..":
            break
        if word.endswith("*"):
            words.append(word[:-1])
            break
        words.append(word)
    words = words[:max_words]
    if not words or not words[0]:
        raise ValueError(f"lexicon entry without a literal start: {entry!r}")
    return {
        (words[0] + "".join(sep + word for sep, word in zip(seps, words[1:], strict=True)))[:max_length]
        for seps in product(("", " "), repeat=len(words) - 1)
    }


class Matcher:
    """Finds every lexicon cue in a folded text.

    Each entry is its own small regex, tried at a word start when the text there begins with the
    entry's literal start (found for all entries at once by an Aho-Corasick automaton) and with
    the entry's index key: its first three letters, spaces removed, so "nest plus la" finds the
    entry "n est plus la". Cues may overlap, except that a cue lying strictly inside a longer one
    is dropped ("dringend" inside "niet dringend", "brand" inside "in brand").
    """

    def __init__(self, cues: Iterable[CueEntry] = LEXICON.cues) -> None:
        table = _parse(cues)
        self.entries: list[str] = list(table)
        self.cues: list[tuple[Cue, ...]] = [tuple(cue for _, cue in table[e]) for e in self.entries]
        self._ranks: list[tuple[int, ...]] = [tuple(rank for rank, _ in table[e]) for e in self.entries]
        self._last_rank: list[int] = [ranks[-1] for ranks in self._ranks]
        self._regex: list[re.Pattern[str]] = [re.compile(_entry_regex(e)) for e in self.entries]
        self._keys: list[str] = [_key(e) for e in self.entries]
        # Per entry, the families of its cues: what it can shadow (one shared set per combination).
        shared: dict[frozenset[str], frozenset[str]] = {}
        self._families: list[frozenset[str]] = [
            shared.setdefault(fs, fs) for fs in (frozenset(_family(c.tag) for c in cues) for cues in self.cues)
        ]
        # Keys are " " + a literal start: the text is searched as " " + text, so that every
        # occurrence found is at a word start (the first word's too). Per key, the entries whose
        # index key the start itself spells out (almost all), then those for which the text
        # there must still be checked against the index key.
        sure: dict[str, list[int]] = defaultdict(list)
        unsure: dict[str, list[int]] = defaultdict(list)
        for i, entry in enumerate(self.entries):
            for start in _literal_starts(entry):
                spelled = start.replace(" ", "").startswith(self._keys[i])
                (sure if spelled else unsure)[" " + start].append(i)
        self._starts: Any = ahocorasick.Automaton()
        for key in sure.keys() | unsure.keys():
            self._starts.add_word(key, (len(key), tuple(sure.get(key, ())), tuple(unsure.get(key, ()))))
        self._starts.make_automaton()

    def find(self, folded: str) -> list[Hit]:
        """All cues at every word start of ``folded``."""
        keys = self._keys
        regex = self._regex
        found: list[tuple[int, int, int, int]] = []
        for last, (length, sure, unsure) in self._starts.iter(" " + folded):
            pos = last - length + 1  # the word start in `folded`
            ids = sure
            if unsure:
                # Only where the index key fits, as the first version's index tried them (it
                # matters for a stem shorter than the key: "ab* cd" is keyed "abc").
                head = folded[pos : pos + 6].replace(" ", "")
                ids = sure + tuple(i for i in unsure if head.startswith(keys[i]))
            for i in ids:
                m = regex[i].match(folded, pos)
                if m is not None:
                    found.append((pos, -len(keys[i]), i, m.end()))
        found.sort()
        spans = [(start, end, i) for start, _, i, end in found]
        ranks = self._ranks
        # Entries are numbered in the order of their first cue in the data, and an entry's cues
        # are in data order: by (position, longer index key first, entry) the cues come in data
        # order, unless two entries found at one place with keys of one length have interleaved
        # ranks (an entry with cues in several files): then the cues are sorted by rank below.
        last_rank = self._last_rank
        tie = False
        for (p1, k1, i1, _), (p2, k2, i2, _) in zip(found, found[1:], strict=False):  # noqa: RUF007
            if p1 == p2 and k1 == k2 and last_rank[i1] > ranks[i2][0]:
                tie = True
                break
        hits: list[Hit] = []
        ranked: list[tuple[int, int, int, Hit]] = []
        families = self._families
        for start, end, i in spans:
            # Families of the longer cues this one lies inside (almost always none).
            outer: set[str] = set()
            for s, e, j in spans:
                if s <= start and end <= e and (e - s) > (end - start):
                    outer |= families[j]
            if not tie:
                for cue in self.cues[i]:
                    if not outer or _family(cue.tag) not in outer:
                        hits.append(Hit(cue, start, end))
                continue
            for cue, rank in zip(self.cues[i], ranks[i], strict=True):
                if not outer or _family(cue.tag) not in outer:
                    ranked.append((start, -len(keys[i]), rank, Hit(cue, start, end)))
        if tie:
            # By position, then longer index keys first, then rank: which of two cues of one tag
            # found at one place comes first is the data's order. (start, key, rank) is unique.
            ranked.sort(key=_place)
            hits = [hit for _, _, _, hit in ranked]
        return hits


def _place(item: tuple[int, int, int, Hit]) -> tuple[int, int, int]:
    return item[0], item[1], item[2]


def _family(tag: str) -> str:
    """What a cue speaks of, for shadowing: a longer cue hides a shorter one inside it when both
    speak of the same thing: the same tag, or both of time ("dringend" inside "niet dringend",
    "nu" inside "nu de winter")."""
    return "time" if tag.startswith(("urg:", "non:")) else tag
