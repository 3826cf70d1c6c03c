"""Licence plates: Belgian, Dutch, French, German and Luxembourg formats.

How it works: the text is cut into alphanumeric tokens; runs of up to four tokens joined by a
single dash or space (or nothing) are reduced to a *shape* (``9`` for a digit, ``A`` for a
letter, separators kept: ``1-abc-123`` → ``9-AAA-999``) and the shape is looked up in a table
generated from the formats below. One regex pass and a few dictionary look-ups per token: fast.

Formats are *strong* (the shape alone is convincing: Belgian ``1-ABC-123``, French ``AB-123-CD``,
Dutch side-codes with dashes) or *weak* (a shape that ordinary text also makes: old Belgian
``ABC-123``/``123-ABC``, Luxembourg ``AB 1234``, German ``B-AB 1234``, old French ``123 ABC 75``).
A weak shape needs upper-case letters, a dash (``abc-123``), or a vehicle word shortly before ("nummerplaat",
"plaque", "kenteken", "auto", ...). Any shape written with spaces and lower-case letters needs
that context too. Letter groups that are common words, units, months, currencies or country codes
(``EUR``, ``KM``, ``MEI``, ``NL``) never make a plate, and neither does a token run introduced by
a case-reference word ("PV", "dossier", "réf.") or glued to other characters (``12/ABC``,
``ABC-123-45``).
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from collections.abc import Callable

from binrelay_privacy.detectors.base import Hit, has_context, preceding_word
from binrelay_privacy.detectors.scan import Scan
from binrelay_shared.pii import PiiKind

KIND = PiiKind.plate

# (name, groups, strong). A group is (class, min, max); class "9" digits, "A" letters.
_G = tuple[str, int, int]
_FORMATS: list[tuple[str, list[_G], bool]] = [
    ("be", [("9", 1, 1), ("A", 3, 3), ("9", 3, 3)], True),  # 1-ABC-123 (2010-)
    ("be-old", [("A", 3, 3), ("9", 3, 3)], False),  # ABC-123 (1973-2010)
    ("be-older", [("9", 3, 3), ("A", 3, 3)], False),  # 123-ABC (1962-1973)
    ("fr", [("A", 2, 2), ("9", 3, 3), ("A", 2, 2)], True),  # AB-123-CD (SIV, 2009-)
    ("fr-fni", [("9", 1, 4), ("A", 2, 3), ("9", 2, 2)], False),  # 123 ABC 75 (FNI)
    ("lu", [("A", 2, 2), ("9", 4, 4)], False),  # AB 1234
    # Dutch side-codes 1-14
    ("nl1", [("A", 2, 2), ("9", 2, 2), ("9", 2, 2)], True),
    ("nl2", [("9", 2, 2), ("9", 2, 2), ("A", 2, 2)], True),
    ("nl3", [("9", 2, 2), ("A", 2, 2), ("9", 2, 2)], True),
    ("nl4", [("A", 2, 2), ("9", 2, 2), ("A", 2, 2)], True),
    ("nl5", [("A", 2, 2), ("A", 2, 2), ("9", 2, 2)], True),
    ("nl6", [("9", 2, 2), ("A", 2, 2), ("A", 2, 2)], True),
    ("nl7", [("9", 2, 2), ("A", 3, 3), ("9", 1, 1)], True),
    ("nl8", [("9", 1, 1), ("A", 3, 3), ("9", 2, 2)], True),
    ("nl9", [("A", 2, 2), ("9", 3, 3), ("A", 1, 1)], True),
    ("nl10", [("A", 1, 1), ("9", 3, 3), ("A", 2, 2)], True),
    ("nl11", [("A", 3, 3), ("9", 2, 2), ("A", 1, 1)], True),
    ("nl12", [("A", 1, 1), ("9", 2, 2), ("A", 3, 3)], True),
    ("nl13", [("9", 1, 1), ("A", 2, 2), ("9", 3, 3)], True),
    ("nl14", [("9", 3, 3), ("A", 2, 2), ("9", 1, 1)], True),
]

# Shapes that are plates only with a separator between the groups (``1234AB`` is a Dutch postcode).
_GERMAN = "de"


def _shapes() -> dict[str, tuple[str, bool]]:
    table: dict[str, tuple[str, bool]] = {}

    def add(shape: str, name: str, strong: bool) -> None:
        old = table.get(shape)
        if old is None or (strong and not old[1]):
            table[shape] = (name, strong)

    for name, groups, strong in _FORMATS:
        for sizes in itertools.product(*[range(lo, hi + 1) for _, lo, hi in groups]):
            parts = [cls * n for (cls, _, _), n in zip(groups, sizes, strict=True)]
            boundaries = len(parts) - 1
            for seps in itertools.product(("-", " ", ""), repeat=boundaries):
                ok = True
                for i, sep in enumerate(seps):
                    same_class = parts[i][0] == parts[i + 1][0]
                    if sep == "" and same_class:
                        ok = False  # two groups of one class need a separator between them
                if not ok:
                    continue
                if name in ("nl1", "nl2", "nl5", "nl6") and "" in seps:
                    continue  # 1234AB is a Dutch postcode; AB12 34 is nothing
                shape = parts[0] + "".join(s + p for s, p in zip(seps, parts[1:], strict=True))
                add(shape, name, strong)
    add("9.AAA.999", "be", True)  # 1.ABC.123: Belgian plates are also written with dots
    # German: district (1-3 letters) DASH|SPACE letters (1-2) [sep] digits (1-4) [E|H]
    for d, letters, digits in itertools.product(range(1, 4), range(1, 3), range(1, 5)):
        for first, sep in itertools.product(("-", " "), ("-", " ", "")):
            if first == " " and digits < 3:
                continue  # "BMW X5", "VW ID 3": brand and model, not a plate
            for suffix in ("", "A"):
                add("A" * d + first + "A" * letters + sep + "9" * digits + suffix, _GERMAN, False)
    return table


SHAPES = _shapes()
_SHAPE_PREFIXES = frozenset(shape[:n] for shape in SHAPES for n in range(1, len(shape) + 1))
_MAX_TOKENS = 4
_MAX_LEN = 12

_TOKEN = re.compile(r"[^\W_]+")
_WORD = re.compile(r"(?<![^\W_])[^\W\d_]{4,}(?![^\W_])")
_SHAPE = str.maketrans(
    {
        **dict.fromkeys(map(ord, "0123456789"), "9"),
        **dict.fromkeys(map(ord, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÜäöü"), "A"),
        ord("–"): "-",
        0xA0: " ",
    }
)


def _may_be_part(token: str) -> bool:
    """Whether a token can be (part of) a plate: short, and not a long word or number."""
    n = len(token)
    if n > 8:
        return False
    if token.isalpha():
        return n <= 3
    if token.isdigit():
        return n <= 4
    return True


_CONTEXT = re.compile(
    r"plaat|platen|plaque|plate|kenteken|immatricul|registration|kennzeichen|auto|wagen|voiture"
    r"|v[ée]hicule|vehicle|\bcar\b|camion|moto|scooter|busje|\bvan\b|bestel|truck|lorry|fourgon",
    re.IGNORECASE,
)
_PLATE_WORD = re.compile(
    r"pla(?:at|ten|que|te|tes)|kenteken|immatricul\w*|registration|kennzeichen|reg\.?", re.IGNORECASE
)
_REFERENCE_WORDS = frozenset(
    "pv p.v pv-nummer pv-nr proces-verbaal procès-verbal dossier dossiernummer ref réf référence"
    " referentie reference notitie notitienummer ticket case zaak zaaknummer".split()
)
# "nummer 12-AB-34" is a reference, "plaat nummer 1-ABC-123" a plate: these need no vehicle word
_NUMBER_WORDS = frozenset("nr n° no num numéro nummer number id code postcode code-postal".split())

# Months and days: "3-mei-24", "12-mar-4" are dates even in a plate's shape.
DATE_WORDS = frozenset(
    """
    jan feb mrt mar apr mei may jun jul aug aou aoû sep sept okt oct nov dec déc fev fév avr jui
    ma di wo do vr za zo lun mer jeu ven sam dim mon tue wed thu fri sat sun
    """.split()
)
# Units, currencies, reference abbreviations: "250EUR", "PV-2024", "REF-123".
STOP_ALWAYS = DATE_WORDS | frozenset(
    """
    eur usd gbp chf bef fb frs kmh kph mph km cm mm kg ml cl uur min sec sek std hr hrs am pm cet cest
    utc gmt kwh kva rpm bpm dpi mah ltr lit pv nr ref sos
    """.split()
)
# Letter groups that are also words, abbreviations or country codes: not a plate unless the shape
# is a strong one written with dashes or in one piece.
STOP_LETTERS = STOP_ALWAYS | frozenset(
    """
    tel gsm fax sms mms app bus bis nrs no rue av bd ch str ave rd st
    be nl fr de lu uk gb ch it es pl ro us eu
    in te en op om aan bij tot van met het een de der den die dat wat wie hij zij ze we je ik na
    per sur des les une aux pas que qui son ses mes tes nos vos via out dan wel nee zie ben hem haar
    voor uit per of al als dag jaar ook nog maar dan toe zo er is was
    le la les des du au aux et ou un une par sur sous dans pour avec ans an heure jour il elle
    on at to of by the and for from with at an as is it was are his her our day days year yrs
    am im um zu und der die das ein mit von bei auf aus ist
    bin plp ok id tv pc zp pz hz cp bp bte btw tva vat kbo bce bmw vw kia ds mg mb byd gmc nio gt gti tdi tsi suv ev
    """.split()
)


def _letter_groups(candidate: str) -> list[str]:
    return [g.lower() for g in re.findall(r"[^\W\d_]+", candidate)]


# The separators between two neighbouring tokens of one plate, and their shapes.
_GAP_SHAPES = {gap: gap.translate(_SHAPE) for gap in ("-", " ", "–", "\u00a0", ".")}


class _Shouting:
    """Whether the message is written in capitals: then upper case says nothing about a token.

    Words of four letters or more tell (a plate's letter groups have at most three). Asked only
    about a candidate written in capitals, and then computed once per message.
    """

    __slots__ = ("_answer", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._answer: bool | None = None

    def __call__(self) -> bool:
        if self._answer is None:
            words = _WORD.findall(self._text)
            self._answer = len(words) >= 3 and sum(w.isupper() for w in words) > 0.7 * len(words)
        return self._answer


def detect(text: str, scan: Scan | None = None) -> list[Hit]:
    """Every licence plate in ``text``."""
    scan = scan or Scan(text)
    if not scan.has_digit:
        return []  # every plate has digits
    matches = list(_TOKEN.finditer(text))
    token_starts = [m.start() for m in matches]
    # a window starts at most three tokens before a token with a digit in it; only the tokens of
    # these windows are looked at (most of a message's tokens are words far from any digit)
    window_starts: set[int] = set()
    for digit in scan.digit_starts:
        d = bisect_right(token_starts, digit) - 1  # the token holding the digit (digits are token characters)
        window_starts.update(range(max(0, d - _MAX_TOKENS + 1), d + 1))
    n = len(matches)
    # the shape of each token a window can hold (None: it cannot be part of a plate)
    parts: list[str | None] = [None] * n
    for j in {j for i in window_starts for j in range(i, min(n, i + _MAX_TOKENS))}:
        token = matches[j].group()
        if _may_be_part(token):
            parts[j] = token.translate(_SHAPE)
    shouting = _Shouting(text)
    hits: list[Hit] = []
    covered = 0
    for i in sorted(window_starts):
        start = token_starts[i]
        shape = parts[i]
        if start < covered or shape is None:
            continue
        best: tuple[int, int] | None = None
        last = min(n, i + _MAX_TOKENS) - 1
        j = i
        # the window's shape is its tokens' and gaps' shapes joined; once it starts no known
        # shape, no longer window can be one
        while shape in _SHAPE_PREFIXES:
            end = matches[j].end()
            if end - start > _MAX_LEN:
                break
            entry = SHAPES.get(shape)
            if entry is not None:
                previous_end = matches[i - 1].end() if i > 0 else None
                if _accept(text, start, end, text[start:end], entry, previous_end, shouting):
                    best = (start, end)
            if j == last or (part := parts[j + 1]) is None:
                break
            gap = _GAP_SHAPES.get(text[end : token_starts[j + 1]])  # one joining character
            if gap is None:
                break
            shape += gap + part
            j += 1
        if best is not None:
            hits.append(Hit(KIND, best[0], best[1]))
            covered = best[1]
    return hits


_EDGE_DIGITS = re.compile(r"\d+")
_EDGE_DIGITS_END = re.compile(r"\d+$")
_LEFT_NUMBER = re.compile(r"(?<![\w-])\d+ $")
_RIGHT_NUMBER = re.compile(r" \d+(?![\w-])")


def _digit_neighbour(text: str, start: int, end: int, candidate: str) -> bool:
    """Whether a digit group at the window's edge continues into a neighbouring number."""
    first, last = _EDGE_DIGITS.match(candidate), _EDGE_DIGITS_END.search(candidate)
    # only short digit groups ("56 KT") are likely the tail of a longer number
    if first and len(first.group(0)) <= 2 and _LEFT_NUMBER.search(text, 0, start):
        return True
    return bool(last and len(last.group(0)) <= 2 and _RIGHT_NUMBER.match(text, end) is not None)


def _accept(
    text: str,
    start: int,
    end: int,
    candidate: str,
    entry: tuple[str, bool],
    previous_end: int | None,
    shouting: Callable[[], bool] = lambda: False,
) -> bool:
    name, strong = entry
    # glued to a longer code: "ABC-123-45", "12/ABC-123", "ABC-123.45", "€123-ABC"
    if start > 0 and text[start - 1] in "/.,@&+€$£#_":
        return False
    if previous_end == start - 1 and text[start - 1] == "-":  # the previous token ends at a dash
        return False
    if end < len(text):
        nxt = text[end]
        if nxt in "-/@&_" or (nxt in ".," and end + 1 < len(text) and text[end + 1].isalnum()):
            return False
        if nxt in "'’" and end + 1 < len(text) and text[end + 1].isalpha():
            return False  # "ABC-123's"
    if name == _GERMAN and candidate[-1].isalpha() and candidate[-1] not in "EHeh":
        return False
    groups = _letter_groups(candidate)
    spaced = any(c.isspace() for c in candidate)
    if spaced and "-" not in candidate and _digit_neighbour(text, start, end, candidate):
        return False  # "0470 12 34 56 KT": digits of a longer number, not "34 56 KT"
    if strong and not spaced:
        # a strong shape in one piece or with dashes: only a date can look like it ("3-mei-24")
        stop = DATE_WORDS if len(groups) == 1 else frozenset()
    elif strong:
        stop = STOP_LETTERS
    else:
        stop = STOP_LETTERS
    if any(g in stop for g in groups):
        return False
    # whether a vehicle word comes shortly before: a regex over 40 characters, asked only when
    # the answer matters and then once
    context: bool | None = None

    def in_context() -> bool:
        nonlocal context
        if context is None:
            context = has_context(text, start, _CONTEXT)
        return context

    if name == "lu" and 1950 <= int(candidate[-4:]) <= 2039 and not in_context():
        return False  # "VW 2019", "EU 2024": a year after an abbreviation
    before = preceding_word(text, start)
    if before in _REFERENCE_WORDS:
        return False
    letters = "".join(groups)
    if before in _NUMBER_WORDS and not in_context():
        return False
    upper = candidate.upper() == candidate and not shouting()
    if not strong and any(g in ("101", "112") for g in re.findall(r"\d+", candidate)):
        return False  # "BEL 112", "bel 101": the emergency numbers
    if strong:
        # "1 abc 123" is convincing even in lower case; "ab 123 cd" is not ("en 100 km")
        return not spaced or upper or in_context() or name == "be"
    if upper:
        return True
    if not letters:
        return False
    if spaced:
        # "plaat abc 123", "auto kt 4821", "auto b-ab 1234": a vehicle word right before, or
        # a dash (German) with one nearby
        near = has_context(text, start, _CONTEXT, window=16) or has_context(text, start, _PLATE_WORD, 16)
        return near or ("-" in candidate and in_context())
    return "-" in candidate or in_context()
