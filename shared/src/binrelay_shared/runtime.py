"""Running a stage service as its own process: settings, logging, metrics, broker, Redis."""

from __future__ import annotations

import asyncio
import gc
import os
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from faststream import FastStream
from faststream.kafka import KafkaBroker
from prometheus_client import CollectorRegistry
from pydantic import BaseModel
from redis.asyncio import Redis

from .kafka import make_broker, transactors
from .kafka_security import KafkaClientConfig, require_kafka
from .logging import configure_logging, get_logger
from .metrics import StageMetrics, serve_metrics
from .redis_auth import check_redis_or_exit, redis_client
from .settings import Settings, settings_or_exit
from .stage import Out, Stage
from .transactions import Transactor

E = TypeVar("E", bound=BaseModel)


@dataclass
class Runtime:
    """What a service's ``build`` function gets to assemble its stage from."""

    name: str
    settings: Settings
    registry: CollectorRegistry
    broker: KafkaBroker
    redis: Redis
    kafka: KafkaClientConfig  # this service's principal and how it connects

    def transactions(self, stage: str, lane: str) -> Transactor:
        """The transactional producer of ``stage``'s ``lane`` in this process (not started), its
        id stable across restarts of this instance (``BINRELAY_INSTANCE``, see :mod:`.transactions`)."""
        return transactors(self.kafka, self.name, self.settings.instance,
                           self.settings.transaction_timeout_ms)(stage, lane)

    def stage_metrics(self) -> StageMetrics:
        return StageMetrics(self.registry, self.name)

    def stage(
        self,
        input_topic: str,
        model: type[E],
        process: Callable[[list[E]], Awaitable[list[list[Out]]]],
    ) -> Stage[E]:
        """This service's stage on ``input_topic``, with its metrics, Redis trace and settings."""
        return Stage(
            name=self.name,
            input_topic=input_topic,
            model=model,
            process=process,
            metrics=self.stage_metrics(),
            redis=self.redis,
            trace_ttl_seconds=self.settings.trace_ttl_seconds,
            trace_flush_ms=self.settings.trace_flush_ms,
        )


def make_runtime(name: str, settings: Settings | None = None) -> Runtime:
    """Build the runtime of service ``name``, whose Kafka principal is ``name`` (unless
    ``BINRELAY_KAFKA_USER`` says otherwise). Its credentials are checked with the broker here: a
    missing or refused secret exits 2 naming the setting, before anything is consumed."""
    settings = settings or Settings()
    kafka = require_kafka(settings, name)
    return Runtime(
        name=name,
        settings=settings,
        registry=CollectorRegistry(),
        broker=make_broker(kafka, f"binrelay-{name}"),
        redis=redis_client(settings, name),  # as Redis user `name` (binrelay_shared.redis_acl)
        kafka=kafka,
    )


def wire_stages(runtime: Runtime, stages: Sequence[Stage[Any]]) -> FastStream:
    """Attach ``stages`` to the runtime's broker and return the faststream app that runs them.

    Each stage's lanes consume and publish in Kafka transactions (:mod:`.transactions`; only
    ``BINRELAY_TRANSACTIONS=off``, for the bench's comparison, leaves them out), one
    transactional producer per lane, started before the consumers (created at start-up: aiokafka
    binds a producer to the running loop; starting one fences a dead predecessor with the same id
    and ends its open transaction) and stopped after them. A stage's emitter (the dispatcher's
    scheduler) starts at its first use.
    """
    for stage in stages:
        stage.attach(
            runtime.broker,
            max_records=runtime.settings.batch_max_records,
            batch_timeout_ms=runtime.settings.batch_timeout_ms,
            commit_interval_ms=runtime.settings.commit_interval_ms,
            chunk_records=runtime.settings.batch_chunk_records,
            fetch_max_wait_ms=runtime.settings.fetch_max_wait_ms,
            fetch_min_bytes=runtime.settings.fetch_min_bytes,
            lanes=runtime.settings.lanes,
            # Off only in `make bench`'s comparison column (Settings.transactions).
            transactions=runtime.transactions if runtime.settings.transactions == "on" else None,
        )
    app = FastStream(runtime.broker)
    transactors = [t for stage in stages for t in stage.transactors]

    @app.on_startup
    async def _start_producers() -> None:
        yield_to_urgent_lane(runtime.settings)
        await asyncio.gather(*(t.start() for t in transactors))
        freeze_heap()

    @app.on_shutdown
    async def _commit() -> None:
        # Before the consumers stop: commit what is published (faststream stops them next).
        for stage in stages:
            for committer in stage.committers:
                await committer.close()

    @app.after_shutdown
    async def _close() -> None:
        for stage in stages:
            for transactor in [*stage.transactors, *([stage.emitter] if stage.emitter else [])]:
                await transactor.stop()
        # The consumers have stopped: nothing adds to the traces (or the riders' work) any more.
        for stage in stages:
            if stage.trace is not None:
                await stage.trace.close()
        await runtime.redis.aclose()

    return app


def yield_to_urgent_lane(settings: Settings) -> None:
    """A process of the ordinary lane alone lowers its CPU priority (``ordinary_nice``).

    Run as a process per lane, a stage's urgent process then takes a core as soon as an urgent
    record arrives, whatever the ordinary processes are doing: the kernel's scheduler, not the
    event loop, decides who waits. On our 2-core machine at half the pipeline's maximum rate
    (~650-730 reports/s), urgent p99 went from 135-428 ms (one process per stage) to 42-65 ms in
    ``make bench`` runs. The ordinary lane loses nothing while a core is free: niceness only
    matters when both are busy — then ordinary reports wait longer (p99 0.6-2 s instead of
    0.2-0.4 s at that rate; a lower ``ordinary_nice`` moves the balance back).
    """
    if settings.lanes == "ordinary" and settings.ordinary_nice:
        os.nice(settings.ordinary_nice)


def freeze_heap() -> None:
    """Move everything built at start-up (lexicons, plans, members) out of the garbage collector's
    sight. A full collection of a service's ~110,000 start-up objects stalls its event loop for
    ~40 ms — an urgent report's whole budget — and none of them is ever garbage.
    """
    gc.collect()
    gc.freeze()


def build_app(runtime: Runtime, build: Callable[[Runtime], Stage[Any]]) -> FastStream:
    """The faststream app of a one-stage service (subscribers attached, not started)."""
    return wire_stages(runtime, [build(runtime)])


def run_stage_service(name: str, build: Callable[[Runtime], Stage[Any]], settings: Settings | None = None) -> None:
    """Entry point of a stage service process: run until SIGINT/SIGTERM.

    A service that validates its own configuration first (its network files) reads ``settings``
    itself and passes them, so a bad file stops it before any connection is tried."""
    settings = settings or settings_or_exit(Settings)
    configure_logging(name, settings.log_level, settings.log_json)
    check_redis_or_exit(settings, name)  # Redis security: a wrong secret stops here, exit 2
    runtime = make_runtime(name, settings)
    serve_metrics(runtime.registry, settings)
    app = build_app(runtime, build)
    get_logger(__name__).info("starting", kafka=settings.kafka, metrics_port=settings.metrics_port)
    asyncio.run(app.run())
