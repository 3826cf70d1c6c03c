"""Acceptance on the labelled set: recall >= 0.98 per kind, no negative redacted."""

from __future__ import annotations

from .evaluate_labelled import DEFAULT, evaluate, load
from .labelled_set import render


def test_labelled_file_is_up_to_date() -> None:
    """Given the labelled set's source,
    When it is rendered,
    Then it equals the committed JSONL (regenerate with `python tests/privacy/labelled_set.py`)."""
    assert DEFAULT.read_text(encoding="utf-8") == render()


def test_labelled_set_size_and_languages() -> None:
    """Given the labelled set,
    Then it has at least 150 cases in nl, fr and en, with positives of every kind and negatives."""
    cases = load(DEFAULT)
    assert len(cases) >= 150
    assert {c["lang"] for c in cases} >= {"nl", "fr", "en"}
    kinds = {label["kind"] for c in cases for label in c["labels"]}  # type: ignore[attr-defined]
    assert kinds == {"plate", "phone", "email", "iban", "national_number", "name", "address"}
    assert sum(1 for c in cases if not c["labels"]) >= 50


def test_recall_per_kind_and_no_negative_redacted() -> None:
    """Given the labelled set,
    When every case runs through the detectors,
    Then recall is at least 0.98 for every kind and no negative case has a finding."""
    score = evaluate(load(DEFAULT))
    for kind in score.expected:
        assert score.recall(kind) >= 0.98, (kind, score.missed)
    assert score.negatives_redacted == []
