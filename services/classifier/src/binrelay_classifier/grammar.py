"""Grammar cues (tense: progressive, perfect, passé composé) found in a folded text.

Each pattern of the lexicon's ``grammar.yaml`` gives at most one hit: its first
match. Most of them begin with a word from a fixed list (``\\b(?:is|are|s|re|am)\\s+...``), so they
can only match where one of those words stands: one Aho-Corasick pass over the text finds where
each such pattern can first match. A pattern none of whose words occurs is not searched at all;
the others are searched from their first word on, which finds the same first match as a search
from the start of the text.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import ahocorasick

from binrelay_classifier.lexicon import LEXICON, GrammarEntry
from binrelay_classifier.matcher import Cue, Hit

# A pattern that starts with a list of plain words followed by a space: \b(?:is|are|has been)\s
_LEADING_WORDS = re.compile(r"\\b\(\?:([a-z]+(?: [a-z]+)*(?:\|[a-z]+(?: [a-z]+)*)*)\)\\s")

# ? and ! are kept by folding but end a word as a space does (\b): seen as spaces when looking
# for the leading words (one character for one, so positions stay the same).
_AS_SPACE = str.maketrans("?!", "  ")


def _top_level_alternation(pattern: str) -> bool:
    """Whether ``pattern`` has a ``|`` outside any group (then its first words are not the only
    way it can start: "\\b(?:van|de)\\s+\\d+|\\b\\d+ jaar")."""
    depth = 0
    in_class = False
    escaped = False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return True
    return False


def leading_words(pattern: str) -> tuple[str, ...] | None:
    """The words one of which every match of ``pattern`` starts with (followed by a space), or
    None when the pattern is not of that form."""
    m = _LEADING_WORDS.match(pattern)
    if m is None or _top_level_alternation(pattern):
        return None
    return tuple(m.group(1).split("|"))


class Grammar:
    """The grammar cues of every language, ready to be found in folded texts."""

    def __init__(self, grammar: Sequence[GrammarEntry] = LEXICON.grammar) -> None:
        self._patterns = [
            (re.compile(g.pattern), Cue(g.tag, g.lang, float(g.weight), f"grammar {g.label}", True)) for g in grammar
        ]
        self._by_lang: dict[str, list[int]] = {}
        # Pattern number -> whether it has leading words (patterns without are always searched).
        self._led: list[bool] = []
        words: dict[str, list[int]] = defaultdict(list)
        for k, g in enumerate(grammar):
            leading = leading_words(g.pattern)
            self._led.append(leading is not None)
            for word in leading or ():
                words[f" {word} "].append(k)
        self._words: Any = ahocorasick.Automaton()
        for key, ks in words.items():
            self._words.add_word(key, (len(key), tuple(ks)))
        if words:
            self._words.make_automaton()

    def _applicable(self, lang: str) -> list[int]:
        """The patterns of ``lang`` and of every language, in the data file's order."""
        ks = self._by_lang.get(lang)
        if ks is None:  # a handful of languages: computed once each
            ks = self._by_lang[lang] = [k for k, (_, c) in enumerate(self._patterns) if c.lang in (lang, "*")]
        return ks

    def hits(self, folded: str, lang: str) -> list[Hit]:
        """The first match of each grammar cue of ``lang`` (and of every language) in ``folded``."""
        first: dict[int, int] = {}
        if len(self._words):
            for last, (length, ks) in self._words.iter(" " + folded.translate(_AS_SPACE)):
                start = last - length + 1  # the word's start in `folded`
                for k in ks:
                    # Occurrences come by where they end: a longer word may start earlier.
                    if start < first.get(k, start + 1):
                        first[k] = start
        hits: list[Hit] = []
        for k in self._applicable(lang):
            pattern, cue = self._patterns[k]
            if self._led[k]:
                start = first.get(k)
                if start is None:
                    continue
                m = pattern.search(folded, start)
            else:
                m = pattern.search(folded)
            if m is not None:
                hits.append(Hit(cue, m.start(), m.end()))
        return hits
