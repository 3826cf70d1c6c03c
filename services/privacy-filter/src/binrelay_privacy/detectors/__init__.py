"""All detectors, merged: :func:`find` returns non-overlapping findings in text order.

When two detectors claim overlapping text, the more certain one wins: checksum-validated kinds
(IBAN, national number) and e-mail first, then phone numbers (validated against numbering plans),
plates, names, house numbers. Between equals, the longer span wins.

The text is scanned once (:class:`~binrelay_privacy.detectors.scan.Scan`) for what tells each
detector where to look; a detector with nothing to look at (no digit: no IBAN, national number,
phone number, plate or house number) is not run.
"""

from __future__ import annotations

from collections.abc import Iterable

from binrelay_privacy.detectors import addresses, emails, iban, names, national_number, phones, plates
from binrelay_privacy.detectors.base import Hit
from binrelay_privacy.detectors.scan import Scan

KINDS = ("plate", "phone", "email", "iban", "national_number", "name", "address")
_PRIORITY = {"email": 0, "iban": 1, "national_number": 2, "phone": 3, "plate": 4, "name": 5, "address": 6}

__all__ = ["KINDS", "Hit", "find"]


def _resolve(hits: Iterable[Hit]) -> list[Hit]:
    ranked = sorted(hits, key=lambda h: (_PRIORITY.get(h.kind, 9), -(h.end - h.start), h.start))
    chosen: list[Hit] = []
    for hit in ranked:
        if all(hit.end <= c.start or hit.start >= c.end for c in chosen):
            chosen.append(hit)
    chosen.sort(key=lambda h: h.start)
    return chosen


def find(text: str, known_names: Iterable[str] = ()) -> list[Hit]:
    """Every piece of personal data in ``text``, non-overlapping, in order."""
    scan = Scan(text)  # shared: where each detector's matches can start
    hits: list[Hit] = []
    hits += emails.detect(text)
    if scan.has_digit:  # IBANs, national numbers, phone numbers, plates and house numbers have digits
        hits += iban.detect(text, scan)
        hits += national_number.detect(text, scan)
        # What e-mail addresses, IBANs and national numbers keep is decided among them alone (they
        # rank first); a phone number overlapping one is dropped, so none is looked for inside one.
        hits += phones.detect(text, scan, claimed=_resolve(hits))
        hits += plates.detect(text, scan)
        hits += addresses.detect(text, scan)
    hits += names.detect(text, scan)
    known = [n for n in known_names if n]
    if known:
        hits += names.detect_known(text, known)
    return _resolve(hits)
