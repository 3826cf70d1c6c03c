"""Prometheus metrics of the inbound adapters (labels: adapter name and result; no personal data)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter

#: What became of an inbound message. A reply: ``responded`` (bound, Response published), ``asked``
#: (several messages pending, the replier asked which), ``help`` (bound to nothing: the help text),
#: ``stopped`` (SMS consent withdrawn), ``refused_unknown`` (a command or short text from an
#: address no member has: refused, no content logged).
RESULTS = ("report", "responded", "asked", "help", "stopped", "refused_unknown", "refused", "deferred", "ignored",
           "bad_signature", "failed")


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
