"""The dispatcher service: ReportCleared → communication plan → Dispatch (+ delivery jobs).

WALKING SKELETON: every report goes to its police zone's topic with the police rendering;
``routes=("not-yet-computed",)`` marks that no communication plan was applied. Issue #6 adds the
plans, audiences and delivery jobs.
"""

from __future__ import annotations

from binrelay_shared import topics
from binrelay_shared.events import Audience, Dispatch, ReportCleared, utcnow
from binrelay_shared.runtime import Runtime, run_stage_service
from binrelay_shared.stage import Out, Stage

NAME = "dispatcher"


async def process(events: list[ReportCleared]) -> list[list[Out]]:
    """Dispatch a batch: the police zone topic gets each report's police rendering."""
    now = utcnow()
    return [
        [
            Out(
                topics.dispatch(e.zone_id),
                Dispatch(
                    report_id=e.report_id,
                    network_id=e.network_id,
                    zone_id=e.zone_id,
                    trace_id=e.trace_id,
                    stamps=e.stamps.model_copy(update={"dispatched": now}),
                    origin=e.report.origin,
                    kind=e.report.kind,
                    classification=e.classification,
                    rendering=e.renderings[Audience.police],
                    location=e.report.location,
                    routes=("not-yet-computed",),
                ),
            )
        ]
        for e in events
    ]


def build(runtime: Runtime) -> Stage[ReportCleared]:
    return Stage(
        name=NAME,
        input_topic=topics.REPORTS_CLEARED,
        model=ReportCleared,
        process=process,
        metrics=runtime.stage_metrics(),
        redis=runtime.redis,
        trace_ttl_seconds=runtime.settings.trace_ttl_seconds,
    )


def main() -> None:
    run_stage_service(NAME, build)


if __name__ == "__main__":
    main()
