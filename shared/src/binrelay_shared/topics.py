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
#: A member added, changed, removed or erased in the registry (ids only): read by every process
#: that holds members (the dispatcher, the inbound adapters), each from the end, without a group.
MEMBERS_CHANGED = "bin.members.changed.v1"

PARTITIONS = 3

#: Size limits, aligned (docs/ARCHITECTURE.md, "Record sizes"):
#:
#: * ``MAX_MESSAGE_BYTES`` — every topic's ``max.message.bytes`` and the producers'
#:   ``max_request_size``: the largest record anything may publish (Kafka's default, made explicit).
#: * ``MAX_INPUT_BYTES`` — the largest record a stage takes from its input; a larger one is
#:   dead-lettered (``too_large``) before it is decoded. A quarter of the above, so what a stage
#:   makes of it (the cleared report carries several renderings of the text) and its dead letter
#:   (base64: 4/3) still fit.
#: * ``Settings.max_body_bytes`` — ingest's request body limit, at most ``MAX_INPUT_BYTES // 4``
#:   (a body's text may grow in the envelope: JSON escapes, the reporter, stamps), checked at start.
#: * a letter carries its record whole up to ``MAX_INPUT_BYTES``; beyond, only the first
#:   ``LETTER_HEAD_BYTES`` with the record's size, SHA-256 and place (topic, partition, offset).
MAX_MESSAGE_BYTES = 1024 * 1024
MAX_INPUT_BYTES = MAX_MESSAGE_BYTES // 4
LETTER_HEAD_BYTES = 4096

#: The urgent lane: urgent reports (ingest's pre-check, an urgent classification, an alarm) travel
#: between the stages on twins of the report topics. A stage reads each twin with a consumer of
#: its own that fetches every record at once, while the ordinary topics are fetched in batches
#: (a fetch waits up to ``Settings.fetch_max_wait_ms`` for more): an urgent report neither waits
#: behind ordinary ones in a partition nor on a batch timer. One partition each: the lane carries
#: little, and with one partition its consumer's only fetch is always the one that gets the record.
#: The senders have the same lane: a delivery job of an urgent report (``DeliveryJob.urgent``)
#: goes to its channel's urgent outbox, ``bin.outbox.<channel>.urgent.v1``, which each sender reads
#: with a consumer (deployed: a process) of its own, so it never waits behind ordinary jobs, a
#: digest or their retries.
URGENT_LANE = {
    REPORTS_RECEIVED: "bin.reports.received.urgent.v1",
    REPORTS_CLASSIFIED: "bin.reports.classified.urgent.v1",
    REPORTS_CLEARED: "bin.reports.cleared.urgent.v1",
    **{f"bin.outbox.{c}.v1": f"bin.outbox.{c}.urgent.v1" for c in ("sms", "email", "chat")},
}
URGENT_PARTITIONS = 1


def lane(topic: str, urgent: bool) -> str:
    """The topic an event for ``topic`` goes to: its urgent twin when urgent and it has one."""
    return URGENT_LANE.get(topic, topic) if urgent else topic

#: Raw-report topics carry personal data: short retention (48 h; ``binrelay_shared.retention`` sets it).
SHORT_RETENTION_MS = 48 * 3600 * 1000


def dispatch(zone_id: str) -> str:
    """The topic a police zone subscribes to: ``bin.dispatch.<zone>.v1``."""
    return f"bin.dispatch.{zone_id}.v1"


def outbox(channel: Channel | str, urgent: bool = False) -> str:
    """The delivery-job topic of one channel: ``bin.outbox.<channel>.v1`` (``urgent``: its twin,
    ``bin.outbox.<channel>.urgent.v1``; a stage's outputs find their lane by themselves)."""
    value = channel.value if isinstance(channel, Channel) else channel
    return f"bin.outbox.{value}.urgent.v1" if urgent else f"bin.outbox.{value}.v1"


def partitions_of(topic: str, default: int = PARTITIONS) -> int:
    """How many partitions ``topic`` is created with."""
    return URGENT_PARTITIONS if topic in URGENT_LANE.values() else default


def all_topics(zones: list[str]) -> dict[str, dict[str, str]]:
    """Every topic the pipeline uses, with its topic config, for idempotent creation."""
    from .retention import Retention

    retention = Retention()
    names = [REPORTS_RECEIVED, REPORTS_CLASSIFIED, REPORTS_CLEARED, *URGENT_LANE.values(), DELIVERIES, RESPONSES,
             DLQ, MEMBERS_CHANGED, *(dispatch(z) for z in zones),
             *(outbox(c) for c in (Channel.sms, Channel.email, Channel.chat))]
    # Every topic's retention from the one table (binrelay_shared.retention).
    return {t: {"max.message.bytes": str(MAX_MESSAGE_BYTES), "retention.ms": str(retention.topic_ms(t))}
            for t in names}
