"""What a Kafka transaction adds to one hop of an urgent report, measured A/B in one run.

One hop is what a stage does per batch, stripped of its work: read a record from an input topic
and publish one output, then a reader downstream sees it. Three ways, alternating record by record on
one freshly started broker (security on, as `make up`), so both see the same machine load:

* **plain** — as the stages were before transactions: the output sent with ``acks=all``
  (``kafka.STAGE_PRODUCER``), the input offset committed off the path; the reader reads
  read_uncommitted;
* **txn** — as the stages are now (``transactions.Transactor``, as ``Stage._in_batch`` runs it):
  begun with the input offset and the partitions the last transaction wrote (both go to the
  coordinator while the work runs), send, commit; the reader reads read_committed (it sees the
  record once the commit marker is written);
* **txn-before** — the transaction as the stages ran it before issue #18's work on it: begun
  empty, its partition added at the first send and its offsets at the commit (AddPartitionsToTxn,
  then AddOffsetsToTxn and TxnOffsetCommit, then EndTxn, one after the other once the work is
  done), and aiokafka's 20 ms pause after CONCURRENT_TRANSACTIONS.

Each transactional hop does ``--work-ms`` of waiting between its begin and its send, as a stage's
batch does its work there (the dispatcher's urgent batch: two Redis round trips and the plan, a
few ms; 0: none).

Prints p50/p95/p99 of send → seen for each, and the difference: the cost per hop (the pipeline has
three hops). On a loaded machine every round trip is slower, the transaction's three more above all.

    .venv/bin/python bench/txn_hop.py [--records 300] [--work-ms 0]
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
from aiokafka.producer import sender as aiokafka_sender

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import Stack
from binrelay_shared.kafka import CONCURRENT_TRANSACTIONS_BACKOFF_S, STAGE_PRODUCER, make_transactional_producer
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


async def measure(stack: Stack, n: int, work_ms: float = 0.0) -> dict[str, dict[str, float]]:
    run = uuid.uuid4().hex[:6]
    plain_out, txn_out, source = f"bench.hop.plain.{run}", f"bench.hop.txn.{run}", f"bench.hop.in.{run}"
    before_out = f"bench.hop.before.{run}"
    admin = AIOKafkaAdminClient(**stack.kafka.aiokafka())
    await admin.start()
    try:
        await admin.create_topics([NewTopic(t, 1, 1) for t in (plain_out, txn_out, before_out, source)])
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
    before_tid = f"binrelay.admin.bench-hop-{run}.before.0"
    before = Transactor(lambda: make_transactional_producer(stack.kafka, "bench-hop", before_tid), before_tid)
    await before.start()
    before_reader = await _reader(stack, before_out, "read_committed")
    times: dict[str, list[float]] = {"plain": [], "txn": [], "txn-before": []}
    try:
        for i in range(n + 10):  # the first 10: warm-up, not counted
            marker = f"{i}".encode()
            started = time.perf_counter()
            seen = asyncio.create_task(_seen(plain_reader, marker))
            await plain.send(plain_out, marker)  # acknowledged in the background, as a stage's
            await seen
            if i >= 10:
                times["plain"].append((time.perf_counter() - started) * 1000)
            offsets = {TopicPartition(source, 0): i + 1}
            for kind, transactor, out, reader in (("txn", txn, txn_out, txn_reader),
                                                  ("txn-before", before, before_out, before_reader)):
                aiokafka_sender.BACKOFF_OVERRIDE = 0.02 if kind == "txn-before" else CONCURRENT_TRANSACTIONS_BACKOFF_S
                started = time.perf_counter()
                seen = asyncio.create_task(_seen(reader, marker))
                if kind == "txn":
                    await transactor.begin(offsets, group)
                else:
                    transactor.written = set()  # its partition added at the first send, as before
                    await transactor.begin()
                if work_ms:
                    await asyncio.sleep(work_ms / 1000)
                sent = await transactor.send(out, marker, None)
                await transactor.commit(offsets, group, None, [sent])
                await seen
                if i >= 10:
                    times[kind].append((time.perf_counter() - started) * 1000)
    finally:
        for reader in (plain_reader, txn_reader, before_reader):
            await reader.stop()
        await plain.stop()
        await txn.stop()
        await before.stop()
    return {k: {"p50": round(statistics.median(v), 1), "p95": round(_pct(v, 0.95), 1), "p99": round(_pct(v, 0.99), 1)}
            for k, v in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=300)
    parser.add_argument("--work-ms", type=float, default=0.0,
                        help="wait between a transaction's begin and its send, as a stage's work (default 0)")
    args = parser.parse_args()
    stack = Stack()
    stack.start_infra()
    try:
        result = asyncio.run(measure(stack, args.records, args.work_ms))
    finally:
        stack.stop()
    print(f"one hop, send → seen downstream ({args.records} records each, alternating, security on,"
          f" work {args.work_ms:g} ms):")
    for kind, label in (("plain", "plain acks=all, read_uncommitted"), ("txn", "transaction, read_committed"),
                        ("txn-before", "transaction as before #18's work")):
        r = result[kind]
        print(f"  {label:<34}: p50 {r['p50']:7.1f} ms  p95 {r['p95']:7.1f} ms  p99 {r['p99']:7.1f} ms")
    print(f"  cost of the transaction per hop   : p50 {result['txn']['p50'] - result['plain']['p50']:+.1f} ms"
          f"  p99 {result['txn']['p99'] - result['plain']['p99']:+.1f} ms")
    print(f"  now against before                : p50 {result['txn']['p50'] - result['txn-before']['p50']:+.1f} ms"
          f"  p99 {result['txn']['p99'] - result['txn-before']['p99']:+.1f} ms")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
