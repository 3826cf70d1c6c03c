"""The stage shell on the real broker: chunks, records pulled mid-batch, and a failed publish."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from prometheus_client import CollectorRegistry

from binrelay_shared.codec import encode
from binrelay_shared.events import Report, Reporter, ReportReceived, Stamps, utcnow
from binrelay_shared.kafka import make_broker, make_producer
from binrelay_shared.metrics import StageMetrics
from binrelay_shared.stage import Out, Stage


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
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    await admin.create_topics([NewTopic(source, 3, 1), NewTopic(sink, 3, 1)])
    await admin.close()

    async def process(events: list[ReportReceived]) -> list[list[Out]]:
        return [[Out(sink, e)] for e in events]

    producer = make_producer(kafka_bootstrap, "test-stage")
    sends = 0

    async def flaky(topic: str, value: bytes, key: bytes | None) -> Any:
        nonlocal sends
        sends += 1
        if sends == 150:  # the broker "goes away" once, mid-call
            raise ConnectionError("broker unreachable")
        return await producer.send(topic, value, key=key)

    stage = Stage(name=f"test-{run}", input_topic=source, model=ReportReceived, process=process,
                  metrics=StageMetrics(CollectorRegistry(), f"test-{run}"))
    broker = make_broker(kafka_bootstrap, "test-stage")
    stage.attach(broker, max_records=100, publisher=flaky, chunk_records=8, commit_interval_ms=50)
    pulled = 0
    handle_records = stage.handle_records

    async def counting(records: list[Any], pull: Any = None, limit: int = 0) -> None:
        nonlocal pulled
        first = len(records)
        try:
            await handle_records(records, pull, limit)
        finally:
            pulled += len(records) - first

    stage.handle_records = counting  # type: ignore[method-assign]

    feeder = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    reader = AIOKafkaConsumer(sink, bootstrap_servers=kafka_bootstrap, group_id=None, auto_offset_reset="earliest")
    await producer.start()
    await feeder.start()
    await reader.start()
    try:
        for i in range(400):
            await feeder.send(source, encode(_event(i)), key=f"n-{i % 7}".encode())
        await feeder.flush()
        async with broker:
            await broker.start()
            seen: set[str] = set()
            deadline = asyncio.get_running_loop().time() + 60
            while len(seen) < 400 and asyncio.get_running_loop().time() < deadline:
                batch = await reader.getmany(timeout_ms=500)
                for recs in batch.values():
                    for rec in recs:
                        seen.add(ReportReceived.model_validate_json(rec.value or b"").report_id)
        assert sends > 150, "the failure was injected"
        assert pulled > 0, "records fetched during a call were taken in"
        assert seen == {f"r-{i}" for i in range(400)}
    finally:
        await reader.stop()
        await feeder.stop()
        await producer.stop()
