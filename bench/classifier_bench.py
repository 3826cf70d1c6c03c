"""Classifier benchmark: time per report over the labelled corpus (not a timed test).

Usage: .venv/bin/python bench/classifier_bench.py [--rounds 5] [--file tests/data/reports_labelled.jsonl]
       [--generated 20000]

Prints the median, p90 and p99 time per report in microseconds for ``classify_text`` (the pure
function: folding, language detection, lexicon matching, rules, pydantic model) and for
``classify_batch`` over :class:`Report` objects, plus the one-off import/warm-up cost; then the
CPU time (``time.process_time``, not wall clock: the figure that does not depend on what else the
machine runs) per ``classify_report`` over the labelled texts and over reports from the pipeline
benchmark's generator (bench/reports.py, with their language hints, as the service sees them).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from binrelay_shared.events import Report

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def cpu_per_report(reports: list[Report], rounds: int) -> list[float]:
    """CPU microseconds of each classify_report call (every report, every round)."""
    from binrelay_classifier.classify import classify_report

    for report in reports[:200]:  # warm: first-seen caches, lazily built tables
        classify_report(report)
    per_report: list[float] = []
    for _ in range(rounds):
        for report in reports:
            t0 = time.process_time_ns()
            classify_report(report)
            per_report.append((time.process_time_ns() - t0) / 1000)
    return per_report


def _cpu_line(name: str, values: list[float]) -> str:
    return (
        f"CPU per classify_report, {name}: mean {statistics.mean(values):.0f} us, "
        f"median {statistics.median(values):.0f} us, p99 {_percentile(values, 0.99):.0f} us"
    )


def generated_reports(n: int, seed: int = 4) -> list[Report]:
    """``n`` reports from the pipeline benchmark's generator (~10% urgent), decoded."""
    from bench.reports import make_report
    from binrelay_shared.codec import decode
    from binrelay_shared.events import ReportReceived

    rng = random.Random(seed)
    return [decode(ReportReceived, make_report(rng, rng.random() < 0.1)[1]).report for _ in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--file", type=Path, default=ROOT / "tests/data/reports_labelled.jsonl")
    parser.add_argument("--generated", type=int, default=20000, help="reports from bench/reports.py (0: none)")
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

    rows = [json.loads(line) for line in args.file.read_text(encoding="utf-8").splitlines() if line]
    labelled = [Report(text=r["text"], reporter=Reporter(ref="bench", language=r.get("lang"))) for r in rows]
    print(_cpu_line(f"{len(labelled)} labelled texts x {args.rounds}", cpu_per_report(labelled, args.rounds)))
    if args.generated:
        generated = generated_reports(args.generated)
        print(_cpu_line(f"{len(generated)} generated reports x 1", cpu_per_report(generated, 1)))


if __name__ == "__main__":
    main()
