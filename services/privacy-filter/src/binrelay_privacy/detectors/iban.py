"""IBANs, checksum-validated (ISO 13616 mod-97, the country's length and, for the countries in
``_BBAN_SPECS``, the structure of the account part), grouped by four or not.

Validation is the ISO check alone, not a bank registry (python-stdnum's ``iban`` module also
rejects valid IBANs of banks it does not know, e.g. ``BE68 5390 0754 7034``).

A greedy match may swallow a following four-letter word ("BE68 5390 0754 7034 voor ..."), so the
groups are dropped from the right until the number validates.
"""

from __future__ import annotations

import re

from binrelay_privacy.detectors.base import Hit
from binrelay_privacy.detectors.scan import Scan, search_at
from binrelay_shared.pii import PiiKind

KIND = PiiKind.iban

_CANDIDATE = re.compile(
    r"(?<![\w-])[A-Z]{2}\s?\d{2}(?:[ -]?[A-Z0-9]){10,30}(?![\w])",
    re.IGNORECASE,
)
_GROUP_END = re.compile(r"[ -]")


# Length of the IBAN per country (SWIFT IBAN registry); other country codes are not IBANs.
_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20,
    "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18,
    "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IS": 26, "IT": 27, "JO": 30,
    "KW": 30, "KZ": 20, "LB": 28, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MA": 28, "MC": 27,
    "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SE": 24, "SI": 19,
    "SK": 24, "SM": 27, "TN": 24, "TR": 26, "UA": 29, "VG": 24, "XK": 20,
}  # fmt: skip


# The BBAN's structure (SWIFT IBAN registry: n digits, a capital letters, c alphanumerics) for the
# countries our reporters bank in. Without it, running text before a real IBAN can pass mod-97 by
# chance ("be 250 EUR BE73 7350": 1 in 97) and, once dropped for overlapping an e-mail address,
# hide the real IBAN behind it.
_BBAN_SPECS = {
    "AT": "16n", "BE": "12n", "BG": "4a6n8c", "CH": "5n12c", "CY": "8n16c", "CZ": "20n",
    "DE": "18n", "DK": "14n", "EE": "16n", "ES": "20n", "FI": "14n", "FR": "10n11c2n",
    "GB": "4a14n", "GR": "7n16c", "HR": "17n", "HU": "24n", "IE": "4a14n", "IS": "22n",
    "IT": "1a10n12c", "LI": "5n12c", "LT": "16n", "LU": "3n13c", "LV": "4a13c", "MC": "10n11c2n",
    "MT": "4a5n18c", "NL": "4a10n", "NO": "11n", "PL": "24n", "PT": "21n", "RO": "4a16c",
    "SE": "20n", "SI": "15n", "SK": "20n",
}  # fmt: skip
_CLASSES = {"n": "[0-9]", "a": "[A-Z]", "c": "[A-Z0-9]"}
_BBAN = {
    country: re.compile("".join(f"{_CLASSES[k]}{{{n}}}" for n, k in re.findall(r"(\d+)([nac])", spec)))
    for country, spec in _BBAN_SPECS.items()
}


def _valid(candidate: str) -> bool:
    compact = candidate.replace(" ", "").replace("-", "").upper()
    expected = _LENGTHS.get(compact[:2])
    if expected is None or len(compact) != expected or not compact[2:4].isdigit():
        return False
    bban = _BBAN.get(compact[:2])
    if bban is not None and not bban.fullmatch(compact[4:]):
        return False
    rearranged = compact[4:] + compact[:4]
    numeric = "".join(str(int(c, 36)) for c in rearranged)
    return int(numeric) % 97 == 1


def _candidate_starts(scan: Scan) -> list[int]:
    """Where a candidate can start: two letters (and maybe a space) before two or more digits.

    The check digits follow a letter or a space, so they begin a digit run. ``[A-Z]`` read
    case-insensitively matches letters only (some non-ASCII ones too): ``isalpha`` lets through
    all it can match.
    """
    text = scan.text
    starts = []
    for start, end in scan.digit_runs:
        if end - start < 2 or start < 2:
            continue
        if text[start - 1].isalpha() and text[start - 2].isalpha():
            starts.append(start - 2)
        elif start >= 3 and text[start - 1].isspace() and text[start - 2].isalpha() and text[start - 3].isalpha():
            starts.append(start - 3)
    return starts


def detect(text: str, scan: Scan | None = None) -> list[Hit]:
    """Every valid IBAN in ``text``."""
    scan = scan or Scan(text)
    if not scan.has_digit:
        return []
    starts = _candidate_starts(scan)
    hits: list[Hit] = []
    pos = 0
    while (m := search_at(_CANDIDATE, text, pos, starts)) is not None:
        candidate = m.group(0)
        end = len(candidate)
        found = False
        while True:
            if _valid(candidate[:end]):
                hits.append(Hit(KIND, m.start(), m.start() + end))
                found = True
                break
            cut = max(candidate.rfind(" ", 0, end), candidate.rfind("-", 0, end))
            if cut < 8:
                break
            end = cut
        # the greedy match may have swallowed the start of the next IBAN: look again after this one
        pos = m.start() + end if found else m.start() + 1
    return hits
