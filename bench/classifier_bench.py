"""Classifier benchmark: time per report over the labelled corpus (not a timed test).

Usage: .venv/bin/python bench/classifier_bench.py [--rounds 5] [--file tests/data/reports_labelled.jsonl]

Prints the median, p90 and p99 time per report in microseconds for ``classify_text`` (the pure
function: folding, language detection, lexicon matching, rules, pydantic model) and for
``classify_batch`` over :class:`Report` objects, plus the one-off import/warm-up cost.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--file", type=Path, default=ROOT / "tests/data/reports_labelled.jsonl")
    args = parser.parse_args()

    started = time.perf_counter()
    from binrelay_classifier.classify import classify_batch, classify_text
    from binrelay_shared.events import Report, Reporter

    import_s = time.perf_counter() - started
    texts = [json.loads(line)["text"] for line in args.file.read_text(encoding="utf-8").splitlines() if line]

    per_report: list[float] = []
    for _ in range(args.rounds):
        for text in texts:
            t0 = time.perf_counter_ns()
            classify_text(text)
            per_report.append((time.perf_counter_ns() - t0) / 1000)

    reports = [Report(text=t, reporter=Reporter(ref="bench")) for t in texts]
    batch_us: list[float] = []
    for _ in range(args.rounds):
        t0 = time.perf_counter_ns()
        classify_batch(reports)
        batch_us.append((time.perf_counter_ns() - t0) / 1000 / len(reports))

    print(f"corpus: {len(texts)} reports x {args.rounds} rounds ({args.file.name})")
    print(f"import + warm-up (lexicon compile, lingua models): {import_s * 1000:.0f} ms")
    print(
        "classify_text per report: "
        f"median {statistics.median(per_report):.0f} us, "
        f"p90 {_percentile(per_report, 0.90):.0f} us, "
        f"p99 {_percentile(per_report, 0.99):.0f} us, "
        f"max {max(per_report):.0f} us"
    )
    print(f"classify_batch mean per report: {statistics.median(batch_us):.0f} us (median over rounds)")
    print(f"throughput (one core): {1e6 / statistics.median(per_report):.0f} reports/s")


if __name__ == "__main__":
    main()
