"""SMS segment arithmetic (3GPP TS 23.038), written here rather than taken from a library.

A text that fits the GSM 03.38 default alphabet (plus its extension table, whose characters
take two septets) is sent as GSM-7: 160 septets in one segment, 153 per segment when
concatenated. Anything else is sent as UCS-2: 70 UTF-16 code units in one segment, 67 per segment.
"""

from __future__ import annotations

from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")


@dataclass(frozen=True, slots=True)
class SmsSize:
    encoding: str  # "gsm7" or "ucs2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int


#: Every character GSM-7 can carry (basic table and extension table).
GSM7_ALL = GSM7_BASIC | GSM7_EXTENSION


def is_gsm7(text: str) -> bool:
    """Whether ``text`` fits the GSM 03.38 alphabet (default and extension tables)."""
    # issuperset walks the string in C: per character a set lookup, no Python frame.
    return GSM7_ALL.issuperset(text)


def _gsm7_septets(text: str) -> int:
    """Septets of a GSM-7 ``text``: one per character, two per extension-table character."""
    # str.count per extension character (there are ten) beats a Python loop over the text.
    return len(text) + sum(map(text.count, GSM7_EXTENSION))


def _ucs2_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def sms_size(text: str) -> SmsSize:
    """Encoding, length in units and number of segments of ``text`` as one SMS."""
    if is_gsm7(text):
        units = _gsm7_septets(text)
        single, multi, enc = 160, 153, "gsm7"
    else:
        units = _ucs2_units(text)
        single, multi, enc = 70, 67, "ucs2"
    if units <= single:
        return SmsSize(enc, units, 1 if units else 0)
    return SmsSize(enc, units, -(-units // multi))


def fit_sms(text: str, max_segments: int) -> tuple[str, int]:
    """``text`` shortened (with an ellipsis) to fit ``max_segments``; and its segment count."""
    size = sms_size(text)
    if size.segments <= max_segments:
        return text, size.segments
    gsm = size.encoding == "gsm7"
    ellipsis = "..." if gsm else "…"
    budget = (160 if gsm else 70) if max_segments == 1 else (153 if gsm else 67) * max_segments
    lo, hi = 0, len(text)
    while lo < hi:  # longest prefix that fits with the ellipsis
        mid = (lo + hi + 1) // 2
        if sms_size(text[:mid].rstrip() + ellipsis).units <= budget:
            lo = mid
        else:
            hi = mid - 1
    short = text[:lo].rstrip() + ellipsis
    return short, sms_size(short).segments
