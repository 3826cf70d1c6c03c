"""Phone numbers: Belgian, Dutch, French, German and Luxembourg, any usual way of writing them.

Candidates are runs of digit groups joined by one separator (space . / -, optionally with spaces
around . / -), with ``+``/``00`` international prefixes, ``(0)`` and ``(02)`` forms. Each run is
tried as a whole and then as shorter contiguous sub-runs (so "0470 12 34 56 2 mannen" still
yields the number); a sub-run must start like a phone number (``+``, ``00`` or the trunk ``0``;
``6`` for Luxembourg mobiles) and be *valid* in the ``phonenumbers`` metadata:

- ``+CC ...`` / ``00CC ...``: any valid number of any country;
- ``0...`` national form, at least 9 digits, first group at most 4 digits unless the number is
  written in one piece: valid in BE, else NL, FR, DE (tried in that order);
- Luxembourg has no trunk prefix: a 9-digit mobile (``621 123 456``) valid in LU.

Dates (``05/06/2024``, ``5.6.24``) and times are masked out first, and a run introduced by a
case-reference word ("PV 012345/2024", "dossier") is not a phone number. The emergency numbers
101 and 112 and other short numbers are never candidates (too few digits); free, shared-cost and
universal-access numbers (``0800 …``, ``078 …``) are organisations', not persons', and stay.

The ``phonenumbers`` package's own ``PhoneNumberMatcher`` is deliberately not used to *find*
candidates: with national regions it accepts bare digit runs (``12032024`` is a valid Belgian
number to it) that in these reports are dates and references.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import phonenumbers

from binrelay_privacy.detectors.base import Hit, preceding_word
from binrelay_privacy.detectors.scan import Scan, finditer_at
from binrelay_shared.pii import PiiKind

KIND = PiiKind.phone

_NATIONAL_REGIONS = ("BE", "NL", "FR", "DE")
_MIN_NATIONAL_DIGITS = 9
_MAX_DIGITS = 15
_MAX_PIECES = 9  # "+32 (0)470 12 34 56" has 6; bounds the work on long digit runs

_SEP = r"(?:\s?[./-]\s?|\s)"
_PIECE = r"(?:(?:\+\s?\d+|\(\+\d{1,3}\)\s?\d+|\d+)(?:\s?\(0\)\s?\d+)?|\(0\d{0,4}\)\s?\d+)"
_RUN = re.compile(rf"(?<![\w,/+-])(?<![\d.]\.){_PIECE}(?:{_SEP}{_PIECE})*")
_PIECE_RE = re.compile(_PIECE)
_DATE = re.compile(
    r"(?<![\d./-])(?:(?P<d>\d{1,2})[./-](?P<m>\d{1,2})[./-](?:\d{4}|\d{2})"
    r"|\d{4}[./-](?P<m2>\d{1,2})[./-](?P<d2>\d{1,2})"
    r"|(?P<h>\d{1,2})[:hu.](?P<mi>\d{2})(?:\s?-\s?\d{1,2}[:hu.]\d{2})?)(?![\d]|[./-]\d)",
)
_REFERENCE_WORDS = frozenset(
    "pv p.v proces-verbaal procès-verbal dossier dossiernummer ref réf référence referentie"
    " reference notitie notitienummer ticket case zaak zaaknummer iban rekening compte account"
    " bic btw tva vat kbo bce ondernemingsnummer entreprise enterprise company".split()
)


_DATE_SEPARATORS = frozenset("./-:hu")


def _plausible(m: re.Match[str]) -> bool:
    d, mo = m.group("d") or m.group("d2"), m.group("m") or m.group("m2")
    if d is not None and mo is not None:
        return 1 <= int(d) <= 31 and 1 <= int(mo) <= 12
    h, mi = m.group("h"), m.group("mi")
    return h is not None and mi is not None and int(h) <= 23 and int(mi) <= 59


def _mask_dates(text: str, scan: Scan) -> str:
    """Replace dates and times by ``#`` (same length) so they never join a phone candidate."""
    out: list[str] = []
    pos = 0
    # A date or time starts with a digit that follows no digit, at the start of a digit run of
    # 1, 2 or 4 digits followed by one of its separators.
    starts = [
        start
        for start, end in scan.digit_runs
        if end - start in (1, 2, 4) and end < len(text) and text[end] in _DATE_SEPARATORS
    ]
    for m in finditer_at(_DATE, text, starts):
        if _plausible(m):
            out += (text[pos : m.start()], "#" * (m.end() - m.start()))
            pos = m.end()
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


# Free, shared-cost and universal-access numbers belong to organisations (Card Stop 078 170 170,
# helplines), not to persons: the group may read them.
_SERVICE_TYPES = frozenset(
    {
        phonenumbers.PhoneNumberType.TOLL_FREE,
        phonenumbers.PhoneNumberType.SHARED_COST,
        phonenumbers.PhoneNumberType.UAN,
    }
)
_STRIP = str.maketrans("", "", " ./-()+\t\n\r\u00a0")
# digits (with the trunk 0) of a national number, per region; outside these, no parse is tried
_NATIONAL_LENGTHS = {"BE": (9, 10), "NL": (10, 10), "FR": (10, 10), "DE": (9, 13)}


_UNKNOWN = phonenumbers.PhoneNumberType.UNKNOWN


class _Numbers:
    """``phonenumbers``' reading of candidates, each (candidate, region) parsed once per text.

    The sub-runs of a run are tried once per region, and each time the Belgian reading is checked
    too. A number is valid exactly when its type is not UNKNOWN (``is_valid_number`` computes the
    same type again), so one ``number_type`` per parse answers both questions.
    """

    __slots__ = ("_seen",)

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str | None], tuple[phonenumbers.PhoneNumber, int] | None] = {}

    def parsed(self, candidate: str, region: str | None) -> tuple[phonenumbers.PhoneNumber, int] | None:
        """(number, its type) of ``candidate`` read in ``region``; ``None`` if it does not parse."""
        key = (candidate, region)
        if key not in self._seen:
            try:
                number = phonenumbers.parse(candidate, region)
                self._seen[key] = number, phonenumbers.number_type(number)
            except phonenumbers.NumberParseException:
                self._seen[key] = None
        return self._seen[key]

    def type(self, candidate: str, region: str) -> int | None:
        """The type of ``candidate`` in ``region`` (UNKNOWN: not valid); ``None`` if it does not parse."""
        parsed = self.parsed(candidate, region)
        return None if parsed is None else parsed[1]


def _digits(s: str) -> str:
    """The digits of a candidate (candidates hold only digits and separators)."""
    return s.translate(_STRIP)


def _valid(
    candidate: str,
    pieces: list[str],
    regions: tuple[str, ...] = _NATIONAL_REGIONS,
    numbers: _Numbers | None = None,
) -> bool:
    numbers = numbers or _Numbers()
    digits = _digits(candidate)
    if len(pieces) > 1 and len(_digits(pieces[-1])) < 2:
        return False
    if len(digits) > _MAX_DIGITS or len(digits) < 6:
        return False
    stripped = candidate.lstrip("(")
    if stripped.startswith("+") or (stripped.startswith("00") and not stripped.startswith("000")):
        intl = "+" + candidate.lstrip("+ ")[2:] if not stripped.startswith("+") else candidate
        if len(digits) < 8:
            return False
        # "+" or "00" is signal enough: a number of a plausible length for its country counts,
        # even in a range the numbering plan does not (yet) allocate
        parsed = numbers.parsed(intl, None)
        if parsed is None:
            return False
        number, kind = parsed
        if kind in _SERVICE_TYPES:
            return False
        return kind != _UNKNOWN or (
            phonenumbers.region_code_for_country_code(number.country_code or 0) != "ZZ"
            and phonenumbers.is_possible_number(number)
        )
    if stripped.startswith("0"):
        if len(digits) < _MIN_NATIONAL_DIGITS:
            return False
        first = _digits(pieces[0])
        if len(pieces) > 1 and len(first) > 4 and not pieces[0].startswith("("):
            return False
        if [len(_digits(p)) for p in pieces] == [4, 3, 3] and numbers.type(candidate, "BE") in (None, _UNKNOWN):
            return False  # 0403.199.702: a Belgian enterprise (KBO/BCE) number, not a phone
        if regions != ("BE",):
            # a Belgian service number is not a person's number in another country's plan
            be = numbers.type(candidate, "BE")
            if be is None or be in _SERVICE_TYPES:
                return False
        for region in regions:
            low, high = _NATIONAL_LENGTHS[region]
            if low <= len(digits) <= high:
                national = numbers.type(candidate, region)
                if national is None:
                    return False
                if national != _UNKNOWN:
                    return national not in _SERVICE_TYPES
        return False
    if stripped.startswith("6") and len(digits) == 9:
        if len(pieces) not in (1, 3):
            return False
        return numbers.type(candidate, "LU") not in (None, _UNKNOWN)
    return False


_RUN_SIGN = re.compile(r"[+(]")


def detect(text: str, scan: Scan | None = None, claimed: Sequence[Hit] = ()) -> list[Hit]:
    """Every phone number in ``text``, except in runs of digits wholly inside a ``claimed`` span.

    ``find`` passes the e-mail addresses, IBANs and national numbers it keeps: a phone number
    overlapping one of them would be dropped anyway, and validating it is the expensive part.
    """
    scan = scan or Scan(text)
    if not scan.has_digit:
        return []
    masked = _mask_dates(text, scan)
    # A run starts with "+", "(" or a digit that follows no word character. Masking turns whole
    # dates into "#" and a date is never followed by a digit, so that digit starts a digit run
    # of the unmasked text too.
    starts = sorted({*scan.digit_starts, *(m.start() for m in _RUN_SIGN.finditer(masked))})
    hits: list[Hit] = []
    numbers = _Numbers()
    for run in finditer_at(_RUN, masked, starts):
        if run.end() - run.start() < 6 or len(_digits(run.group(0))) < 6:
            continue
        if any(c.start <= run.start() and run.end() <= c.end for c in claimed):
            continue
        pieces = [(m.start() + run.start(), m.end() + run.start()) for m in _PIECE_RE.finditer(run.group(0))]
        # "dossier 0123/456789": the run is a reference; a number after it in the same run is not
        reference = preceding_word(text, run.start()) in _REFERENCE_WORDS
        hits.extend(_best_subruns(text, pieces, numbers, skip_first=reference))
    return hits


def _best_subruns(text: str, pieces: list[tuple[int, int]], numbers: _Numbers, skip_first: bool = False) -> list[Hit]:
    """Longest valid contiguous sub-runs, left to right, not overlapping."""
    found: list[Hit] = []
    i = 0
    n = len(pieces)
    if skip_first:
        # skip the reference itself: every piece up to the next space
        i = 1
        while i < n and not text[pieces[i][0] - 1].isspace():
            i += 1
    while i < n:
        first = text[pieces[i][0] : pieces[i][1]].lstrip("(")
        match = None
        # a number starts a run, or follows a space: never the middle of "90.02.01-123.45"
        starts_clean = i == 0 or text[pieces[i][0] - 1].isspace()
        if starts_clean and first[:1] in ("+", "0", "6"):
            # national numbers: the longest sub-run valid in BE wins over one valid only further
            # down the list (DE accepts many lengths)
            for regions in ((region,) for region in _NATIONAL_REGIONS):
                for j in range(min(n - 1, i + _MAX_PIECES - 1), i - 1, -1):
                    start, end = pieces[i][0], pieces[j][1]
                    candidate = text[start:end]
                    if _valid(candidate, [text[a:b] for a, b in pieces[i : j + 1]], regions, numbers):
                        match = (start, end, j)
                        break
                if match is not None or first[:1] != "0" or first[:2] == "00":
                    break
        if match is None:
            i += 1
            continue
        found.append(Hit(KIND, match[0], match[1]))
        i = match[2] + 1
    return found
