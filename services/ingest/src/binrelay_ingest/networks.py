"""Which network is this report about? Street names in Dutch or French, matched against the
networks' bilingual street lists (``area.streets`` of ``deploy/networks/*.yaml``, read by the
shared loader :mod:`binrelay_shared.network` like every other reader of these files).

A street is matched in a *folded* form: lower case, no accents, no punctuation, abbreviations
expanded (``str.`` → ``straat``, ``r.`` → ``rue``, ``av.`` → ``avenue``, ``stwg`` → ``steenweg``,
``chée`` → ``chaussee``, ``pl.`` → ``plein``/``place``, ``St-`` → ``sint``/``saint``), then
compacted (spaces removed, so "Bodenbroek straat" is "Bodenbroekstraat"). House numbers, box
numbers and postcodes are dropped. The resolver tries, in order:

1. the structured ``street`` field, exactly (compact form), then with a small typo (edit ratio);
2. any street name occurring in the free text (``location.text``, then the report's text).

No match is not an error: the report goes to the zone with ``network_id = None``.
Pure and fast: the index is built once; a lookup is a few dictionary probes.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from binrelay_shared.network import NetworkFile
from binrelay_shared.network import load_networks as shared_load_networks


@dataclass(frozen=True, slots=True)
class Resolution:
    """The outcome of resolving a location: the network (or none) and how it was found."""

    network_id: str | None
    how: str
    """``hint``, ``street``, ``street_fuzzy``, ``text`` or ``none`` (a bounded label)."""


def load_networks(directory: Path) -> dict[str, NetworkFile]:
    """The networks of ``directory`` as the shared loader reads and checks them (the dispatcher's
    view, to the line): raises :class:`~binrelay_shared.network.PlanError` naming every problem."""
    return {net_id: net.file for net_id, net in shared_load_networks(directory, None).items()}


# ---------------------------------------------------------------------------------------------
# Folding
# ---------------------------------------------------------------------------------------------

_PUNCT = re.compile(r"[^a-z0-9. ]+")
_SPACES = re.compile(r"\s+")
# Whole-word abbreviations (after folding; a trailing dot is optional).
_WORD_ABBREV = {
    "r": "rue",
    "av": "avenue",
    "ave": "avenue",
    "bd": "boulevard",
    "bld": "boulevard",
    "bvd": "boulevard",
    "ch": "chaussee",
    "chee": "chaussee",
    "chs": "chaussee",
    "chaus": "chaussee",
    "pl": "place",
    "sq": "square",
    "str": "straat",
    "stwg": "steenweg",
    "stw": "steenweg",
    "st": "saint",
    "ste": "sainte",
}
# Suffix abbreviations glued to a Dutch name ("Bodenbroekstr.", "Kasteleinspl.", "Vilvoordsestwg").
_SUFFIX_ABBREV = (
    ("steenw", "steenweg"),
    ("stwg", "steenweg"),
    ("str", "straat"),
    ("pl", "plein"),
    ("ln", "laan"),
)
_NUMBERS = re.compile(r"\b\d+[a-z]?\b|\b(?:bus|boite|bte|box)\b")
_NOISE = re.compile(r"\b(?:bruxelles|brussel|brussels|ixelles|elsene|neder over heembeek|laeken|laken)\b")
# Generic street words: what is left without them is a street's "core" name.
_TYPES = (
    "straat", "steenweg", "laan", "plein", "voorplein", "rue", "avenue", "chaussee", "place", "parvis",
    "boulevard", "square",
)  # fmt: skip
_ARTICLES = {"de", "du", "des", "la", "le", "les", "l", "d", "van", "der", "den", "het"}


def fold(text: str) -> str:
    """Lower case, accents removed, punctuation turned into spaces (dots kept for abbreviations)."""
    text = unicodedata.normalize("NFKD", text.replace("ß", "ss").replace("œ", "oe").replace("æ", "ae"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return _SPACES.sub(" ", _PUNCT.sub(" ", text)).strip()


def _expand(folded: str) -> str:
    words = []
    for raw in folded.replace(".", ". ").split():
        word = raw.rstrip(".")
        if not word:
            continue
        if word in _WORD_ABBREV:
            words.append(_WORD_ABBREV[word])
            continue
        for short, full in _SUFFIX_ABBREV:
            if len(word) > len(short) + 2 and word.endswith(short):
                word = word[: -len(short)] + full
                break
        words.append(word)
    return " ".join(words)


def normalize_street(text: str) -> str:
    """A street as typed, in the form the index uses: folded, expanded, numbers dropped."""
    expanded = _expand(fold(text))
    return _SPACES.sub(" ", _NOISE.sub(" ", _NUMBERS.sub(" ", expanded))).strip()


def _compact(normalized: str) -> str:
    return normalized.replace(" ", "")


def _variants(name: str) -> set[str]:
    """Compact forms under which a street name may be written."""
    norm = normalize_street(name)
    out = {_compact(norm)}
    # "Sint-Jansplein" is often "St-Jansplein" (folded to "saint jansplein"); index both.
    out.add(_compact(norm.replace("sint ", "saint ")))
    out.add(_compact(norm.replace("saint ", "st ")))
    # "Place du Grand Sablon" is written "Pl. Grand Sablon"; "Rue de la Régence" as "Rue Régence".
    words = norm.split()
    if words and words[0] in _TYPES:
        out.add(_compact(" ".join([words[0], *(w for w in words[1:] if w not in _ARTICLES)])))
    return {v for v in out if v}


@dataclass
class Resolver:
    """Resolves locations to networks; build it once from :func:`load_networks`."""

    networks: Mapping[str, NetworkFile]
    _exact: dict[str, str] = field(init=False, default_factory=dict)
    _by_length: list[tuple[str, str]] = field(init=False, default_factory=list)
    _cache: dict[str, Resolution | None] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        for net in self.networks.values():
            for street in net.area.streets:
                for name in street.names():
                    for variant in _variants(name):
                        self._exact.setdefault(variant, net.id)
        # Longest names first, so "Zavelstraat" is not mistaken for a part of a longer name.
        self._by_length = sorted(self._exact.items(), key=lambda kv: -len(kv[0]))

    def _street(self, street: str) -> Resolution | None:
        """The network of a structured street field (cached: streets repeat)."""
        cached = self._cache.get(street)
        if cached is not None or street in self._cache:
            return cached
        key = _compact(normalize_street(street))
        found: Resolution | None = None
        if key in self._exact:
            found = Resolution(self._exact[key], "street")
        elif 6 <= len(key) <= 48:  # street-sized only: difflib is quadratic
            close = difflib.get_close_matches(key, self._exact.keys(), n=1, cutoff=0.86)
            if close:
                found = Resolution(self._exact[close[0]], "street_fuzzy")
        if len(self._cache) >= 10_000:
            self._cache.clear()
        self._cache[street] = found
        return found

    def resolve(
        self,
        *,
        street: str | None = None,
        text: Iterable[str | None] = (),
        among: Iterable[str] | None = None,
    ) -> Resolution:
        """The network of a street (Dutch or French, abbreviations, number or not) or of free text.

        ``among`` limits the candidates (e.g. the networks a credential may post for).
        """
        allowed = set(among) if among is not None else None

        def ok(net_id: str | None) -> bool:
            return net_id is not None and (allowed is None or net_id in allowed)

        if street:
            found = self._street(street)
            if found is not None and ok(found.network_id):
                return found
            # A street field that holds a sentence ("on the corner of rue Lebeau"): search it.
            texts: list[str | None] = [street, *text]
        else:
            texts = list(text)
        for chunk in texts:
            if not chunk:
                continue
            hay = _compact(normalize_street(chunk))
            for name, net_id in self._by_length:
                if len(name) >= 8 and name in hay and ok(net_id):
                    return Resolution(net_id, "text")
        return Resolution(None, "none")
