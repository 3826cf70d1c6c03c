"""The dispatcher's Prometheus series (the stages' own are :class:`binrelay_shared.metrics.StageMetrics`)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge


class DispatcherMetrics:
    """The dispatcher's own series (bounded labels only; created at zero)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        registry = registry or CollectorRegistry()
        self.held = Counter("binrelay_dispatcher_held", "Reports held for a human, by reason", ["reason"],
                            registry=registry)
        self.deferred = Counter("binrelay_dispatcher_deferred_jobs",
                                "Jobs deferred to a later time, by reason", ["reason"], registry=registry)
        self.duplicates = Counter("binrelay_dispatcher_duplicates", "Reports not dispatched again",
                                  registry=registry)
        self.taken_over = Counter("binrelay_dispatcher_claims_taken_over",
                                  "Reports dispatched again: claimed by a process that died before publishing",
                                  registry=registry)
        self.escalations = Counter("binrelay_dispatcher_escalations", "Urgent reports escalated", registry=registry)
        self.responses = Counter("binrelay_dispatcher_responses", "Responses, by kind and what they did",
                                 ["kind", "result"], registry=registry)
        self.timers = Gauge("binrelay_dispatcher_timers", "Timers waiting (escalations, held jobs, digests)",
                            registry=registry)
        self.delivery_alerts = Counter(
            "binrelay_dispatcher_delivery_alerts",
            "Members not reached on any channel, by what the coordinators were told", ["result"], registry=registry,
        )
        for result in ("alerted", "already_alerted", "too_many", "no_coordinator"):
            self.delivery_alerts.labels(result)
        for reason in ("policy", "approval"):
            self.held.labels(reason)
        for reason in ("quiet_hours", "digest"):
            self.deferred.labels(reason)
        for kind in ("acknowledge", "approve", "reject"):
            for result in ("applied", "nothing_pending", "settled", "not_entitled"):
                self.responses.labels(kind, result)
