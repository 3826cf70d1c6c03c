"""CPU budget per stage: µs of CPU per report for the classifier, privacy filter and dispatcher.

    .venv/bin/python bench/cpu_budget.py [--reports 2000] [--rounds 3] [--top 8] [--no-profile]

What each stage's process does per report, without Kafka and Redis: decode the record's bytes
(``codec.decode``, as :mod:`binrelay_shared.stage` does), the stage's functional core, and encode
what it publishes (``codec.encode``):

* **classifier** — ``ReportReceived`` → ``binrelay_classifier.service.process`` → ``ReportClassified``;
* **privacy**    — ``ReportClassified`` → ``binrelay_privacy.service._clear_all`` (the seed
  plans' policies) → ``ReportCleared``;
* **dispatcher** — ``ReportCleared`` → ``Dispatcher.process_reports`` (routing, templates, jobs
  with the seed plans and deploy/members.example.yaml; the Redis script's keys and arguments, the
  claims, metrics and log lines) → the ``Dispatch`` and the delivery jobs. Redis itself is a
  stand-in that answers "new" to every claim, so its round trip is not counted here:
  bench/dispatcher_bench.py measures it.

Logging is configured as a service configures it, at ``--log-level`` (INFO, the services'
default), into /dev/null: a log line per report costs what it costs in production.

Inputs: ``--reports`` reports from the pipeline benchmark's generator (bench/reports.py, fixed
seed: nl/fr/en/de, ~10% urgent, personal data to redact), each stage fed what the one before it
produced. Each figure is the best of ``--rounds`` passes of ``time.process_time`` (CPU of this
process only, so other work on a shared machine counts less than in wall-clock time), then a
cProfile pass per stage lists the functions with the most own time. Not a test: it fails on
nothing, it prints figures.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import io
import os
import pstats
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.reports import make_report

REPO = Path(__file__).resolve().parent.parent
NETWORKS_DIR = REPO / "deploy" / "networks"
MEMBERS_FILE = REPO / "deploy" / "members.example.yaml"
#: The dispatcher's clock: fixed, so the routes (quiet hours, digests) are the same every run.
NOW = datetime(2024, 6, 12, 9, 30, tzinfo=UTC)


def _inputs(n: int, seed: int = 18) -> list[bytes]:
    rng = random.Random(seed)
    return [make_report(rng, rng.random() < 0.1)[1] for _ in range(n)]


def _outs_encoded(results: list[list[Any]]) -> list[bytes]:
    from binrelay_shared.codec import encode

    return [encode(out.event) for outs in results for out in outs]


class _Yes(list[int]):
    """Redis's replies to the settle script as if every report and job were new: 1 at any index."""

    def __getitem__(self, index: object) -> int:  # type: ignore[override]
        return 1


class _NewToRedis:
    """Stands in for Redis where the dispatcher's batch only needs the settle script's replies."""

    def register_script(self, _lua: str) -> Callable[..., Any]:
        async def run(keys: list[Any] | None = None, args: list[Any] | None = None) -> _Yes:
            return _Yes()

        return run


def stages(n: int) -> list[tuple[str, Callable[[], Any], int]]:
    """(name, one pass over its inputs, reports per pass) per stage; inputs built once here."""
    from binrelay_classifier.service import process as classify
    from binrelay_dispatcher.dispatcher import Dispatcher
    from binrelay_dispatcher.service import load_plans
    from binrelay_privacy.policy import PrivacyPolicy
    from binrelay_privacy.service import _clear_all, load_policies
    from binrelay_shared.codec import decode
    from binrelay_shared.events import ReportClassified, ReportCleared, ReportReceived
    from binrelay_shared.network import load_networks
    from binrelay_shared.settings import Settings

    received = _inputs(n)

    def classifier() -> list[bytes]:
        events = [decode(ReportReceived, raw) for raw in received]
        return _outs_encoded(asyncio.run(classify(events)))

    classified = classifier()
    policies = load_policies(load_networks(NETWORKS_DIR, None))
    default = PrivacyPolicy()

    def privacy() -> list[bytes]:
        events = [decode(ReportClassified, raw) for raw in classified]
        return _outs_encoded(_clear_all(events, policies, default, None))

    cleared = privacy()
    plans = load_plans(Settings(networks_dir=NETWORKS_DIR, members_file=MEMBERS_FILE, zone_id="5339"))
    service = Dispatcher(plans, _NewToRedis(), clock=lambda: NOW)  # type: ignore[arg-type]

    def dispatcher() -> list[bytes]:
        events = [decode(ReportCleared, raw) for raw in cleared]
        service.claims.begin_batch()
        return _outs_encoded(asyncio.run(service.process_reports(events)))

    return [("classifier", classifier, n), ("privacy", privacy, n), ("dispatcher", dispatcher, n)]


def cpu_us(work: Callable[[], Any], n: int, rounds: int) -> float:
    """Best CPU µs per report over ``rounds`` passes (after one warm-up pass)."""
    work()
    best = float("inf")
    for _ in range(rounds):
        gc.collect()
        t0 = time.process_time_ns()
        work()
        best = min(best, time.process_time_ns() - t0)
    return best / n / 1000


def profile(work: Callable[[], Any], top: int) -> str:
    """The ``top`` functions by own time in one pass of ``work``."""
    profiler = cProfile.Profile(time.process_time)  # CPU, not wall clock (a shared machine)
    profiler.runcall(work)
    buf = io.StringIO()
    pstats.Stats(profiler, stream=buf).sort_stats("tottime").print_stats(top)
    lines = buf.getvalue().splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
    return "\n".join(line.replace(str(REPO) + "/", "") for line in lines[start : start + top + 1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3, help="passes per figure; the best is kept")
    parser.add_argument("--top", type=int, default=8, help="functions listed per stage's profile")
    parser.add_argument("--no-profile", action="store_true", help="figures only")
    parser.add_argument("--log-level", default="INFO", help="the services' log level (default INFO, theirs)")
    args = parser.parse_args()

    from binrelay_shared.logging import configure_logging

    sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - the log lines' cost counts, not their text
    configure_logging("bench", args.log_level, True)
    runs = stages(args.reports)
    gc.collect()
    gc.freeze()  # as the services do after start-up
    figures = {name: cpu_us(work, n, args.rounds) for name, work, n in runs}
    print(f"CPU per report, µs ({args.reports} generator reports, best of {args.rounds}, time.process_time):")
    for name, us in figures.items():
        print(f"  {name:<11} {us:8.1f}")
    print(f"  {'total':<11} {sum(figures.values()):8.1f}")
    if not args.no_profile:
        for name, work, _ in runs:
            print(f"\n{name}: top {args.top} functions by own time (cProfile, one pass)")
            print(profile(work, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
