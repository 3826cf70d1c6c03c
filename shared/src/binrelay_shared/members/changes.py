"""Members' changes reach the running services without a restart.

Whoever changes the registry (``binrelay members``, the ingest API) publishes one
:class:`~binrelay_shared.events.MemberChanged` per member to ``bin.members.changed.v1``: the
member id and networks, nothing personal. Every process that holds members (the dispatcher's,
the inbound adapters') runs a :class:`MembersWatcher`: it reads every partition of the topic
from its end (no consumer group: each process must see every change), and for each batch reads
the changed members from the registry and hands them over (``None`` for one no longer there).

No change is lost between a process's start and its first event: the watcher fixes its
positions first, then reloads every member once (``refresh``), then applies the events from
those positions on. It also reloads every member every ``refresh_seconds`` (default 300), so a
change whose event could not be published (Kafka down while the CLI ran) is seen anyway.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable

from aiokafka import AIOKafkaConsumer

from binrelay_shared import topics
from binrelay_shared.codec import encode
from binrelay_shared.events import MemberChanged
from binrelay_shared.kafka import make_producer, partitions
from binrelay_shared.kafka_security import KafkaClientConfig
from binrelay_shared.logging import get_logger
from binrelay_shared.network.members import Member

from .problems import Change, events_of
from .registry import Registry

log = get_logger(__name__)

Apply = Callable[[dict[str, Member | None]], Awaitable[None] | None]


async def publish_changes(kafka: KafkaClientConfig, changes: Iterable[Change], client_id: str) -> int:
    """Publish one event per change and wait for the broker's acknowledgements; returns how many."""
    events = events_of(changes)
    if not events:
        return 0
    producer = make_producer(kafka, client_id)
    await producer.start()
    try:
        futures = [await producer.send(topics.MEMBERS_CHANGED, encode(e), key=e.member_id.encode()) for e in events]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
    return len(events)


class MembersWatcher:
    """Hands the members changed in the registry to ``apply`` as they change (see the module)."""

    def __init__(self, kafka: KafkaClientConfig, registry: Registry, apply: Apply, *, client_id: str,
                 known: Callable[[], Iterable[str]] = tuple, refresh_seconds: float = 300.0,
                 every_address: bool = False) -> None:
        self.kafka = kafka
        self.every_address = every_address  # the adapters recognise members by every address they have
        self.known = known  # the ids the caller holds: those the registry no longer has are dropped at refresh
        self.registry = registry
        self.apply = apply
        self.client_id = client_id
        self.refresh_seconds = refresh_seconds
        self.applied = 0  # members handed over from events (tests and metrics)
        self.ready = asyncio.Event()

    async def _hand(self, members: dict[str, Member | None]) -> None:
        result = self.apply(members)
        if result is not None:
            await result

    async def refresh(self) -> None:
        """Every member in the registry, and those the caller holds but the registry no longer has."""
        snapshot = (await self.registry.snapshot(every_address=self.every_address)).by_id()
        gone: dict[str, Member | None] = dict.fromkeys(self.known(), None)
        await self._hand({**gone, **snapshot})

    async def run(self) -> None:
        consumer = AIOKafkaConsumer(**self.kafka.aiokafka(), group_id=None, enable_auto_commit=False,
                                    client_id=self.client_id)
        await consumer.start()
        try:
            parts = await partitions(consumer, topics.MEMBERS_CHANGED)
            consumer.assign(parts)
            await consumer.seek_to_end(*parts)
            for p in parts:
                await consumer.position(p)  # fixed now: what changes from here on is read below
            await self.refresh()
            self.ready.set()
            log.info("watching members' changes", partitions=len(parts))
            loop = asyncio.get_running_loop()
            next_refresh = loop.time() + self.refresh_seconds
            pending: set[str] = set()
            while True:
                batch = await consumer.getmany(timeout_ms=500, max_records=5000)
                for records in batch.values():
                    for r in records:
                        try:
                            pending.add(MemberChanged.model_validate_json(r.value or b"").member_id)
                        except ValueError:
                            log.warning("unreadable member change skipped", offset=r.offset, partition=r.partition)
                try:
                    if pending:
                        ids = sorted(pending)
                        await self._hand(await self.registry.members(ids, every_address=self.every_address))
                        self.applied += len(ids)
                        log.info("members changed", count=len(ids))
                        pending.clear()
                    if loop.time() >= next_refresh:
                        await self.refresh()
                        next_refresh = loop.time() + self.refresh_seconds
                except Exception as exc:  # the registry unreachable: keep the ids, try again
                    log.warning("members' changes not read from the registry yet", error=type(exc).__name__)
                    await asyncio.sleep(1.0)
        finally:
            await consumer.stop()
