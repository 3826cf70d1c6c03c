"""The observer: what operators need to know that no single stage can see.

It reads the police-zone dispatch topics, ``bin.deliveries.v1`` and ``bin.responses.v1`` and
exposes:

* ``binrelay_deliveries_total{channel,audience,outcome}`` — every delivery outcome;
* ``binrelay_delivered_latency_seconds{urgency}`` — receipt of a report → its first delivery;
* ``binrelay_urgent_awaiting_delivery`` and ``binrelay_urgent_undelivered_over_deadline`` —
  urgent reports dispatched and not yet delivered to anyone (the second counts those older than
  the deadline, 60 s: the alert "an urgent report not delivered within 60 s" fires on it);
* ``binrelay_urgent_awaiting_ack`` — urgent reports no coordinator has acknowledged yet;
* ``binrelay_network_reports_total{network,urgency,category,held}`` and
  ``binrelay_network_deliveries_total{network,channel,outcome}`` — per network (network ids come
  from the configured plans, plus ``none`` for reports outside every network: a bounded set);
* ``binrelay_consumer_lag{group,topic,partition}`` — messages each consumer group still has to
  read, from the committed offsets (so a stopped service's backlog shows too).

The bookkeeping is a pure class (:class:`Watch`), tested without Kafka; the process is a thin
consumer loop around it. Its state is in memory: after a restart it watches reports dispatched
from then on (a restart is visible in ``up`` and the gap is the restart's length).
"""

from __future__ import annotations

import asyncio
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from .events import Audience, Channel, DeliveryOutcome, Dispatch, Outcome, Response, ResponseKind, Urgency
from .kafka_security import KafkaClientConfig
from .metrics import LATENCY_BUCKETS

#: Audiences a delivery can be for (label values); anything else is counted as "other".
AUDIENCES = ("reporter", "coordinators", "steering_group", "officer", "group", "zone", "delivery_alert", "other")
DEADLINE_SECONDS = 60.0
#: Most reports remembered for latency and acknowledgement bookkeeping.
MEMORY = 100_000

OBSERVED_TOPICS = re.compile(r"^bin\.(dispatch\.[^.]+|deliveries|responses)\.v1$")


@dataclass
class _Pending:
    received: datetime
    dispatched: datetime
    urgency: Urgency
    delivered: bool = False
    acknowledged: bool = False


@dataclass
class _Early:
    """What was read about a report before its dispatch record: its first delivery, an ack."""

    delivered_at: datetime | None = None
    acknowledged: bool = False


@dataclass
class Watch:
    """Pure bookkeeping of dispatched reports, their deliveries and acknowledgements.

    The three topics are read by one consumer but are different topics (and partitions): nothing
    orders a report's delivery outcome, or its acknowledgement, after its dispatch record. A
    sender is often faster than the dispatcher's commit-and-fetch round trip to the observer, so
    an outcome (or a response) read before its dispatch record is remembered (``early``, bounded
    like ``reports``) and applied when the dispatch record arrives; dropping it left the report
    "awaiting delivery" forever and ``UrgentReportNotDelivered`` firing on delivered reports.
    """

    deadline_seconds: float = DEADLINE_SECONDS
    memory: int = MEMORY
    reports: OrderedDict[str, _Pending] = field(default_factory=OrderedDict)
    early: OrderedDict[str, _Early] = field(default_factory=OrderedDict)

    def on_dispatch(self, d: Dispatch) -> tuple[Urgency | None, float | None]:
        """Record a dispatch; return (urgency, seconds since receipt) if it was delivered already."""
        if d.held is not None or d.report_id in self.reports:
            return None, None  # held for a human: its terminal state is "held", not "delivered"
        pending = self.reports[d.report_id] = _Pending(
            received=d.stamps.received,
            dispatched=d.stamps.dispatched or d.stamps.received,
            urgency=d.classification.urgency,
        )
        self._bound(self.reports)
        early = self.early.pop(d.report_id, None)
        if early is None:
            return None, None
        pending.acknowledged = early.acknowledged
        if early.delivered_at is None:
            return None, None
        pending.delivered = True
        return pending.urgency, (early.delivered_at - pending.received).total_seconds()

    def on_outcome(self, o: DeliveryOutcome) -> tuple[Urgency | None, float | None]:
        """Record an outcome; return (urgency, seconds since receipt) for a first delivery."""
        if o.outcome is not Outcome.delivered:
            return None, None
        pending = self.reports.get(o.report_id)
        if pending is None:
            early = self._early(o.report_id)
            if early.delivered_at is None or o.at < early.delivered_at:
                early.delivered_at = o.at
            return None, None
        if pending.delivered:
            return None, None
        pending.delivered = True
        return pending.urgency, (o.at - pending.received).total_seconds()

    def on_response(self, r: Response) -> None:
        if r.kind not in (ResponseKind.acknowledge, ResponseKind.approve):
            return
        pending = self.reports.get(r.report_id)
        if pending is None:
            self._early(r.report_id).acknowledged = True
        else:
            pending.acknowledged = True

    def _early(self, report_id: str) -> _Early:
        early = self.early.get(report_id)
        if early is None:
            early = self.early[report_id] = _Early()
            self._bound(self.early)
        return early

    def _bound(self, memo: OrderedDict[str, Any]) -> None:
        while len(memo) > self.memory:
            memo.popitem(last=False)

    def urgent_awaiting_delivery(self) -> int:
        return sum(1 for p in self.reports.values() if p.urgency is Urgency.urgent and not p.delivered)

    def urgent_overdue(self, now: datetime) -> int:
        return sum(
            1
            for p in self.reports.values()
            if p.urgency is Urgency.urgent
            and not p.delivered
            and (now - p.dispatched).total_seconds() > self.deadline_seconds
        )

    def urgent_awaiting_ack(self) -> int:
        return sum(1 for p in self.reports.values() if p.urgency is Urgency.urgent and not p.acknowledged)


class ObserverMetrics:
    """The observer's metric families, on a registry passed in, known series at zero."""

    def __init__(self, registry: CollectorRegistry, networks: tuple[str, ...] = ()) -> None:
        self.deliveries = Counter(
            "binrelay_deliveries",
            "Delivery outcomes by channel, audience and outcome",
            ["channel", "audience", "outcome"],
            registry=registry,
        )
        for channel in (Channel.sms, Channel.email, Channel.chat):
            for audience in AUDIENCES:
                for outcome in Outcome:
                    self.deliveries.labels(channel.value, audience, outcome.value)
        self.delivered_latency = Histogram(
            "binrelay_delivered_latency_seconds",
            "Seconds from a report's receipt to its first successful delivery, by urgency",
            ["urgency"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        for urgency in Urgency:
            self.delivered_latency.labels(urgency.value)
        self.awaiting_delivery = Gauge(
            "binrelay_urgent_awaiting_delivery",
            "Urgent reports dispatched and not yet delivered to anyone",
            registry=registry,
        )
        self.overdue = Gauge(
            "binrelay_urgent_undelivered_over_deadline",
            "Urgent reports not delivered to anyone within the deadline (60 s) after dispatch",
            registry=registry,
        )
        self.awaiting_ack = Gauge(
            "binrelay_urgent_awaiting_ack",
            "Urgent reports no coordinator or officer has acknowledged yet",
            registry=registry,
        )
        self.lag = Gauge(
            "binrelay_consumer_lag",
            "Messages a consumer group still has to read, by topic and partition",
            ["group", "topic", "partition"],
            registry=registry,
        )
        self.network_reports = Counter(
            "binrelay_network_reports",
            "Reports dispatched per network, by urgency, category and whether held for a human",
            ["network", "urgency", "category", "held"],
            registry=registry,
        )
        self.network_deliveries = Counter(
            "binrelay_network_deliveries",
            "Delivery outcomes per network, by channel and outcome",
            ["network", "channel", "outcome"],
            registry=registry,
        )
        for network in (*networks, "none"):
            for channel in (Channel.sms, Channel.email, Channel.chat):
                for outcome in Outcome:
                    self.network_deliveries.labels(network, channel.value, outcome.value)
            for urgency in Urgency:
                self.network_reports.labels(network, urgency.value, "other", "no")
        self.events = Counter(
            "binrelay_observer_events",
            "Events the observer read, by kind",
            ["kind"],
            registry=registry,
        )
        for kind in ("dispatch", "delivery", "response", "invalid"):
            self.events.labels(kind)


def network_label(network_id: str | None) -> str:
    return network_id or "none"


def audience_label(audience: str) -> str:
    return audience if audience in AUDIENCES else ("group" if audience == Audience.group.value else "other")


async def run_observer(
    kafka: KafkaClientConfig,
    registry: CollectorRegistry,
    lag_interval: float = 10.0,
    networks: tuple[str, ...] = (),
    *,
    watch: Watch | None = None,
    group_id: str = "binrelay-observer",
) -> None:
    """Consume the observed topics forever, updating the metrics (the process's main loop)."""
    from aiokafka import AIOKafkaConsumer

    from .events import utcnow
    from .logging import get_logger

    log = get_logger(__name__)
    metrics = ObserverMetrics(registry, networks)
    watch = Watch() if watch is None else watch
    consumer = AIOKafkaConsumer(
        **kafka.aiokafka(),
        group_id=group_id,
        auto_offset_reset="latest",
        enable_auto_commit=True,
        metadata_max_age_ms=10_000,  # notice new police-zone topics quickly
        # The stages publish in transactions: what an aborted attempt wrote never happened.
        isolation_level="read_committed",
    )
    consumer.subscribe(pattern=OBSERVED_TOPICS.pattern)
    await consumer.start()
    lag_task = asyncio.create_task(_lag_loop(kafka, metrics, lag_interval))
    try:
        while True:
            batch = await consumer.getmany(timeout_ms=1000, max_records=1000)
            for records in batch.values():
                for rec in records:
                    _observe(rec.topic, rec.value or b"", watch, metrics)
            now = utcnow()
            metrics.awaiting_delivery.set(watch.urgent_awaiting_delivery())
            metrics.overdue.set(watch.urgent_overdue(now))
            metrics.awaiting_ack.set(watch.urgent_awaiting_ack())
            if lag_task.done() and lag_task.exception() is not None:
                log.warning("lag loop failed; restarting", error=type(lag_task.exception()).__name__)
                lag_task = asyncio.create_task(_lag_loop(kafka, metrics, lag_interval))
    finally:
        lag_task.cancel()
        await consumer.stop()


def _observe(topic: str, raw: bytes, watch: Watch, metrics: ObserverMetrics) -> None:
    try:
        if topic.startswith("bin.dispatch."):
            d = Dispatch.model_validate_json(raw)
            urgency, seconds = watch.on_dispatch(d)  # delivered already: its outcome came first
            if urgency is not None and seconds is not None:
                metrics.delivered_latency.labels(urgency.value).observe(max(seconds, 0.0))
            metrics.network_reports.labels(
                network_label(d.network_id),
                d.classification.urgency.value,
                d.classification.category.value,
                d.held or "no",
            ).inc()
            metrics.events.labels("dispatch").inc()
        elif topic == "bin.deliveries.v1":
            outcome = DeliveryOutcome.model_validate_json(raw)
            metrics.deliveries.labels(
                outcome.channel.value, audience_label(outcome.audience), outcome.outcome.value
            ).inc()
            metrics.network_deliveries.labels(
                network_label(outcome.network_id), outcome.channel.value, outcome.outcome.value
            ).inc()
            urgency, seconds = watch.on_outcome(outcome)
            if urgency is not None and seconds is not None:
                metrics.delivered_latency.labels(urgency.value).observe(max(seconds, 0.0))
            metrics.events.labels("delivery").inc()
        elif topic == "bin.responses.v1":
            watch.on_response(Response.model_validate_json(raw))
            metrics.events.labels("response").inc()
    except ValueError:
        metrics.events.labels("invalid").inc()  # the stages dead-letter bad input; here: count it


async def consumer_lag(kafka: KafkaClientConfig) -> dict[tuple[str, str, int], int]:
    """Lag of every binrelay consumer group per topic partition, from committed offsets."""
    from aiokafka import AIOKafkaConsumer
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(**kafka.aiokafka())
    consumer = AIOKafkaConsumer(**kafka.aiokafka(), enable_auto_commit=False)
    await admin.start()
    await consumer.start()
    try:
        groups = [g[0] for g in await admin.list_consumer_groups() if str(g[0]).startswith("binrelay-")]
        committed: dict[tuple[str, object], int] = {}
        for group in groups:
            for tp, meta in (await admin.list_consumer_group_offsets(group)).items():
                committed[(group, tp)] = meta.offset
        if not committed:
            return {}
        ends = await consumer.end_offsets(list({tp for _, tp in committed}))
        return {
            (group, tp.topic, tp.partition): max(ends[tp] - max(offset, 0), 0)  # type: ignore[attr-defined]
            for (group, tp), offset in committed.items()
        }
    finally:
        await consumer.stop()
        await admin.close()


async def _lag_loop(kafka: KafkaClientConfig, metrics: ObserverMetrics, interval: float) -> None:
    while True:
        for (group, topic, partition), lag in (await consumer_lag(kafka)).items():
            metrics.lag.labels(group, topic, str(partition)).set(lag)
        await asyncio.sleep(interval)


def main() -> None:
    """Entry point of ``binrelay-observer``."""
    from .kafka_security import require_kafka
    from .logging import configure_logging, get_logger
    from .metrics import serve_metrics
    from .settings import Settings, networks_or_exit, settings_or_exit

    settings = settings_or_exit(Settings)
    configure_logging("observer", settings.log_level, settings.log_json)
    networks = tuple(networks_or_exit(settings))  # a bad network file stops the start
    kafka = require_kafka(settings, "observer")
    registry = CollectorRegistry()
    serve_metrics(registry, settings)
    get_logger(__name__).info("starting", kafka=settings.kafka, metrics_port=settings.metrics_port)
    try:
        asyncio.run(run_observer(kafka, registry, networks=networks))
    except KeyboardInterrupt:
        pass
