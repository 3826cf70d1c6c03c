"""All detectors together: overlaps, order, adversarial input."""

from __future__ import annotations

import itertools

import pytest

from binrelay_privacy.detectors import find

from .labelled_set import IBAN_BE1, grouped


def test_overlaps_resolved_by_certainty() -> None:
    """Given an IBAN whose digits also look like a phone number,
    When all detectors run,
    Then one IBAN finding covers it and findings come in text order without overlap."""
    text = f"Bel 0470 12 34 56, stort op {grouped(IBAN_BE1)} en mail a@example.be."
    hits = find(text)
    assert [h.kind for h in hits] == ["phone", "iban", "email"]
    assert all(a.end <= b.start for a, b in itertools.pairwise(hits))


ADVERSARIAL = [
    " ".join("0" + str(i % 10) for i in range(1600))[:5000],
    ("1 " * 2500)[:5000],
    ("a." * 2500)[:5000],
    "a" * 5000,
    ("at " * 1700)[:5000],
    ("AB 12 " * 900)[:5000],
    ("Meneer Jan " * 500)[:5000],
    ("woont in de straat " * 300)[:5000],
    ("BE12 3456 " * 500)[:5000],
    ("1-2-3-4-" * 700)[:5000],
    ("x@" * 2500)[:5000],
]


@pytest.mark.parametrize("text", ADVERSARIAL, ids=range(len(ADVERSARIAL)))
def test_adversarial_input_terminates(text: str) -> None:
    """Given a maximal (5000-character) report built to make regexes backtrack,
    When all detectors run,
    Then they finish (bounded work; the suite's timeout would catch a hang) with valid spans."""
    hits = find(text)
    assert all(0 <= h.start < h.end <= len(text) for h in hits)
