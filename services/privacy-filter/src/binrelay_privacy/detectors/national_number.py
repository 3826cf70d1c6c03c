"""Belgian national register numbers (rijksregisternummer / numéro national) and BIS numbers.

Eleven digits ``YYMMDD SSS CC``, written together or with the usual separators
(``85.07.30-033.28``, ``850730 033 28``, ``850730-033-28``); accepted only when the mod-97 check
digits and the birth date are valid (python-stdnum), so dates, phone numbers and references with
eleven digits do not match by chance except once in ~97×.
"""

from __future__ import annotations

import re

from stdnum.be import bis as _bis
from stdnum.be import nn as _nn

from binrelay_privacy.detectors.base import Hit
from binrelay_privacy.detectors.scan import Scan, finditer_at
from binrelay_shared.pii import PiiKind

KIND = PiiKind.national_number

_S = r"[ .-]?"
_CANDIDATE = re.compile(rf"(?<![\w.,/+-])\d{{2}}{_S}\d{{2}}{_S}\d{{2}}{_S}\d{{3}}{_S}\d{{2}}(?!\w|[.,/-]\d)")


_FIRST_RUN_LENGTHS = frozenset({2, 4, 6, 9, 11})


def _valid(digits: str) -> bool:
    return bool(_nn.is_valid(digits) or _bis.is_valid(digits))


def detect(text: str, scan: Scan | None = None) -> list[Hit]:
    """Every valid national register or BIS number in ``text``."""
    scan = scan or Scan(text)
    hits: list[Hit] = []
    # A candidate's first digit follows no word character, so it starts a digit run, and that
    # run holds its first 2, 4, 6, 9 or all 11 digits (up to the first separator).
    starts = [start for start, end in scan.digit_runs if end - start in _FIRST_RUN_LENGTHS]
    for m in finditer_at(_CANDIDATE, text, starts):
        digits = "".join(c for c in m.group(0) if c.isdigit())
        if len(digits) == 11 and _valid(digits):
            hits.append(Hit(KIND, m.start(), m.end()))
    return hits
