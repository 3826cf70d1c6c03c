"""Privacy filter text path: CPU time per report (µs), for fixed reports and the bench generator's.

    .venv/bin/python bench/privacy_bench.py [--runs N] [--reports N]

Measures what the service does per report on the text, in CPU time (``time.process_time_ns``,
so other work on a shared machine does not count):

* three fixed 500-character reports through ``clear_report`` (detection of every kind, then the
  coordinator and group renderings, no attachments): one full of personal data, one with only
  look-alikes (times, dates, prices, references), and one of plain prose;
* ``--reports`` reports from the pipeline benchmark's generator (bench/reports.py, classified
  first, as the service receives them) through the service's batch function, which also builds
  the ``ReportCleared`` event.

Not a test: it prints figures, it does not fail on time.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.reports import make_report
from binrelay_classifier.classify import classify_report
from binrelay_privacy.clear import clear_report
from binrelay_privacy.policy import PrivacyPolicy
from binrelay_privacy.service import _clear_all
from binrelay_shared.codec import decode
from binrelay_shared.events import (
    Category,
    Classification,
    Report,
    ReportClassified,
    Reporter,
    ReportReceived,
    Urgency,
)

REPORTS = {
    "personal data": (
        "Gisteren om 21u15 stond een witte bestelwagen met nummerplaat 1-ABC-123 en later een Franse "
        "wagen AB-123-CD in de Meudonstraat 12, 1120 Neder-over-Heembeek. De bestuurder, meneer Van den "
        "Bossche, gaf nummer 0470 12 34 56 op en later +32 2 555 12 34. Hij vroeg geld op rekening "
        "BE68 5390 0754 7034 en mijn rijksregisternummer 85.07.30-033.28. Mail: jan.peeters@example.be. "
        "Ik heb 101 gebeld; PV BR.55.L1.123456/2024. Schade ongeveer 250 EUR. Groeten, Karel Verstraeten"
    ),
    "look-alikes": (
        "Op 12/03/2024 om 22u30 en opnieuw op 13-03-2024 rond 02:30-03:15 zagen we twee mannen van "
        "ongeveer 35 jaar aan de Ransbeekstraat 120, 1120 Brussel. Een grijze BMW X5 en een Audi A4 reden "
        "richting E40. Schade geschat op EUR 12.500,00, fiets van 899 EUR. PV-nummer BR.55.L1.123456/2024, "
        "notitienummer 2024/000456 bij zone 5339. Bel 101, of 112 bij levensgevaar. Vergadering op 14/11 "
        "om 19u30 in zaal 2, Marlylaan 15, inkom 5 euro. Versie 2.3.1 van de app, code 4821."
    ),
    "plain prose": (
        "Vanavond liep er een man door de straat die bij verschillende huizen aan de deur voelde. Hij "
        "droeg een donkere jas en een muts, en keek steeds om zich heen. Toen een buurvrouw het licht "
        "aandeed, liep hij snel weg in de richting van het park. Niemand heeft iets zien verdwijnen, maar "
        "wees waakzaam en sluit ramen en deuren. Laat geen waardevolle spullen in de auto liggen en meld "
        "verdachte zaken aan de politie. Dank aan iedereen die oplet in de buurt, samen houden we het veilig."
    ),
}


def _fit(text: str, size: int = 500) -> str:
    text = (text + " ") * (size // len(text) + 1)
    return text[:size]


def _cpu_us(work: Callable[[], object], runs: int) -> list[float]:
    """CPU time of each of ``runs`` calls, in µs, sorted (after a warm-up)."""
    for _ in range(min(50, runs)):  # warm-up: regex compilation, phonenumbers metadata
        work()
    samples = []
    clock = time.process_time_ns
    for _ in range(runs):
        t0 = clock()
        work()
        samples.append((clock() - t0) / 1000)
    samples.sort()
    return samples


def _row(name: str, samples: list[float]) -> str:
    p99 = samples[max(0, int(len(samples) * 0.99) - 1)]
    return f"{name:<26} {statistics.fmean(samples):>9.1f} {statistics.median(samples):>9.1f} {p99:>9.1f}"


def fixed(text: str, runs: int) -> list[float]:
    report = Report(text=text, reporter=Reporter(ref="member-1", name="Karel Verstraeten"))
    classification = Classification(
        urgency=Urgency.non_urgent, category=Category.suspicious_vehicle, language="nl", confidence=1.0
    )
    return _cpu_us(lambda: clear_report(report, classification), runs)


def generated(n: int, seed: int = 4) -> list[ReportClassified]:
    """``n`` reports from the pipeline benchmark's generator, classified (as the service gets them)."""
    rng = random.Random(seed)
    events = []
    for _ in range(n):
        _, raw, _ = make_report(rng, rng.random() < 0.1)
        received = decode(ReportReceived, raw)
        events.append(
            ReportClassified(
                report_id=received.report_id,
                network_id=received.network_id,
                zone_id=received.zone_id,
                trace_id=received.trace_id,
                stamps=received.stamps,
                report=received.report,
                classification=classify_report(received.report),
            )
        )
    return events


def service_cpu(events: list[ReportClassified], rounds: int) -> list[float]:
    """CPU µs per report of the service's batch function, one report at a time, ``rounds`` passes."""
    default = PrivacyPolicy()
    it = iter(events * rounds)
    return _cpu_us(lambda: _clear_all([next(it)], {}, default, None), len(events) * rounds - 50)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=2000, help="timed calls per fixed report")
    parser.add_argument("--reports", type=int, default=2000, help="generator reports (0: skip)")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the generator reports")
    args = parser.parse_args()
    print(f"{'CPU µs per report':<26} {'mean':>9} {'median':>9} {'p99':>9}")
    for name, text in REPORTS.items():
        print(_row(f"{name} (500 chars)", fixed(_fit(text), args.runs)))
    if args.reports:
        events = generated(args.reports)
        print(_row(f"generator ({args.reports}, service)", service_cpu(events, args.rounds)))


if __name__ == "__main__":
    main()
