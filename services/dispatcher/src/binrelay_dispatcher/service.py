"""The dispatcher service: ReportCleared → communication plan → Dispatch + delivery jobs.

Three loops in one process, all thin around the pure core (:mod:`.routing`, :mod:`.jobs`):

* the **reports stage** (``bin.reports.cleared.v1``): per batch, decode → ``plan_deliveries`` →
  ONE Redis round trip, a Lua script (dedup of reports and jobs, pending acknowledgements and
  approvals, timers) → publish the zone's Dispatch and the jobs due now to
  ``bin.outbox.<channel>.v1`` (:mod:`.dispatcher`). Claims are provisional (the process's token)
  until Kafka has acknowledged the batch's outputs, then confirmed in one more round trip; if
  publishing fails, the claims of the batch are released so the retry is not mistaken for a
  duplicate, and a claim left by a process killed in between is taken over by the next one (see
  ``state.SETTLE_LUA`` and :mod:`.claims`);
* the **responses stage** (``bin.responses.v1``): an acknowledgement stops the escalation, an
  approval releases the held deliveries, a rejection drops them (:mod:`.responses`);
* the **deliveries stage** (``bin.deliveries.v1``, outcome ``failed`` only): a member the senders
  could not reach on any channel is named to the network's coordinators (:mod:`.undelivered`);
* the **scheduler**: every ``tick`` seconds it takes the due timers — escalations, jobs held for
  quiet hours, digests — for a lease, publishes what follows, and removes each timer once that is
  published (:mod:`.timers`).

The stages and the scheduler's ticks are compensated by the dispatcher's :class:`~.claims.Claims`
(:class:`~binrelay_shared.stage.Compensation`): what a batch did in Redis is undone if its outputs
are not published, confirmed once they are.
"""

from __future__ import annotations

import asyncio
from typing import Any

from binrelay_shared import topics
from binrelay_shared.consent import RedisConsent
from binrelay_shared.db import database_url, make_engine
from binrelay_shared.events import DeliveryOutcome, ReportCleared, Response, utcnow
from binrelay_shared.logging import configure_logging, get_logger
from binrelay_shared.members.changes import MembersWatcher
from binrelay_shared.members.registry import Registry
from binrelay_shared.members.service import registry_members_or_exit
from binrelay_shared.metrics import serve_metrics
from binrelay_shared.network import Network, load_members, load_networks
from binrelay_shared.redis_auth import check_redis_or_exit
from binrelay_shared.runtime import Runtime, make_runtime, wire_stages
from binrelay_shared.settings import Settings, networks_or_exit, settings_or_exit
from binrelay_shared.stage import Stage

from .claims import Clock
from .dispatcher import Dispatcher
from .metrics import DispatcherMetrics
from .settings import NAME, DispatcherSettings
from .timers import scheduler

log = get_logger(__name__)


def load_plans(settings: Settings) -> dict[str, Network]:
    """The plans with the members of the members file (benchmarks; the service reads the registry)."""
    members = load_members(settings.members_file)
    return load_networks(settings.networks_dir, members)


def build(runtime: Runtime, networks: dict[str, Network], name: str = NAME,
          clock: Clock = utcnow) -> tuple[Dispatcher, list[Stage[Any]]]:
    """The dispatcher and its stages, reports, responses and failed deliveries, compensated by its claims.

    Responses change state and claim jobs too (an approval releases held deliveries): the same
    undo if publishing fails, the same confirmation once published."""
    dispatcher = Dispatcher(networks, runtime.redis, clock, DispatcherMetrics(runtime.registry),
                            consent=RedisConsent(runtime.redis),
                            trace_ttl_seconds=runtime.settings.trace_ttl_seconds)
    metrics = runtime.stage_metrics()
    stages: list[Stage[Any]] = []
    for stage_name, input_topic, model, process in (
        (name, topics.REPORTS_CLEARED, ReportCleared, dispatcher.process_reports),
        (f"{name}-responses", topics.RESPONSES, Response, dispatcher.process_responses),
        (f"{name}-deliveries", topics.DELIVERIES, DeliveryOutcome, dispatcher.process_outcomes),
    ):
        stages.append(Stage(
            name=stage_name,
            input_topic=input_topic,
            model=model,
            process=process,
            metrics=metrics,
            redis=runtime.redis,
            trace_ttl_seconds=runtime.settings.trace_ttl_seconds,
            trace_flush_ms=runtime.settings.trace_flush_ms,
            compensation=dispatcher.claims,
        ))
    return dispatcher, stages


async def watch_members(runtime: Runtime, dispatcher: Dispatcher, name: str) -> None:
    """Members added, changed or removed in the registry reach the plans within a second or so."""
    registry = Registry(make_engine(database_url(runtime.settings)))
    watcher = MembersWatcher(runtime.kafka, registry, dispatcher.apply_members, client_id=f"binrelay-{name}-members",
                             known=dispatcher.member_ids,
                             refresh_seconds=runtime.settings.members_refresh_seconds)
    try:
        await watcher.run()
    finally:
        await registry.close()


def main() -> None:
    settings = settings_or_exit(Settings)
    own = settings_or_exit(DispatcherSettings)
    configure_logging(NAME, settings.log_level, settings.log_json)
    members = registry_members_or_exit(settings)  # migrated, the members file imported once (make up's first start)
    networks = networks_or_exit(settings, members=members)  # a bad plan stops the service here, every problem named
    check_redis_or_exit(settings, NAME)  # a missing or wrong Redis secret: exit 2, naming the setting
    runtime = make_runtime(NAME, settings)
    serve_metrics(runtime.registry, settings)
    dispatcher, stages = build(runtime, networks, own.name)
    app = wire_stages(runtime, stages)  # publishes through one aiokafka producer, flushed at stop
    tasks: list[asyncio.Task[None]] = []

    @app.after_startup
    async def _start_scheduler() -> None:
        # Every process (each lane's) holds the members: each watches their changes.
        tasks.append(asyncio.create_task(watch_members(runtime, dispatcher, own.name)))
        if settings.lanes == "urgent":
            return  # the urgent lane's process only dispatches; timers are the other process's
        tasks.append(asyncio.create_task(scheduler(dispatcher, stages[0], own.tick_seconds)))

    @app.on_shutdown
    async def _stop_scheduler() -> None:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    log.info("starting", kafka=settings.kafka, networks=sorted(networks), metrics_port=settings.metrics_port)
    asyncio.run(app.run())

if __name__ == "__main__":
    main()
