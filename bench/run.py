"""BIN Relay pipeline benchmark on the real broker (``make bench``). Prints a table and JSON.

Measures, in one run on one freshly started local broker:

* the ceiling: a raw aiokafka consume→produce loop with no work (bench/raw_loop.py);
* the pipeline (classifier → privacy-filter → dispatcher as their own processes): sustained
  end-to-end reports/s from ``bin.reports.received.v1`` to the zone's dispatch topic, as a ratio
  of the ceiling;
* urgent-report latency p50/p95/p99 (received → dispatched) at 50% and 80% of that maximum rate;
* resident memory per service after the load.

Each stage runs as deployed: a process per lane, the ordinary one at a lower CPU priority
(``--lanes both``: one process per stage, to compare).

Kafka security (TLS + SASL/SCRAM + ACLs, as `make up` runs it) is on; ``--security both`` (the
default) runs the ceiling, the pipeline and the latencies a second time on a broker with security
off (PLAINTEXT, no authoriser: kafka.sh KAFKA_SECURITY=plaintext) and prints both, so the cost of
security is measured in the same run. The fan-out runs with security on only.

Reports are realistic (nl/fr/en/de, ~10% urgent, personal data to redact; bench/reports.py).
Figures vary with the machine: compare ratios, not absolutes. No test depends on them.

    .venv/bin/python bench/run.py [--reports 10000] [--rate-seconds 10] [--rates R ...]
                                  [--security on|off|both] [--json-out FILE]

With ``KAFKA_NODES=3`` in the environment the broker is a 3-node cluster (deploy/local/kafka.sh;
topics with replication factor 3, ``min.insync.replicas=2``): what ``acks=all`` costs when it
waits for a follower.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from binrelay_shared.redis_auth import redis_client
from binrelay_shared.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import fanout
from bench.harness import REPO, ZONE, Stack
from bench.reports import make_report
from binrelay_shared import topics, trace
from binrelay_shared.kafka import replication_for
from binrelay_shared.kafka_security import KafkaClientConfig

DISPATCH = topics.dispatch(ZONE)


class Arrivals:
    """Consumes topics from their end and records when each report id first arrives."""

    def __init__(self, kafka: KafkaClientConfig, *watched: str) -> None:
        # read_committed, as a police zone reads: a report counts as arrived when its stage's
        # transaction is committed, not when its record is on the log.
        self.consumer = AIOKafkaConsumer(*watched, **kafka.aiokafka(), group_id=None,
                                         enable_auto_commit=False, auto_offset_reset="latest",
                                         isolation_level="read_committed")
        self.at: dict[str, float] = {}
        self.count = 0
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.consumer.start()
        await self.consumer.seek_to_end()
        for tp in self.consumer.assignment():
            await self.consumer.position(tp)
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            batch = await self.consumer.getmany(timeout_ms=50, max_records=5000)
            now = time.perf_counter()
            for recs in batch.values():
                for rec in recs:
                    self.count += 1
                    rid = _report_id(rec.value)
                    if rid is not None and rid not in self.at:
                        self.at[rid] = now

    async def wait(self, ids: set[str], timeout: float, stack: Stack | None = None) -> None:
        deadline = time.monotonic() + timeout
        while not ids <= self.at.keys():
            if stack is not None:
                stack.check_alive()
            if time.monotonic() > deadline:
                missing = len(ids - self.at.keys())
                raise TimeoutError(f"{missing} of {len(ids)} report(s) did not arrive in {timeout}s")
            await asyncio.sleep(0.05)

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
        await self.consumer.stop()


def _report_id(raw: bytes | None) -> str | None:
    try:
        value = orjson.loads(raw or b"null")
    except orjson.JSONDecodeError:
        return None
    return value.get("report_id") if isinstance(value, dict) else None


async def produce_all(producer: AIOKafkaProducer, topic: str, items: list[tuple[str, bytes, str | None]],
                      sent: dict[str, float], rate: float | None = None) -> None:
    """Send items at ``rate`` per second (None: as fast as possible), recording send times."""
    start = time.perf_counter()
    futures = []
    for i, (rid, value, key) in enumerate(items):
        if rate:
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
        sent[rid] = time.perf_counter()
        # As ingest does: urgent reports (pre-check, police alarm) go on the urgent lane.
        urgent = b'"possibly_urgent":true' in value or b'"kind":"alarm"' in value
        futures.append(await producer.send(topics.lane(topic, urgent), value, key=key.encode() if key else None))
        if len(futures) >= 2000:
            await asyncio.gather(*futures)
            futures.clear()
    await asyncio.gather(*futures)


def fresh_items(n: int, seed: int, urgent_share: float = 0.1) -> list[tuple[str, bytes, str | None]]:
    rng = random.Random(seed)
    return [make_report(rng, rng.random() < urgent_share) for _ in range(n)]


async def ceiling(stack: Stack, n: int, hops: int = 1, runs: int = 3) -> dict[str, Any]:
    """Throughput of ``hops`` raw consume→produce loops chained (own processes): the best of
    ``runs`` runs of ``n`` messages each.

    One hop is the issue's ceiling; three hops chained like the pipeline's three stages, still
    with no work, show what the Kafka plumbing alone leaves for the stages' own work.
    """
    names = [f"bench.raw{hops}.{i}" for i in range(hops + 1)]
    admin = AIOKafkaAdminClient(**stack.kafka.aiokafka())
    await admin.start()
    replicas, min_isr = replication_for(len(admin._client.cluster.brokers()))  # as the pipeline's topics
    await admin.create_topics([NewTopic(name, 3, replicas, topic_configs={"min.insync.replicas": str(min_isr)})
                               for name in names])
    await admin.close()
    # Started once, not on a hot path: a blocking Popen is fine here.
    loops = [
        subprocess.Popen(  # noqa: ASYNC220
            [sys.executable, str(REPO / "bench" / "raw_loop.py"), stack.bootstrap, src, dst, f"bench-raw-{src}"],
            env=stack.service_env(),
        )
        for src, dst in itertools.pairwise(names)
    ]
    try:
        arrivals = Arrivals(stack.kafka, names[-1])
        await arrivals.start()
        producer = AIOKafkaProducer(**stack.kafka.aiokafka(), linger_ms=5, max_batch_size=1024 * 1024)
        await producer.start()
        warm = fresh_items(500, 1)
        await produce_all(producer, names[0], warm, {})
        await arrivals.wait({r for r, _, _ in warm}, 60)
        # Best of ``runs``: a ceiling is what the broker and loops can do, and a single run on this
        # machine has come out anywhere between 8,800 and 15,400 msg/s.
        rates = []
        for run in range(runs):
            items = fresh_items(n, 2 + run)
            t0 = time.perf_counter()
            await produce_all(producer, names[0], items, {})
            await arrivals.wait({r for r, _, _ in items}, 300)
            rates.append(n / (max(arrivals.at[r] for r, _, _ in items) - t0))
        await producer.stop()
        await arrivals.stop()
        best = max(rates)
        return {"messages": n, "hops": hops, "runs": [round(r, 1) for r in rates], "seconds": round(n / best, 3),
                "per_second": round(best, 1)}
    finally:
        for loop in loops:
            loop.terminate()
            loop.wait(10)


async def pipeline_max(stack: Stack, n: int) -> dict[str, Any]:
    arrivals = Arrivals(stack.kafka, DISPATCH)
    await arrivals.start()
    producer = AIOKafkaProducer(**stack.kafka.aiokafka(), linger_ms=5, max_batch_size=1024 * 1024)
    await producer.start()
    try:
        warm = fresh_items(300, 3)
        await produce_all(producer, topics.REPORTS_RECEIVED, warm, {})
        await arrivals.wait({r for r, _, _ in warm}, 120, stack)
        items = fresh_items(n, 4)
        sent: dict[str, float] = {}
        t0 = time.perf_counter()
        await produce_all(producer, topics.REPORTS_RECEIVED, items, sent)
        await arrivals.wait({r for r, _, _ in items}, 600, stack)
        elapsed = max(arrivals.at[r] for r, _, _ in items) - t0
        return {"reports": n, "seconds": round(elapsed, 3), "per_second": round(n / elapsed, 1)}
    finally:
        await producer.stop()
        await arrivals.stop()


async def latency_at(stack: Stack, rate: float, seconds: float, seed: int) -> dict[str, Any]:
    """Urgent latency (send → dispatch topic) while loading at ``rate`` reports/s."""
    n = max(int(rate * seconds), 50)
    rng = random.Random(seed)
    items = [make_report(rng, rng.random() < 0.1) for _ in range(n)]
    urgent = {rid for (rid, raw, _) in items if b'"possibly_urgent":true' in raw}
    arrivals = Arrivals(stack.kafka, DISPATCH)
    await arrivals.start()
    producer = AIOKafkaProducer(**stack.kafka.aiokafka(), linger_ms=0)
    await producer.start()
    wall_offset = time.time() - time.perf_counter()  # perf_counter → wall clock, as the traces use
    try:
        sent: dict[str, float] = {}
        await produce_all(producer, topics.REPORTS_RECEIVED, items, sent, rate=rate)
        await arrivals.wait({r for r, _, _ in items}, 300, stack)
    finally:
        await producer.stop()
        await arrivals.stop()
    lat = sorted((arrivals.at[r] - sent[r]) * 1000 for r in urgent)
    all_lat = sorted((arrivals.at[r] - sent[r]) * 1000 for r, _, _ in items)
    hops = await urgent_hops(stack, urgent, sent, wall_offset)
    return {
        "rate": round(rate, 1),
        "reports": n,
        "urgent": len(lat),
        "urgent_p50_ms": round(_pct(lat, 50), 1),
        "urgent_p95_ms": round(_pct(lat, 95), 1),
        "urgent_p99_ms": round(_pct(lat, 99), 1),
        "all_p50_ms": round(_pct(all_lat, 50), 1),
        "all_p99_ms": round(_pct(all_lat, 99), 1),
        "urgent_hops_ms": hops,
    }


HOPS = (("classifier", topics.REPORTS_CLASSIFIED), ("privacy-filter", topics.REPORTS_CLEARED),
        ("dispatcher", DISPATCH))


async def urgent_hops(stack: Stack, urgent: set[str], sent: dict[str, float], wall_offset: float
                      ) -> dict[str, dict[str, float]]:
    """Where an urgent report's time goes: p50/p99 per stage, from the reports' Redis traces
    (each stage stamps the topic it published to once the broker acknowledged it)."""
    # Redis ACL users are on: admin's password is in the stack's secrets folder.
    redis = redis_client(Settings(redis_url=stack.redis_url, secrets_dir=stack.secrets_dir), "admin")
    per_hop: dict[str, list[float]] = {name: [] for name, _ in HOPS}
    try:
        for rid in urgent:
            at = {k: datetime.fromisoformat(v).timestamp() for k, v in (await trace.read(redis, rid)).items()}
            before = sent[rid] + wall_offset
            if not all(topic in at for _, topic in HOPS):
                continue
            for name, topic in HOPS:
                per_hop[name].append((at[topic] - before) * 1000)
                before = at[topic]
    finally:
        await redis.aclose()
    return {name: {"p50": round(_pct(sorted(v), 50), 1), "p99": round(_pct(sorted(v), 99), 1)}
            for name, v in per_hop.items() if v}


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[min(int(p) - 1, 98)]


async def run(stack: Stack, args: argparse.Namespace) -> dict[str, Any]:
    result: dict[str, Any] = {}
    try:
        result["ceiling"] = await ceiling(stack, args.reports)
        result["chain"] = await ceiling(stack, args.reports, hops=3)
        result["chain"]["ratio_to_ceiling"] = round(
            result["chain"]["per_second"] / result["ceiling"]["per_second"], 3
        )
        for name in ("classifier", "privacy-filter", "dispatcher"):
            stack.start_stage(name, split=args.lanes == "split")
        await asyncio.sleep(3)
        stack.check_alive()
        result["pipeline"] = await pipeline_max(stack, args.reports)
        result["pipeline"]["ratio_to_ceiling"] = round(
            result["pipeline"]["per_second"] / result["ceiling"]["per_second"], 3
        )
        top = result["pipeline"]["per_second"]
        rates = args.rates or [top * share for share in (0.5, 0.8)]
        result["latency"] = [
            await latency_at(stack, rate, args.rate_seconds, seed=10 + i) for i, rate in enumerate(rates)
        ]
        stack.check_alive()
        result["memory_mb"] = {k: round(v, 1) for k, v in stack.memory().items()}
    finally:
        stack.stop()
    return result


async def run_fanout(stack: Stack, args: argparse.Namespace, gateway: str) -> dict[str, Any]:
    try:
        result = await fanout.measure(stack, args.members, gateway)
        result["memory_mb"] = {k: round(v, 1) for k, v in stack.memory().items()}
        return result
    finally:
        stack.stop()


def _brokers() -> str:
    nodes = int(os.environ.get("KAFKA_NODES", "1"))
    return "one local broker" if nodes == 1 else f"a local cluster of {nodes} brokers, topics replicated 3 times"


def table(result: dict[str, Any]) -> str:
    c, p = result["ceiling"], result["pipeline"]
    lines = [
        f"BIN Relay pipeline benchmark ({_brokers()}, 3 partitions, this machine;"
        f" {'a process per lane and stage' if result.get('lanes', 'split') == 'split' else 'one process per stage'})",
        f"  raw aiokafka consume→produce ceiling : {c['per_second']:>9.0f} msg/s",
        f"  pipeline received → dispatched       : {p['per_second']:>9.0f} reports/s"
        f"   ({p['ratio_to_ceiling']:.0%} of the ceiling)",
    ]
    ch = result.get("chain")
    if ch:
        lines.insert(2, f"  three raw loops chained, no work     : {ch['per_second']:>9.0f} msg/s"
                        f"   ({ch['ratio_to_ceiling']:.0%} of the ceiling: the plumbing's own bound)")
    for lat in result["latency"]:
        lines.append(
            f"  at {lat['rate']:>7.0f}/s: urgent p50 {lat['urgent_p50_ms']:>6.1f} ms"
            f"  p95 {lat['urgent_p95_ms']:>6.1f} ms  p99 {lat['urgent_p99_ms']:>6.1f} ms"
            f"   (all p99 {lat['all_p99_ms']:.1f} ms, {lat['urgent']} urgent)"
        )
        hops = lat.get("urgent_hops_ms") or {}
        if hops:
            lines.append("      urgent p50/p99 per stage (send → published): " + ", ".join(
                f"{name} {h['p50']:.1f}/{h['p99']:.1f} ms" for name, h in hops.items()))
    for name, mb in result["memory_mb"].items():
        lines.append(f"  resident memory {name:<15}: {mb:>6.1f} MB")
    f = result.get("fanout")
    if f:
        lines.append(
            f"  police alarm to {f['members']} members: all jobs on the outbox in {f['outbox_seconds']:.2f} s,"
            f" all received by the loopback SMS gateway in {f['sink_seconds']:.2f} s ({f['sink_per_second']}/s)"
        )
        for name, mb in f["memory_mb"].items():
            lines.append(f"  resident memory during fan-out {name:<15}: {mb:>6.1f} MB")
    return "\n".join(lines)


def security_cost(on: dict[str, Any], off: dict[str, Any]) -> str:
    """What TLS + SCRAM + ACLs cost: throughput kept, urgent latency added."""
    lines = ["Cost of Kafka security (on vs off):"]
    for key, what in (("ceiling", "raw consume→produce ceiling"), ("chain", "three raw loops chained"),
                      ("pipeline", "pipeline received → dispatched")):
        if key in on and key in off:
            a, b = on[key]["per_second"], off[key]["per_second"]
            lines.append(f"  {what:<32}: {a:>8.0f} vs {b:>8.0f} /s  ({a / b:.0%} of security off)")
    for share, lon, loff in zip((0.5, 0.8), on["latency"], off["latency"], strict=False):
        lines.append(f"  urgent p50/p99 at {share:.0%} of each max : "
                     f"{lon['urgent_p50_ms']:.1f}/{lon['urgent_p99_ms']:.1f} ms"
                     f" vs {loff['urgent_p50_ms']:.1f}/{loff['urgent_p99_ms']:.1f} ms")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=10000)
    parser.add_argument("--rate-seconds", type=float, default=10.0)
    parser.add_argument("--members", type=int, default=10000, help="fan-out network size (0: skip)")
    parser.add_argument("--lanes", choices=("split", "both"), default="split",
                        help="a process per lane and stage, as deployed (split), or one process per stage (both)")
    parser.add_argument("--security", choices=("on", "off", "both"), default="both",
                        help="Kafka TLS+SCRAM+ACLs on, off, or both in this run (default: both, to compare)")
    parser.add_argument("--rates", type=float, nargs="+",
                        help="urgent latency at these reports/s (default: 50%% and 80%% of the measured max);"
                             " fixed rates compare runs, e.g. producer settings")
    parser.add_argument("--json-out", type=Path, default=REPO / "bench" / "results" / "pipeline.json")
    args = parser.parse_args()
    modes = {"on": ["sasl_ssl"], "off": ["plaintext"], "both": ["sasl_ssl", "plaintext"]}[args.security]
    runs: dict[str, dict[str, Any]] = {}
    for mode in modes:
        stack = Stack(security=mode)
        stack.start_infra()
        runs[mode] = asyncio.run(run(stack, args))
        runs[mode]["lanes"] = args.lanes
        runs[mode]["security"] = mode
    result = runs[modes[0]]
    if args.members:
        stack = Stack(security=modes[0])
        stack.start_infra()
        started = fanout.start(stack, args.members, split=args.lanes == "split")
        result["fanout"] = asyncio.run(run_fanout(stack, args, started["gateway"]))
    print(f"Kafka security {'ON (TLS + SCRAM-SHA-512 + ACLs)' if modes[0] == 'sasl_ssl' else 'OFF'}:")
    print(table(result))
    if len(modes) > 1:
        off = runs[modes[1]]
        result["security_off"] = off
        print("\nKafka security OFF (PLAINTEXT, no authoriser), same run, for comparison:")
        print(table(off))
        print("\n" + security_cost(result, off))
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
