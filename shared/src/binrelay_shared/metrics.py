"""Prometheus metrics of a pipeline stage, on a registry passed in.

Labels are bounded (stage names, topic names, fixed reasons, enum values); series that are known
in advance are created at zero so dashboards and alerts see them before the first event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server

from .events import Urgency

if TYPE_CHECKING:
    from .settings import Settings

#: Reasons a message is dead-lettered; bounded, so fine as a label.
DLQ_REASONS = ("decode_error", "schema_error", "processing_error")

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)


class StageMetrics:
    """The metrics every consuming stage exposes."""

    def __init__(self, registry: CollectorRegistry, stage: str) -> None:
        self.stage = stage
        self.messages_in = Counter(
            "binrelay_messages_in",
            "Messages consumed by a stage",
            ["stage"],
            registry=registry,
        )
        self.messages_out = Counter(
            "binrelay_messages_out",
            "Messages published by a stage, by destination topic kind",
            ["stage", "topic"],
            registry=registry,
        )
        self.batch_seconds = Histogram(
            "binrelay_batch_processing_seconds",
            "Time to process one consumed batch, publishing included",
            ["stage"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.batch_size = Histogram(
            "binrelay_batch_size",
            "Records per consumed batch",
            ["stage"],
            buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000),
            registry=registry,
        )
        self.dead_letters = Counter(
            "binrelay_dead_letters",
            "Messages sent to the dead-letter topic, by stage and reason",
            ["stage", "reason"],
            registry=registry,
        )
        self.stage_latency = Histogram(
            "binrelay_report_latency_seconds",
            "Seconds from a report's receipt to this stage's output, by urgency",
            ["stage", "urgency"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.messages_in.labels(stage)
        self.batch_seconds.labels(stage)
        self.batch_size.labels(stage)
        for reason in DLQ_REASONS:
            self.dead_letters.labels(stage, reason)
        for urgency in Urgency:
            self.stage_latency.labels(stage, urgency.value)


def serve_metrics(registry: CollectorRegistry, settings: Settings) -> None:
    """Expose ``/metrics`` for Prometheus on ``settings.metrics_host:metrics_port`` (a daemon
    thread); no-op if the port is None. Loopback by default; a container's private network needs
    0.0.0.0 (``BINRELAY_METRICS_HOST``, as deploy/compose.yaml sets it) for Prometheus to reach it."""
    if settings.metrics_port is not None:
        start_http_server(settings.metrics_port, addr=settings.metrics_host, registry=registry)
