"""The stage shell on the real broker: chunks, records pulled mid-batch, a failed publish, compensation."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from prometheus_client import CollectorRegistry

from binrelay_shared import topics
from binrelay_shared.codec import encode
from binrelay_shared.events import Report, Reporter, ReportReceived, Stamps, utcnow
from binrelay_shared.kafka import make_broker, make_producer
from binrelay_shared.metrics import StageMetrics
from binrelay_shared.stage import Out, Stage
from tests.kafka_helpers import admin_kafka


@contextlib.asynccontextmanager
async def _clients(bootstrap: str, sink: str, producer: AIOKafkaProducer
                   ) -> AsyncIterator[tuple[AIOKafkaProducer, AIOKafkaConsumer]]:
    """Start the stage's ``producer``, and give a feeder and a reader of ``sink`` from its start."""
    feeder = AIOKafkaProducer(**admin_kafka(bootstrap).aiokafka())
    reader = AIOKafkaConsumer(sink, **admin_kafka(bootstrap).aiokafka(), group_id=None, auto_offset_reset="earliest")
    await producer.start()
    await feeder.start()
    await reader.start()
    try:
        yield feeder, reader
    finally:
        await reader.stop()
        await feeder.stop()
        await producer.stop()


async def _create_topics(bootstrap: str, partitions: dict[str, int]) -> None:
    admin = AIOKafkaAdminClient(**admin_kafka(bootstrap).aiokafka())
    await admin.start()
    await admin.create_topics([NewTopic(name, n, 1) for name, n in partitions.items()])
    await admin.close()


class _Flaky:
    """Publishes through ``producer``, but the ``fail_at``-th send fails (the broker goes away once)."""

    def __init__(self, producer: AIOKafkaProducer, fail_at: int) -> None:
        self.producer = producer
        self.fail_at = fail_at
        self.sends = 0

    async def __call__(self, topic: str, value: bytes, key: bytes | None) -> Any:
        self.sends += 1
        if self.sends == self.fail_at:
            raise ConnectionError("broker unreachable")
        return await self.producer.send(topic, value, key=key)


async def _read_ids(reader: AIOKafkaConsumer, distinct: int) -> list[str]:
    """The report ids read, in order, until ``distinct`` different ones (or a minute has passed)."""
    ids: list[str] = []
    deadline = asyncio.get_running_loop().time() + 60
    while len(set(ids)) < distinct and asyncio.get_running_loop().time() < deadline:
        batch = await reader.getmany(timeout_ms=500)
        ids += [ReportReceived.model_validate_json(r.value or b"").report_id for recs in batch.values() for r in recs]
    return ids


def _event(i: int) -> ReportReceived:
    return ReportReceived(
        report_id=f"r-{i}", network_id=f"n-{i % 7}", zone_id="5339", trace_id="t",
        stamps=Stamps(received=utcnow()), report=Report(text=f"report {i}", reporter=Reporter(ref="m-1")),
        possibly_urgent=i % 10 == 0,
    )


async def test_a_publish_failure_mid_batch_loses_no_record_of_any_partition(kafka_bootstrap: str) -> None:
    """Given 400 reports over 3 partitions and a stage working in chunks of 8 that pulls what
    the consumer fetched meanwhile, when publishing fails once in the middle of a handler call,
    then after the retry every report reached the output topic (at least once)."""
    run = uuid.uuid4().hex[:8]
    source, sink = f"test.stage.in.{run}", f"test.stage.out.{run}"
    await _create_topics(kafka_bootstrap, {source: 3, sink: 3})

    async def process(events: list[ReportReceived]) -> list[list[Out]]:
        return [[Out(sink, e)] for e in events]

    producer = make_producer(admin_kafka(kafka_bootstrap), "test-stage")
    flaky = _Flaky(producer, fail_at=150)  # the broker "goes away" once, mid-call

    stage = Stage(name=f"test-{run}", input_topic=source, model=ReportReceived, process=process,
                  metrics=StageMetrics(CollectorRegistry(), f"test-{run}"))
    broker = make_broker(admin_kafka(kafka_bootstrap), "test-stage")
    stage.attach(broker, max_records=100, publisher=flaky, chunk_records=8, commit_interval_ms=50)
    pulled = 0
    handle_records = stage.handle_records

    async def counting(records: list[Any], pull: Any = None, limit: int = 0, txn: Any = None) -> None:
        nonlocal pulled
        first = len(records)
        try:
            await handle_records(records, pull, limit, txn)
        finally:
            pulled += len(records) - first

    stage.handle_records = counting  # type: ignore[method-assign]

    async with _clients(kafka_bootstrap, sink, producer) as (feeder, reader):
        for i in range(400):
            await feeder.send(source, encode(_event(i)), key=f"n-{i % 7}".encode())
        await feeder.flush()
        async with broker:
            await broker.start()
            seen = set(await _read_ids(reader, 400))
    assert flaky.sends > 150, "the failure was injected"
    assert pulled > 0, "records fetched during a call were taken in"
    assert seen == {f"r-{i}" for i in range(400)}


async def test_a_stage_run_as_a_process_per_lane_reads_each_lane_once(
    kafka_bootstrap: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given a stage whose input topic has an urgent twin, run as two instances (as two processes
    would be: lanes "ordinary" and "urgent", each with its own broker connection),
    when ordinary reports arrive on the topic and urgent ones on the twin,
    then each instance processes its own lane's reports only, and every report is published once."""
    run = uuid.uuid4().hex[:8]
    source, twin, sink = f"test.lanes.in.{run}", f"test.lanes.in.urgent.{run}", f"test.lanes.out.{run}"
    monkeypatch.setitem(topics.URGENT_LANE, source, twin)
    await _create_topics(kafka_bootstrap, {source: 3, twin: 1, sink: 3})

    seen_by: dict[str, list[str]] = {"ordinary": [], "urgent": []}
    producer = make_producer(admin_kafka(kafka_bootstrap), "test-lanes")
    brokers = []
    for lanes in ("ordinary", "urgent"):
        async def process(events: list[ReportReceived], lanes: str = lanes) -> list[list[Out]]:
            seen_by[lanes] += [e.report_id for e in events]
            return [[Out(sink, e)] for e in events]

        async def publish(topic: str, value: bytes, key: bytes | None) -> Any:
            return await producer.send(topic, value, key=key)

        stage = Stage(name=f"lanes-{run}", input_topic=source, model=ReportReceived, process=process,
                      metrics=StageMetrics(CollectorRegistry(), f"lanes-{run}"))
        broker = make_broker(admin_kafka(kafka_bootstrap), f"test-lanes-{lanes}")
        stage.attach(broker, publisher=publish, lanes=lanes, commit_interval_ms=50)
        brokers.append(broker)

    events = [_event(i) for i in range(60)]  # every tenth is urgent
    async with _clients(kafka_bootstrap, sink, producer) as (feeder, reader):
        for e in events:
            await feeder.send(topics.lane(source, e.possibly_urgent), encode(e), key=(e.network_id or "").encode())
        await feeder.flush()
        try:
            for broker in brokers:
                await broker.start()
            published = await _read_ids(reader, 60)
        finally:
            for broker in brokers:
                await broker.stop()
    urgent = {e.report_id for e in events if e.possibly_urgent}
    assert sorted(published) == sorted(e.report_id for e in events)
    assert set(seen_by["urgent"]) == urgent and len(urgent) == 6
    assert set(seen_by["ordinary"]) == {e.report_id for e in events} - urgent


async def test_a_compensated_batch_whose_publish_fails_is_undone_rewound_and_confirmed(kafka_bootstrap: str) -> None:
    """Given a stage whose work claims each report (a compensation, as the dispatcher's claims in
    Redis) and a broker that refuses one publish,
    when 60 reports are handled, then the failed batch's claims are undone and the batch rewound:
    every report reaches the output topic, and every report's claim is confirmed — none left undone."""
    run = uuid.uuid4().hex[:8]
    source, sink = f"test.comp.in.{run}", f"test.comp.out.{run}"
    await _create_topics(kafka_bootstrap, {source: 1, sink: 1})

    class Claims:
        def __init__(self) -> None:
            self.batch: list[str] = []
            self.published: list[str] = []
            self.done: set[str] = set()
            self.undone = 0

        def begin_batch(self) -> None:
            self.batch = []

        async def undo_batch(self) -> None:
            self.undone += 1
            self.batch = []

        def batch_published(self) -> None:
            self.published += self.batch

        async def confirm_published(self) -> None:
            self.done.update(self.published)
            self.published = []

    claims = Claims()

    async def process(events: list[ReportReceived]) -> list[list[Out]]:
        claims.batch += [e.report_id for e in events]
        return [[Out(sink, e)] for e in events]

    producer = make_producer(admin_kafka(kafka_bootstrap), "test-comp")
    flaky = _Flaky(producer, fail_at=20)

    stage = Stage(name=f"comp-{run}", input_topic=source, model=ReportReceived, process=process,
                  metrics=StageMetrics(CollectorRegistry(), f"comp-{run}"), compensation=claims)
    broker = make_broker(admin_kafka(kafka_bootstrap), "test-comp")
    stage.attach(broker, max_records=100, publisher=flaky, chunk_records=8, commit_interval_ms=50)
    async with _clients(kafka_bootstrap, sink, producer) as (feeder, reader):
        for i in range(60):
            await feeder.send(source, encode(_event(i).model_copy(update={"possibly_urgent": False})))
        await feeder.flush()
        async with broker:
            await broker.start()
            seen = set(await _read_ids(reader, 60))
            for _ in range(100):  # the reader may see the outputs before the stage has confirmed
                if len(claims.done) == 60:
                    break
                await asyncio.sleep(0.05)
    expected = {f"r-{i}" for i in range(60)}
    assert flaky.sends > 20 and claims.undone == 1
    assert seen == expected
    assert claims.done == expected
