"""Reading and replaying the dead-letter topic."""

from __future__ import annotations

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from . import topics
from .deadletter import raw_bytes
from .events import DeadLetter
from .kafka import partitions
from .kafka_security import KafkaClientConfig


async def read_letters(kafka: KafkaClientConfig, limit: int) -> list[DeadLetter]:
    """The last ``limit`` dead letters (all partitions), oldest first."""
    consumer = AIOKafkaConsumer(**kafka.aiokafka(), enable_auto_commit=False)
    await consumer.start()
    try:
        parts = await partitions(consumer, topics.DLQ)
        if not parts:
            return []
        consumer.assign(parts)
        ends = await consumer.end_offsets(parts)
        await consumer.seek_to_beginning(*parts)
        letters: list[DeadLetter] = []
        while [tp for tp in parts if (await consumer.position(tp)) < ends[tp]]:
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                for rec in records:
                    try:
                        letters.append(DeadLetter.model_validate_json(rec.value or b""))
                    except ValueError:
                        continue  # not a dead letter (someone wrote by hand to the DLQ): skip
        letters.sort(key=lambda letter: letter.at)
        return letters[-limit:]
    finally:
        await consumer.stop()


async def replay(kafka: KafkaClientConfig, *, stage: str | None, limit: int) -> int:
    """Re-publish dead letters' raw bytes to their source topics; return how many."""
    letters = [x for x in await read_letters(kafka, limit) if stage is None or x.stage == stage]
    producer = AIOKafkaProducer(**kafka.aiokafka())
    await producer.start()
    try:
        for letter in letters:
            await producer.send(
                letter.source_topic,
                raw_bytes(letter),
                key=letter.key.encode() if letter.key else None,
            )
        await producer.flush()
    finally:
        await producer.stop()
    return len(letters)
