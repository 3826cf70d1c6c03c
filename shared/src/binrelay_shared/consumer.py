"""How a stage consumes: offsets committed off the processing path, prompt polling, pulling more
of what is already fetched, and rewinding a batch to retry it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from itertools import chain
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from faststream.kafka.subscriber.usecase import BatchSubscriber

from .logging import get_logger

log = get_logger(__name__)


class OffsetCommitter:
    """Commits offsets of fully published batches, off the processing path.

    ``mark`` records, per partition, the offset after the last record whose outputs Kafka has
    acknowledged; a background task commits what is marked every ``interval`` seconds, and
    ``flush`` commits it at once (shutdown). A failed commit (a rebalance took the partition)
    only means that work is redone by the partition's new owner.
    """

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.pending: dict[TopicPartition, int] = {}
        self.consumer: Any = None
        self._task: asyncio.Task[None] | None = None

    def mark(self, consumer: Any, records: Sequence[ConsumerRecord[bytes, bytes]]) -> None:
        self.consumer = consumer
        for rec in records:
            tp = TopicPartition(rec.topic, rec.partition)
            if rec.offset + 1 > self.pending.get(tp, -1):
                self.pending[tp] = rec.offset + 1
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._loop())

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            await self.flush()

    async def flush(self) -> None:
        if not self.pending or self.consumer is None:
            return
        offsets, self.pending = self.pending, {}
        try:
            await self.consumer.commit(offsets)
        except Exception as exc:
            log.warning("offset commit failed; the work will be redone", error=type(exc).__name__)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self.flush()


class PromptBatchSubscriber(BatchSubscriber):
    """faststream's Kafka batch subscriber without its pause after an empty poll.

    faststream's ``get_msg`` sleeps ``batch_timeout_ms`` after a ``getmany`` that found nothing,
    and a record arriving during that sleep waits for it: up to 10 ms per stage with our old
    setting, on every hop of an urgent report. ``getmany`` itself returns as soon as a record is
    fetched, so polling again at once costs nothing while records flow and one call per
    ``batch_timeout_ms`` while none do.
    """

    __slots__ = ()

    async def get_msg(self, consumer: AIOKafkaConsumer) -> tuple[ConsumerRecord[bytes, bytes], ...]:
        messages = await consumer.getmany(timeout_ms=self.batch_timeout_ms, max_records=self.max_records)
        return tuple(chain.from_iterable(messages.values()))


Pull = Callable[[int], Awaitable[list[ConsumerRecord[bytes, bytes]]]]
"""Takes up to N more records the consumer has already fetched (none: an empty list)."""


def fetched_by(consumer: Any) -> Pull | None:
    """A :data:`Pull` over what ``consumer`` (aiokafka) has fetched; None for a test double."""
    getmany = getattr(consumer, "getmany", None)
    if not isinstance(consumer, AIOKafkaConsumer) or getmany is None:
        return None

    async def pull(n: int) -> list[ConsumerRecord[bytes, bytes]]:
        batch = await getmany(timeout_ms=0, max_records=n)
        return [rec for recs in batch.values() for rec in recs]

    return pull


def rewind(consumer: Any, records: Sequence[ConsumerRecord[bytes, bytes]]) -> None:
    """Seek every partition ``records`` came from back to its earliest record among them (a
    partition the consumer no longer holds is left to its new owner)."""
    earliest: dict[TopicPartition, int] = {}
    for rec in records:
        tp = TopicPartition(rec.topic, rec.partition)
        if rec.offset < earliest.get(tp, rec.offset + 1):
            earliest[tp] = rec.offset
    assignment = getattr(consumer, "assignment", None)
    held = assignment() if assignment is not None else set(earliest)
    for tp, offset in earliest.items():
        if tp in held:
            consumer.seek(tp, offset)
