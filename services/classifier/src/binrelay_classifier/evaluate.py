"""Precision, recall and F1 of the classifier on a labelled JSON-lines file.

Each line holds ``text``, ``urgency`` and ``category`` (and optionally ``lang`` — the language
the line is reported under — and ``split``). Metrics are given per class, overall and per language.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from binrelay_classifier.classify import classify_text
from binrelay_shared.events import Category, Urgency


@dataclass(frozen=True)
class Labelled:
    text: str
    lang: str | None
    urgency: str
    category: str


@dataclass(frozen=True)
class ClassScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass
class Report:
    """Scores of one slice (all lines, or one language)."""

    name: str
    n: int = 0
    urgency: list[ClassScore] = field(default_factory=list)
    category: list[ClassScore] = field(default_factory=list)
    urgency_accuracy: float = 0.0
    category_accuracy: float = 0.0
    category_macro_f1: float = 0.0
    misses: list[tuple[Labelled, str, str]] = field(default_factory=list)


class LabelledFileError(ValueError):
    """A labelled file line that cannot be evaluated."""


def load(lines: Iterable[str], split: str | None = None, source: str = "<input>") -> list[Labelled]:
    """Parse a labelled JSON-lines file, keeping only ``split`` when given."""
    rows: list[Labelled] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise LabelledFileError(f"{source}:{number}: not JSON ({exc})") from exc
        if not isinstance(obj, dict):
            raise LabelledFileError(f"{source}:{number}: expected a JSON object")
        if split is not None and obj.get("split") != split:
            continue
        try:
            text, urgency, category = obj["text"], obj["urgency"], obj["category"]
        except KeyError as exc:
            raise LabelledFileError(f"{source}:{number}: missing field {exc.args[0]!r}") from exc
        if urgency not in {u.value for u in Urgency}:
            raise LabelledFileError(f"{source}:{number}: unknown urgency {urgency!r}")
        if category not in {c.value for c in Category}:
            raise LabelledFileError(f"{source}:{number}: unknown category {category!r}")
        lang = obj.get("lang")
        rows.append(Labelled(str(text), lang if isinstance(lang, str) else None, urgency, category))
    return rows


def _scores(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> list[ClassScore]:
    out: list[ClassScore] = []
    for label in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out.append(ClassScore(label, precision, recall, f1, tp + fn))
    return out


def _slice(name: str, rows: list[tuple[Labelled, str, str]]) -> Report:
    report = Report(name=name, n=len(rows))
    if not rows:
        return report
    gold_u = [r.urgency for r, _, _ in rows]
    pred_u = [u for _, u, _ in rows]
    gold_c = [r.category for r, _, _ in rows]
    pred_c = [c for _, _, c in rows]
    report.urgency = _scores(gold_u, pred_u, [u.value for u in Urgency])
    present = [c.value for c in Category if c.value in gold_c or c.value in pred_c]
    report.category = _scores(gold_c, pred_c, present)
    with_support = [s for s in report.category if s.support > 0]
    report.category_macro_f1 = sum(s.f1 for s in with_support) / len(with_support) if with_support else 0.0
    report.urgency_accuracy = sum(g == p for g, p in zip(gold_u, pred_u, strict=True)) / len(rows)
    report.category_accuracy = sum(g == p for g, p in zip(gold_c, pred_c, strict=True)) / len(rows)
    report.misses = [(r, u, c) for r, u, c in rows if r.urgency != u or r.category != c]
    return report


def evaluate(rows: Sequence[Labelled]) -> list[Report]:
    """Classify every row; one report for all rows, then one per language (nl, fr, en, de, ...)."""
    results: list[tuple[Labelled, str, str]] = []
    for row in rows:
        verdict = classify_text(row.text, lang_hint=row.lang)  # type: ignore[arg-type]
        results.append((row, verdict.urgency.value, verdict.category.value))
    by_lang: dict[str, list[tuple[Labelled, str, str]]] = defaultdict(list)
    for item in results:
        by_lang[item[0].lang or "?"].append(item)
    order = ["nl", "fr", "en", "de"]
    langs = sorted(by_lang, key=lambda x: (order.index(x) if x in order else 99, x))
    return [_slice("all", results)] + [_slice(lang, by_lang[lang]) for lang in langs]


def render(reports: Sequence[Report], show_misses: bool = False) -> str:
    """A plain-text table of the reports."""
    lines: list[str] = []
    for rep in reports:
        lines.append(f"== {rep.name}  (n={rep.n})")
        lines.append(f"  urgency   accuracy={rep.urgency_accuracy:.3f}")
        lines.append(f"    {'class':<22}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}")
        for s in rep.urgency:
            lines.append(f"    {s.label:<22}{s.precision:>10.3f}{s.recall:>10.3f}{s.f1:>10.3f}{s.support:>9}")
        lines.append(f"  category  accuracy={rep.category_accuracy:.3f}  macro-F1={rep.category_macro_f1:.3f}")
        lines.append(f"    {'class':<22}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}")
        for s in rep.category:
            lines.append(f"    {s.label:<22}{s.precision:>10.3f}{s.recall:>10.3f}{s.f1:>10.3f}{s.support:>9}")
        if show_misses and rep.name == "all":
            lines.append("  misses (gold -> predicted):")
            for row, u, c in rep.misses:
                lines.append(
                    f"    [{row.lang}] {row.urgency}/{row.category} -> {u}/{c}: {row.text[:100]}"
                )
        lines.append("")
    return "\n".join(lines)


def evaluate_file(path: Path, split: str | None = None, show_misses: bool = False) -> str:
    """Load ``path`` (optionally one split), evaluate and render."""
    with path.open(encoding="utf-8") as handle:
        rows = load(handle, split, source=str(path))
    if not rows:
        raise LabelledFileError(f"{path}: no labelled lines" + (f" in split {split!r}" if split else ""))
    header = f"{path}" + (f" (split={split})" if split else "") + f": {len(rows)} reports\n"
    return header + render(evaluate(rows), show_misses)
