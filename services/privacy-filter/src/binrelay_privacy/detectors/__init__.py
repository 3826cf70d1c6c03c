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
from binrelay_shared.pii import PiiKind

#: Every kind a detector reports: all of :class:`PiiKind`, each found by one module here.
KINDS: tuple[PiiKind, ...] = tuple(PiiKind)
# Who wins an overlap (lower first). Every kind must rank: a new kind is refused here until it does.
_PRIORITY = {
    PiiKind.email: 0,
    PiiKind.iban: 1,
    PiiKind.national_number: 2,
    PiiKind.phone: 3,
    PiiKind.plate: 4,
    PiiKind.name: 5,
    PiiKind.address: 6,
}
if set(_PRIORITY) != set(PiiKind):  # pragma: no cover - a programming error
    raise RuntimeError(f"binrelay_privacy.detectors: rank {set(PiiKind) - set(_PRIORITY)} in _PRIORITY")

__all__ = ["KINDS", "Hit", "find"]


def _resolve(hits: Iterable[Hit]) -> list[Hit]:
    ranked = sorted(hits, key=lambda h: (_PRIORITY[h.kind], -(h.end - h.start), h.start))
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
