"""Properties of find() and redact_text() on generated reports (hypothesis)."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from binrelay_privacy.detectors import find
from binrelay_privacy.redact import redact_text

from .labelled_set import IBAN_BE1, IBAN_NL, NN1, grouped

FRAGMENTS = [
    "Verdachte auto",
    "1-ABC-123",
    "AB-123-CD",
    "0470 12 34 56",
    "+32 2 555 12 34",
    "jan.peeters@example.be",
    grouped(IBAN_BE1),
    IBAN_NL,
    NN1,
    "meneer Peeters",
    "om 22u30",
    "op 12/03/2024",
    "250 EUR",
    "1000 Brussel",
    "PV BR.55.L1.123456/2024",
    "bel 101 of 112",
    "Meudonstraat 12",
    "3 mannen van 35 jaar",
    ",",
    ".",
    "\n",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=12))
def test_redaction_properties(parts: list[str]) -> None:
    """Given any report assembled from values and look-alikes,
    When findings are redacted for every kind,
    Then findings are in order and disjoint, no value with digits survives, and the text
    between findings is kept as it was."""
    text = " ".join(parts)
    hits = find(text)
    assert all(a.end <= b.start for a, b in itertools.pairwise(hits))
    out = redact_text(text, hits, {h.kind for h in hits}, "nl")
    for h in hits:
        value = text[h.start : h.end]
        if any(c.isdigit() for c in value) and len(value) >= 6:
            assert value not in out
    pos = 0
    for h in hits:
        assert text[pos : h.start] in out
        pos = h.end
    assert text[pos:] in out
    assert "22u30" in out and "12/03/2024" in out if "om 22u30 op 12/03/2024" in text else True


POSITIVE = {
    "1-ABC-123": "plate",
    "AB-123-CD": "plate",
    "12-BXF-3": "plate",
    "B-AB 1234": "plate",
    "KT 4821": "plate",
    "ABC-123": "plate",
    "0470 12 34 56": "phone",
    "+32 2 555 12 34": "phone",
    "06-12345678": "phone",
    "+33 6 12 34 56 78": "phone",
    "0171 1234567": "phone",
    "jan.peeters@example.be": "email",
    grouped(IBAN_BE1): "iban",
    IBAN_NL: "iban",
    NN1: "national_number",
}
NEGATIVE = [
    "om 22u30",
    "op 12/03/2024",
    "250 EUR",
    "1000 Brussel",
    "PV BR.55.L1.123456/2024",
    "bel 101 of 112",
    "Meudonstraat 12",
    "3 mannen van 35 jaar",
    "E40",
    "BMW X5",
    "€ 1.250,00",
    "2024-03-12",
    "10:45",
    "dossier 2024/12345",
]
SEPARATORS = [" ", ", ", ". ", "\n", " en ", " (", ") ", ": "]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from([*POSITIVE, *NEGATIVE]), st.sampled_from(SEPARATORS)), min_size=1, max_size=8)
)
def test_values_found_and_look_alikes_left_in_any_mix(parts: list[tuple[str, str]]) -> None:
    """Given any sequence of values and look-alikes joined by ordinary punctuation,
    When all detectors run,
    Then every value is found with its kind and nothing else is."""
    text = ""
    labels = []
    for fragment, sep in parts:
        start = len(text)
        text += fragment
        if fragment in POSITIVE:
            labels.append((POSITIVE[fragment], start, len(text)))
        text += sep
    hits = find(text)
    for kind, start, end in labels:
        assert any(h.kind == kind and h.start <= start and h.end >= end for h in hits), (kind, start)
    for h in hits:
        assert any(not (h.end <= start or h.start >= end) for _, start, end in labels), h.kind
