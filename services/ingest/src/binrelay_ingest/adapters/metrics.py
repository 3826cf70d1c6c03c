"""Prometheus metrics of the inbound adapters (labels: adapter name and result; no personal data)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter

RESULTS = ("report", "acknowledged", "refused", "deferred", "ignored", "bad_signature", "failed")


class AdapterMetrics:
    def __init__(self, adapter: str, registry: CollectorRegistry | None = None) -> None:
        self.adapter = adapter
        self.registry = registry or CollectorRegistry()
        self.messages = Counter(
            "binrelay_adapter_messages",
            "Inbound messages by adapter and what became of them",
            ["adapter", "result"],
            registry=self.registry,
        )
        for result in RESULTS:
            self.messages.labels(adapter, result)

    def count(self, result: str) -> None:
        self.messages.labels(self.adapter, result).inc()
