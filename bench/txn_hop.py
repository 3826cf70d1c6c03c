"""What a Kafka transaction adds to one hop of an urgent report, measured A/B in one run.

One hop is what a stage does per batch, stripped of its work: read a record from an input topic
and publish one output, then a reader downstream sees it. Two ways, alternating record by record on
one freshly started broker (security on, as `make up`), so both see the same machine load:

* **plain** — as the stages were before transactions: the output sent with ``acks=all``
  (``kafka.STAGE_PRODUCER``), the input offset committed off the path; the reader reads
  read_uncommitted;
* **txn** — as the stages are now (``transactions.Transactor``, as ``Stage._in_batch`` runs it):
  begin, send, the input offset added to the transaction while the send is acknowledged, commit;
  the reader reads read_committed (it sees the record once the commit marker is written).

Prints p50/p95/p99 of send → seen for each, and the difference: the cost per hop (the pipeline has
three hops). On a loaded machine every round trip is slower, the transaction's three more above all.

    .venv/bin/python bench/txn_hop.py [--records 300]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
import uuid
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import Stack
from binrelay_shared.kafka import STAGE_PRODUCER, make_transactional_producer
from binrelay_shared.transactions import Transactor


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _reader(stack: Stack, topic: str, isolation: str) -> AIOKafkaConsumer:
    reader = AIOKafkaConsumer(**stack.kafka.aiokafka(), group_id=None, enable_auto_commit=False,
                              isolation_level=isolation, fetch_max_wait_ms=500)
    await reader.start()
    tp = TopicPartition(topic, 0)
    reader.assign([tp])
    await reader.seek_to_end(tp)
    await reader.position(tp)
    return reader


async def _seen(reader: AIOKafkaConsumer, marker: bytes) -> None:
    while True:
        for records in (await reader.getmany(timeout_ms=1000)).values():
            if any(r.value == marker for r in records):
                return


async def measure(stack: Stack, n: int) -> dict[str, dict[str, float]]:
    run = uuid.uuid4().hex[:6]
    plain_out, txn_out, source = f"bench.hop.plain.{run}", f"bench.hop.txn.{run}", f"bench.hop.in.{run}"
    admin = AIOKafkaAdminClient(**stack.kafka.aiokafka())
    await admin.start()
    try:
        await admin.create_topics([NewTopic(t, 1, 1) for t in (plain_out, txn_out, source)])
    finally:
        await admin.close()
    plain = AIOKafkaProducer(**stack.kafka.aiokafka(), linger_ms=0, **STAGE_PRODUCER)
    await plain.start()
    tid = f"binrelay.admin.bench-hop-{run}.urgent.0"
    txn = Transactor(lambda: make_transactional_producer(stack.kafka, "bench-hop", tid), tid)
    await txn.start()
    plain_reader = await _reader(stack, plain_out, "read_uncommitted")
    txn_reader = await _reader(stack, txn_out, "read_committed")
    group = f"bench-hop-{run}"
    times: dict[str, list[float]] = {"plain": [], "txn": []}
    try:
        for i in range(n + 10):  # the first 10: warm-up, not counted
            marker = f"{i}".encode()
            started = time.perf_counter()
            seen = asyncio.create_task(_seen(plain_reader, marker))
            await plain.send(plain_out, marker)  # acknowledged in the background, as a stage's
            await seen
            if i >= 10:
                times["plain"].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            seen = asyncio.create_task(_seen(txn_reader, marker))
            await txn.begin()
            sent = await txn.send(txn_out, marker, None)
            await txn.commit({TopicPartition(source, 0): i + 1}, group, None, [sent])
            await seen
            if i >= 10:
                times["txn"].append((time.perf_counter() - started) * 1000)
    finally:
        await plain_reader.stop()
        await txn_reader.stop()
        await plain.stop()
        await txn.stop()
    return {k: {"p50": round(statistics.median(v), 1), "p95": round(_pct(v, 0.95), 1), "p99": round(_pct(v, 0.99), 1)}
            for k, v in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=300)
    args = parser.parse_args()
    stack = Stack()
    stack.start_infra()
    try:
        result = asyncio.run(measure(stack, args.records))
    finally:
        stack.stop()
    print(f"one hop, send → seen downstream ({args.records} records each, alternating, security on):")
    for kind, label in (("plain", "plain acks=all, read_uncommitted"), ("txn", "transaction, read_committed")):
        r = result[kind]
        print(f"  {label:<34}: p50 {r['p50']:7.1f} ms  p95 {r['p95']:7.1f} ms  p99 {r['p99']:7.1f} ms")
    print(f"  cost of the transaction per hop   : p50 {result['txn']['p50'] - result['plain']['p50']:+.1f} ms"
          f"  p99 {result['txn']['p99'] - result['plain']['p99']:+.1f} ms")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
