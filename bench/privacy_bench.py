"""Privacy filter text path: median and p99 time for a 500-character report.

    .venv/bin/python bench/privacy_bench.py [--runs N]

Measures what the service does per report on the text: detection of every kind, then the
coordinator and group renderings (``clear_report`` without attachments). Three reports are
timed: one full of personal data, one with only look-alikes (times, dates, prices, references),
and one of plain prose. Not a test: it prints figures, it does not fail on time.
"""

from __future__ import annotations

import argparse
import statistics
import time

from binrelay_privacy.clear import clear_report
from binrelay_shared.events import Category, Classification, Report, Reporter, Urgency

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


def bench(text: str, runs: int) -> tuple[float, float]:
    report = Report(text=text, reporter=Reporter(ref="member-1", name="Karel Verstraeten"))
    classification = Classification(
        urgency=Urgency.non_urgent, category=Category.suspicious_vehicle, language="nl", confidence=1.0
    )
    for _ in range(50):  # warm-up: regex compilation, phonenumbers metadata
        clear_report(report, classification)
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        clear_report(report, classification)
        samples.append(time.perf_counter() - t0)
    samples.sort()
    return statistics.median(samples) * 1000, samples[int(len(samples) * 0.99) - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=2000)
    args = parser.parse_args()
    print(f"{'report (500 chars)':<20} {'median ms':>10} {'p99 ms':>10}")
    for name, text in REPORTS.items():
        text = _fit(text)
        median, p99 = bench(text, args.runs)
        print(f"{name:<20} {median:>10.3f} {p99:>10.3f}")


if __name__ == "__main__":
    main()
