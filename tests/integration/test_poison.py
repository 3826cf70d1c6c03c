"""Poison never blocks (issue 16, point 3): on the real broker, a record too large or of an
unknown schema version is dead-lettered once and the partition moves on; a record that keeps
failing is found by bisecting its batch, and the rest of the batch is published once.

The stage runs as deployed: in Kafka transactions (binrelay_shared.transactions), the topics read
with read_committed, so "once" is counted over what a police zone's reader would see."""

from __future__ import annotations

import asyncio
import base64
import time
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from prometheus_client import CollectorRegistry

from binrelay_shared import topics
from binrelay_shared.codec import encode
from binrelay_shared.events import Report, Reporter, ReportReceived, Stamps, utcnow
from binrelay_shared.kafka import make_broker, partitions, transactors
from binrelay_shared.metrics import StageMetrics
from binrelay_shared.stage import Out, Stage
from tests.kafka_helpers import admin_kafka

BIG = 2 * 1024 * 1024


def _event(rid: str) -> ReportReceived:
    return ReportReceived(
        report_id=rid, network_id="n-1", zone_id="5339", trace_id="t", stamps=Stamps(received=utcnow()),
        report=Report(text=f"report {rid}", reporter=Reporter(ref="m-1")),
    )


async def _create(bootstrap: str, specs: dict[str, dict[str, str]]) -> None:
    admin = AIOKafkaAdminClient(**admin_kafka(bootstrap).aiokafka())
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, 1, 1, topic_configs=config) for name, config in specs.items()])
    finally:
        await admin.close()


async def _feed(bootstrap: str, topic: str, values: list[bytes]) -> None:
    producer = AIOKafkaProducer(**admin_kafka(bootstrap).aiokafka(), max_request_size=BIG)
    await producer.start()
    try:
        for value in values:
            await producer.send(topic, value, key=b"n-1")
        await producer.flush()
    finally:
        await producer.stop()


class _Reader:
    """Reads a topic from its end at start (or from the beginning), keeping every record (repeats included)."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        self.topic = topic
        self.consumer = AIOKafkaConsumer(**admin_kafka(bootstrap).aiokafka(), enable_auto_commit=False,
                                         auto_offset_reset="earliest", max_partition_fetch_bytes=BIG,
                                         isolation_level="read_committed")
        self.seen: list[dict[str, Any]] = []

    async def start(self, from_end: bool) -> _Reader:
        await self.consumer.start()
        parts = await partitions(self.consumer, self.topic)
        self.consumer.assign(parts)
        ends = await self.consumer.end_offsets(parts) if from_end else {}
        for tp in parts:
            self.consumer.seek(tp, ends.get(tp, 0))
        return self

    async def until(self, predicate: Callable[[list[dict[str, Any]]], bool], what: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while not predicate(self.seen):
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: not seen on {self.topic} within {timeout} s ({len(self.seen)} records)")
            for records in (await self.consumer.getmany(timeout_ms=500)).values():
                self.seen += [orjson.loads(r.value or b"null") for r in records]

    async def stop(self) -> None:
        await self.consumer.stop()


async def _committed(bootstrap: str, group: str, tp: TopicPartition) -> int:
    admin = AIOKafkaAdminClient(**admin_kafka(bootstrap).aiokafka())
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    meta = offsets.get(tp)
    return -1 if meta is None else meta.offset


async def _wait_committed(bootstrap: str, group: str, tp: TopicPartition, offset: int) -> None:
    deadline = time.monotonic() + 60
    while (got := await _committed(bootstrap, group, tp)) < offset:
        assert time.monotonic() < deadline, f"{group} committed {got} on {tp}, not {offset}: the partition is stuck"
        await asyncio.sleep(0.2)


def _ids(seen: list[dict[str, Any]]) -> Counter[str]:
    return Counter(str(m.get("report_id")) for m in seen)


def _letters_of(seen: list[dict[str, Any]], source: str) -> list[dict[str, Any]]:
    return [m for m in seen if m.get("event") == "dead_letter" and m.get("source_topic") == source]


async def _run_stage(
    bootstrap: str, run: str, source: str, process: Any, until: Callable[[], Any], **attach: Any
) -> Stage[ReportReceived]:
    stage = Stage(name=f"poison-{run}", input_topic=source, model=ReportReceived, process=process,
                  metrics=StageMetrics(CollectorRegistry(), f"poison-{run}"))
    broker = make_broker(admin_kafka(bootstrap), f"test-poison-{run}")
    stage.attach(broker, transactions=transactors(admin_kafka(bootstrap), f"test-poison-{run}", "0"), **attach)
    try:
        async with broker:
            await broker.start()
            await until()
    finally:
        for transactor in stage.transactors:
            await transactor.stop()
    return stage


async def _through(
    bootstrap: str, run: str, source: str, sink: str, values: list[bytes], process: Any, *, others: int,
    letters: int, **attach: Any,
) -> tuple[Counter[str], list[dict[str, Any]]]:
    """Run a stage over ``values`` until ``others`` distinct reports are out, then a report sent
    afterwards too (the partition moved on), ``letters`` letters are in the DLQ and the group has
    committed past everything; return the report ids published (with repeats) and the letters."""
    out = await _Reader(bootstrap, sink).start(from_end=False)
    dlq = await _Reader(bootstrap, topics.DLQ).start(from_end=True)
    await _feed(bootstrap, source, values)
    later = f"later-{run}"

    async def until() -> None:
        await out.until(lambda seen: len(set(_ids(seen))) >= others, f"the {others} other reports")
        await _feed(bootstrap, source, [encode(_event(later))])
        await out.until(lambda seen: later in _ids(seen), "the report sent after the batch")
        await dlq.until(lambda seen: len(_letters_of(seen, source)) >= letters, "the letters")
        await _wait_committed(bootstrap, f"binrelay-poison-{run}", TopicPartition(source, 0), len(values) + 1)

    try:
        await _run_stage(bootstrap, run, source, process, until, **attach)
    finally:
        await out.stop()
        await dlq.stop()
    ids = _ids(out.seen)
    assert ids.pop(later) == 1
    return ids, _letters_of(dlq.seen, source)


async def test_a_too_large_and_an_unknown_version_record_mid_batch_are_dead_lettered_once(kafka_bootstrap: str) -> None:
    """Given 20 reports on one partition with, in the middle, a 1 MB+ record and a record of
    schema_version 99, when a stage reads them as one batch, then each of the two is dead-lettered
    exactly once with its reason (the large one's letter carries its head, size and digest), every
    other report is published exactly once (counted at the topic), and the partition moves on:
    a report sent afterwards goes through and the group's committed offset passes them all."""
    run = uuid.uuid4().hex[:8]
    source, sink = f"test.poison.in.{run}", f"test.poison.out.{run}"
    await _create(kafka_bootstrap, {source: {"max.message.bytes": str(BIG)}, sink: {}})
    good = [f"ok-{run}-{i}" for i in range(18)]
    big = orjson.loads(encode(_event(f"big-{run}")))
    big["report"]["text"] = "x" * (1024 * 1024 + 10)
    future = orjson.loads(encode(_event(f"v99-{run}")))
    future["schema_version"] = 99
    values = [encode(_event(rid)) for rid in good[:7]] + [orjson.dumps(big)] + [
        encode(_event(rid)) for rid in good[7:12]] + [orjson.dumps(future)] + [encode(_event(rid)) for rid in good[12:]]

    async def process(events: list[ReportReceived]) -> list[list[Out]]:
        return [[Out(sink, e)] for e in events]

    ids, found = await _through(kafka_bootstrap, run, source, sink, values, process, others=18, letters=2,
                                max_records=100, chunk_records=8)
    assert ids == Counter(good)
    letters = {letter["reason"]: letter for letter in found}
    assert len(found) == 2 and set(letters) == {"too_large", "unknown_schema_version"}
    large = letters["too_large"]
    assert large["raw_truncated"] and large["raw_size"] == len(orjson.dumps(big)) and large["offset"] == 7
    assert base64.b64decode(large["raw"]) == orjson.dumps(big)[:4096]
    assert letters["unknown_schema_version"]["offset"] == 13
    assert orjson.loads(base64.b64decode(letters["unknown_schema_version"]["raw"]))["schema_version"] == 99


async def test_a_record_whose_processing_keeps_failing_is_found_by_bisecting(kafka_bootstrap: str) -> None:
    """Given 64 reports in one batch, one of which makes ``process`` raise whenever it is in the
    call, when the stage handles them, then the batch is bisected (a handful of calls, not one per
    report), the bad report is dead-lettered once and the other 63 are published exactly once."""
    run = uuid.uuid4().hex[:8]
    source, sink = f"test.bisect.in.{run}", f"test.bisect.out.{run}"
    await _create(kafka_bootstrap, {source: {}, sink: {}})
    rids = [f"r-{run}-{i}" for i in range(64)]
    bad = rids[41]
    calls: list[int] = []

    async def process(events: list[ReportReceived]) -> list[list[Out]]:
        calls.append(len(events))
        if any(e.report_id == bad for e in events):
            raise ValueError("cannot process this one")
        return [[Out(sink, e)] for e in events]

    # The whole batch in one call: the fetch waits for all 64 records.
    ids, letters = await _through(kafka_bootstrap, run, source, sink, [encode(_event(rid)) for rid in rids], process,
                                  others=63, letters=1, max_records=100, chunk_records=64, fetch_max_wait_ms=1000,
                                  fetch_min_bytes=1024 * 1024)
    assert ids == Counter(rid for rid in rids if rid != bad)
    assert [(x["reason"], x["report_id"]) for x in letters] == [("processing_error", bad)]
    first_call = calls.index(64)
    assert len(calls[first_call:]) <= 2 * 6 + 2, f"not bisected: {len(calls)} calls of process ({calls})"


async def test_a_record_the_broker_refuses_is_bisected_out_and_the_partition_moves_on(kafka_bootstrap: str) -> None:
    """Given an output topic that takes records of at most 20 kB and a batch of 30 reports, one
    of which makes a 60 kB output, when the broker refuses that output, then the batch is bisected
    instead of being retried whole forever: the report is dead-lettered once (publish_refused),
    every other report is published exactly once (the refused attempt's transaction is aborted:
    outputs the broker had already taken are never seen by a read_committed reader), and the
    partition moves on."""
    run = uuid.uuid4().hex[:8]
    source, sink = f"test.refused.in.{run}", f"test.refused.out.{run}"
    await _create(kafka_bootstrap, {source: {}, sink: {"max.message.bytes": str(20_000)}})
    rids = [f"r-{run}-{i}" for i in range(30)]
    fat = rids[17]

    async def process(events: list[ReportReceived]) -> list[list[Out]]:
        outs = []
        for e in events:
            if e.report_id == fat:
                e = e.model_copy(update={"trace_id": "t" * 60_000})
            outs.append([Out(sink, e)])
        return outs

    ids, letters = await _through(kafka_bootstrap, run, source, sink, [encode(_event(rid)) for rid in rids], process,
                                  others=29, letters=1, max_records=100, chunk_records=4)
    assert ids == Counter(rid for rid in rids if rid != fat)
    assert [(x["reason"], x["offset"]) for x in letters] == [("publish_refused", 17)]
