"""Precision, recall and F1 of the classifier on a labelled JSON-lines file.

Each line holds ``text`` and either ``urgency`` and ``category``, or ``flags`` (the policy flags the
text should raise, ``[]`` for none), or all three; optionally ``lang`` (the language the line is
reported under) and ``split``. A flags line may carry ``urgency`` alone (where it matters: an urgent
report that also carries a flag). Metrics are given per class, overall and per language; for flag
labels, per flag and language.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import orjson

from binrelay_classifier.classify import classify_text
from binrelay_shared.events import Category, Classification, Flag, Urgency

POLICY_FLAGS: tuple[str, ...] = (Flag.vigilante.value, Flag.discriminatory.value, Flag.political.value)
"""The flags a flags file is always scored on (``personal_data`` too when a line labels it)."""

_LANG_ORDER = ("nl", "fr", "en", "de")

_T = TypeVar("_T")


@dataclass(frozen=True)
class Labelled:
    text: str
    lang: str | None
    urgency: str | None
    category: str | None
    flags: tuple[str, ...] | None = None
    """The flags the text should raise (empty: none); None when the line has no flag labels."""


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
        if "text" not in obj:
            raise LabelledFileError(f"{source}:{number}: missing field 'text'")
        flags = obj.get("flags")
        if flags is None:
            # an urgency/category line: both are required
            for name in ("urgency", "category"):
                if name not in obj:
                    raise LabelledFileError(f"{source}:{number}: missing field {name!r}")
        elif not isinstance(flags, list) or any(f not in {x.value for x in Flag} for f in flags):
            raise LabelledFileError(
                f"{source}:{number}: 'flags' must be a list of {', '.join(x.value for x in Flag)} (got {flags!r})"
            )
        urgency, category = obj.get("urgency"), obj.get("category")
        if urgency is not None and urgency not in {u.value for u in Urgency}:
            raise LabelledFileError(f"{source}:{number}: unknown urgency {urgency!r}")
        if category is not None and category not in {c.value for c in Category}:
            raise LabelledFileError(f"{source}:{number}: unknown category {category!r}")
        lang = obj.get("lang")
        rows.append(
            Labelled(
                str(obj["text"]),
                lang if isinstance(lang, str) else None,
                urgency,
                category,
                tuple(flags) if flags is not None else None,
            )
        )
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
    gold_u = [r.urgency or "" for r, _, _ in rows]  # evaluate() keeps the lines with both labels
    pred_u = [u for _, u, _ in rows]
    gold_c = [r.category or "" for r, _, _ in rows]
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


def _by_language(items: Sequence[_T], lang_of: Callable[[_T], str | None]) -> list[tuple[str, list[_T]]]:
    """``items`` grouped by language: nl, fr, en, de first, then any other, "?" for none."""
    groups: dict[str, list[_T]] = defaultdict(list)
    for item in items:
        groups[lang_of(item) or "?"].append(item)
    names = sorted(groups, key=lambda x: (_LANG_ORDER.index(x) if x in _LANG_ORDER else 99, x))
    return [(name, groups[name]) for name in names]


def evaluate(rows: Sequence[Labelled]) -> list[Report]:
    """Classify every row with an urgency and a category label; one report for all of them, then
    one per language (nl, fr, en, de, ...)."""
    results: list[tuple[Labelled, str, str]] = []
    for row in rows:
        if row.urgency is None or row.category is None:
            continue
        verdict = classify_text(row.text, lang_hint=row.lang)  # type: ignore[arg-type]
        results.append((row, verdict.urgency.value, verdict.category.value))
    slices = _by_language(results, lambda item: item[0].lang)
    return [_slice("all", results)] + [_slice(lang, items) for lang, items in slices]


@dataclass
class FlagReport:
    """Flag scores of one slice (all flag-labelled lines, or one language)."""

    name: str
    n: int = 0
    flags: list[ClassScore] = field(default_factory=list)
    predicted: dict[str, int] = field(default_factory=dict)
    """Per flag, how many lines the classifier raised it on."""
    urgency_n: int = 0
    """Lines that also carry an urgency label."""
    urgency_accuracy: float = 0.0
    urgent_support: int = 0
    urgent_recall: float = 0.0
    misses: list[tuple[Labelled, tuple[str, ...], str]] = field(default_factory=list)
    """(line, flags raised, urgency given) where the flags or the labelled urgency differ."""

    def score(self, flag: str) -> ClassScore:
        return next(s for s in self.flags if s.label == flag)


def _flag_slice(name: str, rows: Sequence[tuple[Labelled, Classification]], names: Sequence[str]) -> FlagReport:
    report = FlagReport(name=name, n=len(rows))
    for flag in names:
        gold = [flag if flag in (r.flags or ()) else "" for r, _ in rows]
        pred = [flag if any(f.value == flag for f in v.flags) else "" for _, v in rows]
        report.flags += _scores(gold, pred, [flag])
        report.predicted[flag] = pred.count(flag)
    with_urgency = [(r, v) for r, v in rows if r.urgency is not None]
    report.urgency_n = len(with_urgency)
    if with_urgency:
        report.urgency_accuracy = sum(r.urgency == v.urgency.value for r, v in with_urgency) / len(with_urgency)
        urgent = [(r, v) for r, v in with_urgency if r.urgency == Urgency.urgent.value]
        report.urgent_support = len(urgent)
        if urgent:
            report.urgent_recall = sum(v.urgency is Urgency.urgent for _, v in urgent) / len(urgent)
    for r, v in rows:
        raised = tuple(f.value for f in v.flags if f.value in names)
        if set(raised) != set(r.flags or ()) or (r.urgency is not None and r.urgency != v.urgency.value):
            report.misses.append((r, raised, v.urgency.value))
    return report


def evaluate_flags(rows: Sequence[Labelled]) -> list[FlagReport]:
    """Classify every row with flag labels; per flag (the policy flags, and any other flag a line
    labels) precision, recall and F1 for all rows, then per language; and, on the rows that also
    carry an urgency label, the urgency accuracy and urgent recall."""
    labelled = [r for r in rows if r.flags is not None]
    named = {f for r in labelled for f in r.flags or ()}
    names = [f.value for f in Flag if f.value in POLICY_FLAGS or f.value in named]
    results = [(r, classify_text(r.text, lang_hint=r.lang)) for r in labelled]  # type: ignore[arg-type]
    slices = _by_language(results, lambda item: item[0].lang)
    return [_flag_slice("all", results, names)] + [_flag_slice(lang, items, names) for lang, items in slices]


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


def render_flags(reports: Sequence[FlagReport], show_misses: bool = False) -> str:
    """A plain-text table of the flag reports: one line per flag and slice (precision is "-" when
    the flag was never raised in the slice)."""
    lines: list[str] = []
    for rep in reports:
        lines.append(f"== flags: {rep.name}  (n={rep.n})")
        lines.append(f"    {'flag':<22}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}{'raised':>8}")
        for s in rep.flags:
            raised = rep.predicted[s.label]
            precision = f"{s.precision:>10.3f}" if raised else f"{'-':>10}"
            lines.append(f"    {s.label:<22}{precision}{s.recall:>10.3f}{s.f1:>10.3f}{s.support:>9}{raised:>8}")
        if rep.urgency_n:
            lines.append(
                f"  urgency on the {rep.urgency_n} lines labelled with one: accuracy={rep.urgency_accuracy:.3f}"
                f"  urgent recall={rep.urgent_recall:.3f} (of {rep.urgent_support})"
            )
        if show_misses and rep.name == "all":
            lines.append("  misses (gold flags/urgency -> raised/given):")
            for row, given, urgency in rep.misses:
                gold = f"{','.join(row.flags or ()) or '-'}/{row.urgency or '?'}"
                lines.append(f"    [{row.lang}] {gold} -> {','.join(given) or '-'}/{urgency}: {row.text[:100]}")
        lines.append("")
    return "\n".join(lines)


def evaluate_file(path: Path, split: str | None = None, show_misses: bool = False) -> str:
    """Load ``path`` (optionally one split), evaluate and render: urgency and category for the lines
    labelled with both, flags for the lines labelled with flags."""
    with path.open(encoding="utf-8") as handle:
        rows = load(handle, split, source=str(path))
    if not rows:
        raise LabelledFileError(f"{path}: no labelled lines" + (f" in split {split!r}" if split else ""))
    header = f"{path}" + (f" (split={split})" if split else "") + f": {len(rows)} reports\n"
    parts: list[str] = []
    if any(r.urgency is not None and r.category is not None for r in rows):
        parts.append(render(evaluate(rows), show_misses))
    if any(r.flags is not None for r in rows):
        parts.append(render_flags(evaluate_flags(rows), show_misses))
    return header + "\n".join(parts)
