"""Urgency, category, language and policy flags of a report: a pure function.

WALKING SKELETON: this verdict is visibly not computed (``computed=False``); issue #4 replaces it.
"""

from __future__ import annotations

from binrelay_shared.events import Category, Classification, Report, Urgency


def classify_report(report: Report) -> Classification:
    """Classify one report (pure, no I/O)."""
    return Classification(
        urgency=Urgency.non_urgent,
        category=Category.other,
        language=report.language_hint or report.reporter.language or "nl",
        confidence=0.0,
        computed=False,
    )


def classify_batch(reports: list[Report]) -> list[Classification]:
    """Classify many reports; one verdict per report, in order."""
    return [classify_report(r) for r in reports]
