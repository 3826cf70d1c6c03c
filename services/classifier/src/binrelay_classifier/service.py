"""The classifier service: ReportReceived → classify (pure) → ReportClassified.

Thin shell: decoding, batching, dead letters and commits live in :mod:`binrelay_shared.stage`.
"""

from __future__ import annotations

from typing import get_args

from prometheus_client import CollectorRegistry, Counter
from pydantic import BaseModel

from binrelay_shared import topics
from binrelay_shared.events import Category, Language, ReportClassified, ReportReceived, Urgency, utcnow
from binrelay_shared.runtime import Runtime, run_stage_service
from binrelay_shared.stage import Out, Stage, observed

from .classify import classify_batch

NAME = "classifier"


async def process(events: list[ReportReceived]) -> list[list[Out]]:
    """Classify a batch; one ReportClassified per report."""
    verdicts = classify_batch([e.report for e in events])
    now = utcnow()
    return [
        [
            Out(
                topics.REPORTS_CLASSIFIED,
                ReportClassified(
                    **e.envelope("classified", now),
                    report=e.report,
                    classification=verdict,
                ),
            )
        ]
        for e, verdict in zip(events, verdicts, strict=True)
    ]


def classification_counter(registry: CollectorRegistry) -> Counter:
    """Classifications by urgency, category and language (88 series, all created at zero)."""
    counter = Counter(
        "binrelay_classifications",
        "Reports classified, by urgency, category and language",
        ["urgency", "category", "language"],
        registry=registry,
    )
    for urgency in Urgency:
        for category in Category:
            for language in get_args(Language):
                counter.labels(urgency.value, category.value, language)
    return counter


def build(runtime: Runtime) -> Stage[ReportReceived]:
    counter = classification_counter(runtime.registry)

    def count(event: BaseModel) -> None:
        if isinstance(event, ReportClassified):
            c = event.classification
            counter.labels(c.urgency.value, c.category.value, c.language).inc()

    return runtime.stage(topics.REPORTS_RECEIVED, ReportReceived, observed(process, count))


def main() -> None:
    run_stage_service(NAME, build)


if __name__ == "__main__":
    main()
