"""Kafka topic names and their intended partition counts (DESIGN §3).

Messages are keyed by network id, so one network's messages stay in order on one partition.
"""

from __future__ import annotations

from .events import Channel

REPORTS_RECEIVED = "bin.reports.received.v1"
REPORTS_CLASSIFIED = "bin.reports.classified.v1"
REPORTS_CLEARED = "bin.reports.cleared.v1"
DELIVERIES = "bin.deliveries.v1"
RESPONSES = "bin.responses.v1"
DLQ = "bin.dlq.v1"

PARTITIONS = 3

#: Raw-report topics carry personal data: short retention (48 h).
SHORT_RETENTION_MS = 48 * 3600 * 1000


def dispatch(zone_id: str) -> str:
    """The topic a police zone subscribes to: ``bin.dispatch.<zone>.v1``."""
    return f"bin.dispatch.{zone_id}.v1"


def outbox(channel: Channel | str) -> str:
    """The delivery-job topic of one channel: ``bin.outbox.<channel>.v1``."""
    value = channel.value if isinstance(channel, Channel) else channel
    return f"bin.outbox.{value}.v1"


def all_topics(zones: list[str]) -> dict[str, dict[str, str]]:
    """Every topic the pipeline uses, with its topic config, for idempotent creation."""
    short = {"retention.ms": str(SHORT_RETENTION_MS)}
    topics: dict[str, dict[str, str]] = {
        REPORTS_RECEIVED: short,
        REPORTS_CLASSIFIED: short,
        REPORTS_CLEARED: short,
        DELIVERIES: {},
        RESPONSES: {},
        DLQ: {},
    }
    for zone in zones:
        topics[dispatch(zone)] = {}
    for channel in (Channel.sms, Channel.email, Channel.chat):
        topics[outbox(channel)] = short
    return topics
