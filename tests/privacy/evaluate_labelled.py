"""Score the privacy filter on a labelled JSONL set (default: tests/data/privacy_labelled.jsonl).

    .venv/bin/python tests/privacy/evaluate_labelled.py [FILE]

A labelled value counts as found when a finding of the same kind covers it (starts at or before
it and ends at or after it, and adds at most a few characters around it). Prints recall per kind,
findings in positive cases that match no label, and every negative case with a finding — by id
and kind only, never the value.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from binrelay_privacy.detectors import Hit, find

DEFAULT = Path(__file__).resolve().parents[1] / "data" / "privacy_labelled.jsonl"
_SLACK = 4  # a finding may overshoot a label by this many characters in total


@dataclass
class Score:
    expected: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)
    missed: list[tuple[str, str]] = field(default_factory=list)
    extra: list[tuple[str, str]] = field(default_factory=list)
    negatives: int = 0
    negatives_redacted: list[tuple[str, str]] = field(default_factory=list)

    def recall(self, kind: str) -> float:
        return self.found[kind] / self.expected[kind] if self.expected[kind] else 1.0


def _covers(hit: Hit, label: dict[str, object]) -> bool:
    start, end = int(str(label["start"])), int(str(label["end"]))
    return (
        hit.kind == label["kind"]
        and hit.start <= start
        and hit.end >= end
        and (start - hit.start) + (hit.end - end) <= _SLACK
    )


def evaluate(cases: list[dict[str, object]]) -> Score:
    score = Score()
    for case in cases:
        text = str(case["text"])
        labels = case.get("labels") or []
        assert isinstance(labels, list)
        hits = find(text)
        if not labels:
            score.negatives += 1
            for hit in hits:
                score.negatives_redacted.append((str(case["id"]), hit.kind))
            continue
        used: set[int] = set()
        for label in labels:
            kind = str(label["kind"])
            score.expected[kind] += 1
            match = next((i for i, h in enumerate(hits) if i not in used and _covers(h, label)), None)
            if match is None:
                score.missed.append((str(case["id"]), kind))
            else:
                used.add(match)
                score.found[kind] += 1
        for i, hit in enumerate(hits):
            if i not in used:
                score.extra.append((str(case["id"]), hit.kind))
    return score


def load(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def report(score: Score) -> str:
    lines = [f"{'kind':<16} {'found':>5} / {'total':<5} recall"]
    for kind in sorted(score.expected):
        lines.append(f"{kind:<16} {score.found[kind]:>5} / {score.expected[kind]:<5} {score.recall(kind):.3f}")
    lines.append(f"negatives: {score.negatives}, redacted: {len(score.negatives_redacted)}")
    for case_id, kind in score.missed:
        lines.append(f"  missed   {case_id} {kind}")
    for case_id, kind in score.extra:
        lines.append(f"  extra    {case_id} {kind}")
    for case_id, kind in score.negatives_redacted:
        lines.append(f"  negative {case_id} {kind}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT
    score = evaluate(load(path))
    print(report(score))
    ok = all(score.recall(k) >= 0.98 for k in score.expected) and not score.negatives_redacted
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
