"""The labelled corpus and the acceptance bars on its dev split (quality, not speed)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from binrelay_classifier.evaluate import evaluate, load
from binrelay_shared.events import Category, Urgency

CORPUS = Path(__file__).resolve().parents[1] / "data" / "reports_labelled.jsonl"


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]


def test_corpus_shape(rows: list[dict[str, str]]) -> None:
    """Given the committed corpus,
    When its lines are counted,
    Then it has at least 400 unique reports, train and dev splits, every category and both
    urgencies in nl, fr and en, and some German."""
    assert len(rows) >= 400
    assert len({r["text"] for r in rows}) == len(rows)
    assert {"train", "dev"} <= {r["split"] for r in rows}
    for lang in ("nl", "fr", "en"):
        mine = [r for r in rows if r["lang"] == lang]
        assert {r["category"] for r in mine} == {c.value for c in Category}, lang
        assert {r["urgency"] for r in mine} == {u.value for u in Urgency}, lang
    assert Counter(r["lang"] for r in rows)["de"] >= 20


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_dev_split_meets_the_bars(lang: str) -> None:
    """Given the dev split of one language,
    When it is evaluated,
    Then urgent recall >= 0.97, urgent precision >= 0.85 and category macro-F1 >= 0.80."""
    with CORPUS.open(encoding="utf-8") as handle:
        dev = [r for r in load(handle, split="dev") if r.lang == lang]
    (_, report) = evaluate(dev)
    urgent = next(s for s in report.urgency if s.label == "urgent")
    assert urgent.recall >= 0.97
    assert urgent.precision >= 0.85
    assert report.category_macro_f1 >= 0.80
