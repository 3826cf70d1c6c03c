"""``binrelay-ledger``: the process that feeds the ledger from the pipeline, continuously.

It reads the police zones' dispatch topics (``bin.dispatch.<zone>.v1``), ``bin.deliveries.v1`` and
``bin.responses.v1`` as principal ``ledger`` (read-only grants: :mod:`binrelay_shared.acl`), turns
each record into rows (:func:`.rows.rows_of`) and writes a batch's rows in one transaction before
committing its offsets. A crash between the two makes it read the batch again: the rows' keys make
that a no-op. A record that is not a valid event is counted and skipped (the stages that produce
these topics dead-letter bad input; here there is nothing to answer). Once an hour (and at start)
it also counts each network's members per channel and their consent in the member registry
(:func:`count_members`; the same database).
"""

from __future__ import annotations

import asyncio
import inspect
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter
from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from binrelay_shared.events import DeliveryOutcome, Dispatch, Response, utcnow
from binrelay_shared.kafka_security import KafkaClientConfig
from binrelay_shared.observer import OBSERVED_TOPICS

from . import store
from .figures import BRUSSELS
from .rows import Headcount, Row, headcounts_of_registry, member_rows, rows_of

if TYPE_CHECKING:
    from binrelay_shared.members.registry import Registry

GROUP = "binrelay-ledger"
PRINCIPAL = "ledger"
#: Seconds between two member counts.
MEMBERS_EVERY = 3600.0


def decode(topic: str, raw: bytes) -> Dispatch | DeliveryOutcome | Response | None:
    """The event a record of ``topic`` carries, or None for a topic the ledger does not keep.
    Raises ValueError (pydantic's ValidationError is one) for a record that is not that event."""
    if topic.startswith("bin.dispatch."):
        return Dispatch.model_validate_json(raw)
    if topic == "bin.deliveries.v1":
        return DeliveryOutcome.model_validate_json(raw)
    if topic == "bin.responses.v1":
        return Response.model_validate_json(raw)
    return None


class LedgerMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.events = Counter("binrelay_ledger_events", "Records the ledger read, by kind", ["kind"],
                              registry=registry)
        self.rows = Counter("binrelay_ledger_rows", "Rows the ledger wrote (a repeat is a no-op), by table",
                            ["table"], registry=registry)
        for kind in ("dispatch", "delivery", "response", "invalid"):
            self.events.labels(kind)


_KIND = {Dispatch: "dispatch", DeliveryOutcome: "delivery", Response: "response"}


def rows_of_records(records: list[tuple[str, bytes]], metrics: LedgerMetrics | None = None) -> list[Row]:
    """Every row a batch of (topic, value) records adds; invalid records are counted, not kept."""
    rows: list[Row] = []
    for topic, raw in records:
        try:
            event = decode(topic, raw)
        except (ValidationError, ValueError):
            if metrics is not None:
                metrics.events.labels("invalid").inc()
            continue
        if event is None:
            continue
        if metrics is not None:
            metrics.events.labels(_KIND[type(event)]).inc()
        rows += rows_of(event)
    return rows


#: The members to count and the network ids to count them for.
Counted = tuple[list[Headcount], list[str]]


async def registry_headcounts(registry: Registry, networks: list[str]) -> Counted:
    """The registry's members now, as the statistics count them (no id, no address), and ``networks``."""
    return headcounts_of_registry(await registry.consent_by_channel()), networks


async def purge_older(url: Any) -> dict[str, int]:
    """Delete the ledger's rows older than ``BINRELAY_RETENTION_LEDGER_YEARS`` (:func:`.store.purge`)."""
    from binrelay_shared.db import make_engine
    from binrelay_shared.retention import Retention

    engine = make_engine(url)
    try:
        return await store.purge(engine, Retention().ledger_cutoff(utcnow()))
    finally:
        await engine.dispose()


async def run_ledger(
    kafka: KafkaClientConfig,
    engine: AsyncEngine,
    registry: CollectorRegistry,
    *,
    headcounts: Callable[[], Counted | Awaitable[Counted]] | None = None,
    group_id: str = GROUP,
    members_every: float = MEMBERS_EVERY,
) -> None:
    """Consume the ledger's topics forever, writing rows, then committing (the process's loop).
    ``headcounts``: the members and the network ids to count them for (None: no member counts)."""
    from aiokafka import AIOKafkaConsumer

    from binrelay_shared.logging import get_logger

    log = get_logger(__name__)
    metrics = LedgerMetrics(registry)
    consumer = AIOKafkaConsumer(
        **kafka.aiokafka(),
        group_id=group_id,
        auto_offset_reset="earliest",  # a new ledger takes what the topics still hold
        enable_auto_commit=False,
        isolation_level="read_committed",  # the stages write in transactions: never an aborted attempt
        metadata_max_age_ms=10_000,  # notice new police-zone topics quickly
    )
    consumer.subscribe(pattern=OBSERVED_TOPICS.pattern)
    await consumer.start()
    counted = -members_every
    try:
        while True:
            if headcounts is not None and time.monotonic() - counted >= members_every:
                counted_now = headcounts()
                heads, networks = await counted_now if inspect.isawaitable(counted_now) else counted_now
                await _write(engine, member_rows(heads, networks, _today()), metrics)
                counted = time.monotonic()
            batch = await consumer.getmany(timeout_ms=1000, max_records=1000)
            if not batch:
                continue
            records = [(r.topic, r.value or b"") for recs in batch.values() for r in recs]
            await _write(engine, rows_of_records(records, metrics), metrics)
            await consumer.commit()
            log.debug("ledger batch written", records=len(records))
    finally:
        await consumer.stop()


def _today() -> date:
    return utcnow().astimezone(BRUSSELS).date()


async def _write(engine: AsyncEngine, rows: list[Row], metrics: LedgerMetrics) -> None:
    await store.write(engine, rows)
    for row in rows:
        metrics.rows.labels(row.TABLE).inc()


def main() -> None:
    """Entry point of ``binrelay-ledger``."""
    from binrelay_shared.db import engine as db
    from binrelay_shared.db.migrate import upgrade
    from binrelay_shared.kafka_security import require_kafka
    from binrelay_shared.logging import configure_logging, get_logger
    from binrelay_shared.members.registry import Registry
    from binrelay_shared.members.service import registry_ready_or_exit
    from binrelay_shared.metrics import serve_metrics
    from binrelay_shared.settings import Settings, networks_or_exit, settings_or_exit

    settings = settings_or_exit(Settings)
    configure_logging("ledger", settings.log_level, settings.log_json)
    networks = sorted(networks_or_exit(settings))  # a bad network file stops the start

    kafka = require_kafka(settings, PRINCIPAL)
    try:
        url = db.database_url()  # (makes a SQLite file's folder)
    except (db.DatabaseConfigError, OSError) as exc:
        print(f"error: cannot open the ledger's database: {exc}; check BINRELAY_DATABASE_URL", file=sys.stderr)
        sys.exit(2)
    try:
        asyncio.run(upgrade(url))
    except (SQLAlchemyError, OSError) as exc:  # before any record is taken: stop, saying where and why
        where = make_url(url).render_as_string(hide_password=True)
        print(f"error: cannot open the ledger's database {where} ({type(exc).__name__}): check "
              "BINRELAY_DATABASE_URL and that the database is running", file=sys.stderr)
        sys.exit(2)
    registry_ready_or_exit(settings)  # as every process holding members: the members file imported once
    try:  # the ledger's retention (BINRELAY_RETENTION_LEDGER_YEARS), at every start
        asyncio.run(purge_older(url))
    except (SQLAlchemyError, OSError) as exc:
        print(f"error: cannot apply the ledger's retention ({type(exc).__name__}): check that the database "
              "(BINRELAY_DATABASE_URL) is running", file=sys.stderr)
        sys.exit(2)
    registry = CollectorRegistry()
    serve_metrics(registry, settings)
    get_logger(__name__).info("starting", kafka=settings.kafka, metrics_port=settings.metrics_port)

    async def run() -> None:
        engine = db.engine(url)
        members = Registry(engine)  # the same database: counted from the registry, read again each time
        try:
            await run_ledger(kafka, engine, registry, headcounts=lambda: registry_headcounts(members, networks))
        finally:
            await engine.dispose()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass
