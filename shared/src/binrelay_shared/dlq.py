"""Reading and replaying the dead-letter topic (``binrelay dlq list|show|replay``).

A letter's **id** is its place in ``bin.dlq.v1``: ``<partition>:<offset>`` — stable, unique, and
what ``dlq show`` and ``dlq replay`` take.

The topic is read by assigning its partitions and seeking each to its first offset explicitly
(``beginning_offsets`` + ``seek``), with ``auto_offset_reset="earliest"`` and
``read_committed``. (It used to ``assign`` then ``seek_to_beginning`` a consumer left at
aiokafka's default ``latest`` reset: the reset to *latest* that ``assign`` starts in the
background could land after the seek, so the reader started at the end and read nothing —
``dlq list`` printed nothing and ``dlq replay`` replayed 0 while the topic held letters.)

**Replayed at most once**: before a letter is put back, its id is claimed in Redis with
``HSETNX bin:dlq:replayed <id> <record>`` (the operator's Redis user; ``redis_acl``); a letter
already in that hash is skipped, so two operators replaying at the same moment cannot both
put it back. If publishing then fails the claim is released. Redis, not a compacted Kafka topic:
the claim must be a conditional write (set if absent), which Kafka has no way to do, and Redis
here runs with an append-only file.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from pydantic import BaseModel, ValidationError

from . import topics
from .deadletter import describe_error, raw_bytes
from .events import DeadLetter, DeliveryJob, DeliveryOutcome, ReportClassified, ReportCleared, ReportReceived, Response
from .kafka import partitions
from .kafka_security import KafkaClientConfig

#: The Redis hash recording replayed letters: field = letter id, value = JSON of when and how.
REPLAYED_KEY = "bin:dlq:replayed"


@dataclass(frozen=True)
class Letter:
    """A dead letter and its id (``<partition>:<offset>`` in ``bin.dlq.v1``)."""

    id: str
    letter: DeadLetter


def letter_id(partition: int, offset: int) -> str:
    return f"{partition}:{offset}"


def parse_id(text: str) -> tuple[int, int]:
    """``"2:17"`` → (2, 17); raises ValueError for anything else."""
    part, sep, off = text.strip().partition(":")
    if not sep or not part.isdigit() or not off.isdigit():
        raise ValueError(f"{text!r} is not a letter id (<partition>:<offset>, as `binrelay dlq list` shows)")
    return int(part), int(off)


def _model_of(topic: str) -> type[BaseModel] | None:
    """The event a source topic carries (to check an edited letter before it is put back)."""
    by_topic: dict[str, type[BaseModel]] = {
        topics.REPORTS_RECEIVED: ReportReceived,
        topics.REPORTS_CLASSIFIED: ReportClassified,
        topics.REPORTS_CLEARED: ReportCleared,
        topics.RESPONSES: Response,
        topics.DELIVERIES: DeliveryOutcome,
    }
    if topic.startswith("bin.outbox."):  # every channel's outbox and its urgent twin
        return DeliveryJob
    twin_of = {twin: plain for plain, twin in topics.URGENT_LANE.items()}
    return by_topic.get(twin_of.get(topic, topic))


def check_payload(topic: str, payload: bytes) -> str | None:
    """Why ``payload`` cannot go back on ``topic`` (not JSON, or not its event); None if it can."""
    model = _model_of(topic)
    try:
        if model is None:
            orjson.loads(payload)
        else:
            model.model_validate_json(payload)
    except ValidationError as exc:
        return describe_error(exc)
    except orjson.JSONDecodeError:
        return "not JSON"
    return None


async def read_letters(
    kafka: KafkaClientConfig,
    *,
    stage: str | None = None,
    since: datetime | None = None,
    timeout: float = 60.0,
) -> list[Letter]:
    """Every dead letter (all partitions) of ``stage`` at or after ``since``, oldest first."""
    consumer = AIOKafkaConsumer(
        **kafka.aiokafka(),
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",  # a letter of an aborted transaction was never sent
    )
    await consumer.start()
    try:
        parts = await partitions(consumer, topics.DLQ)
        if not parts:
            return []
        consumer.assign(parts)
        starts = await consumer.beginning_offsets(parts)
        ends = await consumer.end_offsets(parts)
        for tp in parts:
            consumer.seek(tp, starts[tp])
        letters: list[Letter] = []
        deadline = time.monotonic() + timeout
        while [tp for tp in parts if (await consumer.position(tp)) < ends[tp]]:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{topics.DLQ} not read to its end within {timeout:.0f} s")
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                for rec in records:
                    if rec.offset >= ends[TopicPartition(rec.topic, rec.partition)]:
                        continue  # written after we started: the next listing shows it
                    try:
                        letter = DeadLetter.model_validate_json(rec.value or b"")
                    except ValueError:
                        continue  # not a dead letter (someone wrote by hand to the DLQ): skip
                    if (stage is None or letter.stage == stage) and (since is None or letter.at >= since):
                        letters.append(Letter(letter_id(rec.partition, rec.offset), letter))
        letters.sort(key=lambda x: (x.letter.at, x.id))
        return letters
    finally:
        await consumer.stop()


async def read_letter(kafka: KafkaClientConfig, id_: str) -> Letter | None:
    """The letter with id ``id_``, or None if there is none (or it is not a dead letter)."""
    partition, offset = parse_id(id_)
    consumer = AIOKafkaConsumer(
        **kafka.aiokafka(), enable_auto_commit=False, auto_offset_reset="earliest", isolation_level="read_committed"
    )
    await consumer.start()
    try:
        tp = TopicPartition(topics.DLQ, partition)
        if tp not in await partitions(consumer, topics.DLQ):
            return None
        consumer.assign([tp])
        start, end = (await consumer.beginning_offsets([tp]))[tp], (await consumer.end_offsets([tp]))[tp]
        if not start <= offset < end:
            return None
        consumer.seek(tp, offset)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and await consumer.position(tp) <= offset:
            for rec in (await consumer.getmany(tp, timeout_ms=500)).get(tp, []):
                if rec.offset == offset:
                    try:
                        return Letter(id_, DeadLetter.model_validate_json(rec.value or b""))
                    except ValueError:
                        return None
        return None
    finally:
        await consumer.stop()


async def replayed(redis: Any, ids: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """The replay records (``{id: {"at", "to", "edited"}}``) of ``ids`` (all when None)."""
    if ids is None:
        raw = await redis.hgetall(REPLAYED_KEY)
        items = {_text(k): v for k, v in raw.items()}
    else:
        items = {i: await redis.hget(REPLAYED_KEY, i) for i in ids}
    return {k: orjson.loads(v) for k, v in items.items() if v is not None}


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


@dataclass
class ReplayResult:
    replayed: list[str]
    skipped: dict[str, str]
    """Letter id → why it was not replayed (already replayed, truncated, invalid after editing)."""


Editor = Callable[[Letter, bytes], bytes | None]
"""Given a letter and its payload, the payload to put back (None: leave this letter alone)."""


async def replay(
    kafka: KafkaClientConfig,
    redis: Any,
    letters: list[Letter],
    *,
    edit: Editor | None = None,
    now: Callable[[], datetime],
) -> ReplayResult:
    """Put each letter's payload (as ``edit`` returns it, if given) back on its source topic, at most once."""
    result = ReplayResult([], {})
    producer = AIOKafkaProducer(**kafka.aiokafka(), enable_idempotence=True, acks="all")
    await producer.start()
    try:
        for item in letters:
            letter = item.letter
            if await redis.hexists(REPLAYED_KEY, item.id):
                result.skipped[item.id] = "replayed already"
                continue
            payload = raw_bytes(letter)
            edited = False
            if edit is not None:
                new = edit(item, payload)
                if new is None:
                    result.skipped[item.id] = "left alone"
                    continue
                edited = new != payload
                payload = new
            elif letter.raw_truncated:
                result.skipped[item.id] = (
                    f"the letter holds only the first {len(payload)} of {letter.raw_size} bytes: the whole record is "
                    f"{letter.source_topic} partition {letter.partition} offset {letter.offset}; replay it with "
                    "--edit or --file"
                )
                continue
            problem = check_payload(letter.source_topic, payload) if edited else None
            if problem is not None:
                result.skipped[item.id] = f"the edited letter is not a valid {letter.source_topic} record: {problem}"
                continue
            record = orjson.dumps({"at": now().isoformat(), "to": letter.source_topic, "edited": edited})
            if not await redis.hsetnx(REPLAYED_KEY, item.id, record):
                result.skipped[item.id] = "replayed already"
                continue
            try:
                await producer.send_and_wait(
                    letter.source_topic, payload, key=letter.key.encode() if letter.key else None
                )
            except BaseException:
                await redis.hdel(REPLAYED_KEY, item.id)  # not put back: it may be replayed again
                raise
            result.replayed.append(item.id)
    finally:
        await producer.stop()
    return result
