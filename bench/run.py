"""BIN Relay benchmark on the real broker (``make bench``): the #18 figures, in one run.

Two configurations, each on a freshly started local broker, printed side by side:

* **production** — as ``make up`` runs it: Kafka TLS + SASL/SCRAM + ACLs (each service its own
  principal), ``acks=all``, idempotent producers, each stage's consume→produce in a Kafka
  transaction, every reader ``read_committed``;
* **plain** — for comparison only: PLAINTEXT, no authoriser (kafka.sh ``KAFKA_SECURITY=plaintext``)
  and the stages without transactions (``BINRELAY_TRANSACTIONS=off``, a setting that exists for
  this column only: at least once, never deployed).

In each configuration:

* the **ceiling**: a raw aiokafka consume→produce loop with no work (bench/raw_loop.py) with the
  column's security — in the production column a *transactional* loop (read_committed, a
  transaction per batch with its offsets), so "pipeline ≥ 15% of the ceiling" compares like
  with like; ``--chain`` adds three such loops chained, the plumbing of a three-stage pipeline;
* the **pipeline** (classifier → privacy-filter → dispatcher, a process per stage and lane, as
  deployed): sustained reports/s from ``bin.reports.received.v1`` to the zone's dispatch topic;
* at **50% of that maximum** (``--rates`` for others): urgent received → dispatched p50/p99, with
  the time per stage from the reports' traces, and what users feel, **received → accepted by the
  provider**: the real senders (``binrelay-sender``, a process per lane) send to the loopback
  SMS gateway and SMTP sink (binrelay-devserver), whose records say when each message was
  accepted (bench/accepted.py). The senders start after the maximum-rate burst, their consumer
  groups moved past its deliveries (they would take minutes to send, and are not measured);
  during the 50% run they send everything it routes, ordinary reports' deliveries included.
  Matrix is left out: it needs Synapse (its own ~60 s install and start, a few hundred MB on a
  2-core machine) plus a Matrix account per member; the chat sender is the same worker.

Then, production configuration only, the **10,000-member police alarm** (bench/fanout.py): the
members in the registry, time until all jobs are on the outbox and until all are at the gateway.

Every process's **resident memory** is sampled (every 0.5 s) for the whole run, fan-out
included; the maximum is printed against the 150 MB target. Last, a **targets table** (#18's
targets, the figure, met/missed) and the JSON in ``bench/results/pipeline.json``.

Reports are realistic (nl/fr/en/de, ~10% urgent, personal data to redact; bench/reports.py).
Figures vary with the machine (compare ratios, and give ``uptime``); no test depends on them.

    .venv/bin/python bench/run.py [--short] [--config production|plain|both] [--reports 10000]
                                  [--rate-seconds 10] [--rates R ...] [--members 10000]
                                  [--ceiling-runs 3] [--chain] [--json-out FILE]

``--short`` (``make bench BENCH_ARGS=--short``): 2,000 reports, two ceiling runs of 10,000
messages, 5 s at 50%, a 2,000-member alarm — a few minutes on a quiet machine.
With ``KAFKA_NODES=3`` the broker is a 3-node cluster.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from binrelay_shared.redis_auth import redis_client
from binrelay_shared.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import accepted, fanout
from bench.harness import REPO, ZONE, Stack
from bench.reports import make_report
from binrelay_shared import topics, trace
from binrelay_shared.kafka import replication_for
from binrelay_shared.kafka_security import KafkaClientConfig

DISPATCH = topics.dispatch(ZONE)
#: Each configuration: (Kafka security, the stages' transactions).
CONFIGS = {"production": ("sasl_ssl", "on"), "plain": ("plaintext", "off")}
RSS_TARGET_MB = 150.0


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


async def ceiling(stack: Stack, n: int, hops: int = 1, runs: int = 3, chunk: int = 0) -> dict[str, Any]:
    """Throughput of ``hops`` raw consume→produce loops chained (own processes): the best of
    ``runs`` runs of ``n`` messages each; transactional when the stack's stages are.

    One hop is the issue's ceiling; three hops chained like the pipeline's three stages, still
    with no work, show what the Kafka plumbing alone leaves for the stages' own work.
    """
    transactional = stack.transactions == "on"
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
            [sys.executable, str(REPO / "bench" / "raw_loop.py"), stack.bootstrap, src, dst, f"bench-raw-{src}",
             *(["--transactional", "--chunk", str(chunk)] if transactional else [])],
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
        await arrivals.wait({r for r, _, _ in warm}, 120)
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
        return {"messages": n, "hops": hops, "transactional": transactional,
                "records_per_transaction": (chunk or 500) if transactional else None,
                "runs": [round(r, 1) for r in rates],
                "seconds": round(n / best, 3), "per_second": round(best, 1)}
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


async def latency_at(stack: Stack, rate: float, seconds: float, seed: int,
                     channels: dict[str, str] | None = None) -> dict[str, Any]:
    """Urgent latency (send → dispatch topic) while loading at ``rate`` reports/s; with
    ``channels`` (the senders running), also send → accepted by the SMS gateway / SMTP sink."""
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
    result: dict[str, Any] = {
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
    if channels is not None:
        result["accepted"] = await provider_latency(stack, channels, urgent, {r: sent[r] + wall_offset for r in urgent},
                                                    {r: arrivals.at[r] + wall_offset for r in urgent})
    return result


async def provider_latency(stack: Stack, channels: dict[str, str], urgent: set[str],
                           sent_wall: dict[str, float], dispatched_wall: dict[str, float]) -> dict[str, Any]:
    """Urgent reports: received (sent by the bench) → accepted by the provider, per delivery and
    channel, and per report until its first delivery was accepted; per channel also the part
    after the dispatch (dispatched → accepted: the outbox and the sender)."""
    index = accepted.delivery_index(urgent, await registry_member_ids(stack))
    found = await accepted.wait_settled(channels["gateway"], Path(channels["maildir"]), index, timeout=120)
    out: dict[str, Any] = {}
    first: dict[str, float] = {}
    for channel in accepted.CHANNELS:
        ms = sorted((at - sent_wall[rid]) * 1000 for (rid, ch), ats in found.items() if ch == channel for at in ats)
        after = sorted((at - dispatched_wall[rid]) * 1000
                       for (rid, ch), ats in found.items() if ch == channel for at in ats)
        out[channel] = {"deliveries": len(ms), "reports": sum(1 for (_, ch) in found if ch == channel),
                        "p50_ms": round(_pct(ms, 50), 1), "p99_ms": round(_pct(ms, 99), 1),
                        "after_dispatch_p50_ms": round(_pct(after, 50), 1),
                        "after_dispatch_p99_ms": round(_pct(after, 99), 1)}
    for (rid, _), ats in found.items():
        first[rid] = min(first.get(rid, math.inf), min(ats))
    ms = sorted((at - sent_wall[rid]) * 1000 for rid, at in first.items())
    out["first_per_report"] = {"reports": len(ms), "of_urgent": len(urgent),
                               "p50_ms": round(_pct(ms, 50), 1), "p99_ms": round(_pct(ms, 99), 1)}
    return out


async def warm_senders(stack: Stack, channels: dict[str, str], timeout: float = 300) -> float:
    """Send urgent reports until one of them is accepted by a provider: the senders have started
    and their consumers hold their partitions (seconds on a loaded machine; measured otherwise,
    it would count as the first reports' latency). Returns how long that took."""
    members = await registry_member_ids(stack)
    producer = AIOKafkaProducer(**stack.kafka.aiokafka())
    await producer.start()
    t0 = time.monotonic()
    rng = random.Random(99)
    try:
        probes: set[str] = set()
        while time.monotonic() - t0 < timeout:
            stack.check_alive()
            item = make_report(rng, True)
            probes.add(item[0])
            await produce_all(producer, topics.REPORTS_RECEIVED, [item], {})
            index = accepted.delivery_index(probes, members)
            for _ in range(10):
                try:
                    if await accepted.accepted(channels["gateway"], Path(channels["maildir"]), index):
                        return round(time.monotonic() - t0, 1)
                except httpx.TransportError:  # the gateway is still starting (seconds on a loaded machine)
                    pass
                await asyncio.sleep(0.5)
        raise TimeoutError(f"no urgent report reached a provider in {timeout:.0f} s: see the senders' logs in"
                           f" {stack.root}")
    finally:
        await producer.stop()


async def registry_member_ids(stack: Stack) -> list[str]:
    """Every member id in the run's registry (the dispatcher seeded it at its first start)."""
    from binrelay_shared.members.registry import Registry

    registry = Registry.at(stack.service_env()["BINRELAY_DATABASE_URL"])
    try:
        return [rec.id for rec in await registry.all()]
    finally:
        await registry.close()


async def skip_backlog(stack: Stack) -> None:
    """Move the senders' consumer groups to the end of their outboxes before they first start:
    the maximum-rate burst's deliveries (minutes of sending) are not what the bench measures."""
    for channel, urgent in itertools.product(accepted.CHANNELS, (False, True)):
        topic = topics.outbox(channel, urgent=urgent)
        group = f"binrelay-sender-{channel}{'-urgent' if urgent else ''}"
        consumer = AIOKafkaConsumer(**stack.kafka.aiokafka(), group_id=group, enable_auto_commit=False,
                                    isolation_level="read_committed")
        await consumer.start()
        try:
            parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or
                     await _partitions(consumer, topic)]
            consumer.assign(parts)
            await consumer.seek_to_end(*parts)
            await consumer.commit({tp: await consumer.position(tp) for tp in parts})
        finally:
            await consumer.stop()


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    await consumer._client.force_metadata_update()
    return consumer._client.cluster.partitions_for_topic(topic) or set()


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
    """One configuration's figures on its own stack (stopped at the end)."""
    result: dict[str, Any] = {"security": stack.security, "transactions": stack.transactions, "lanes": args.lanes}
    stack.sample_memory()
    try:
        result["ceiling"] = await ceiling(stack, args.ceiling_messages, runs=args.ceiling_runs,
                                          chunk=args.ceiling_chunk)
        if args.chain:
            result["chain"] = await ceiling(stack, args.ceiling_messages, hops=3, runs=args.ceiling_runs,
                                            chunk=args.ceiling_chunk)
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
        channels = None
        if not args.no_senders:
            await skip_backlog(stack)
            channels = stack.start_channels()
            result["senders_ready_seconds"] = await warm_senders(stack, channels)
        top = result["pipeline"]["per_second"]
        rates = args.rates or [top * 0.5]
        result["latency"] = [
            await latency_at(stack, rate, args.rate_seconds, seed=10 + i, channels=channels)
            for i, rate in enumerate(rates)
        ]
        stack.check_alive()
        result["memory_mb"] = {k: round(v, 1) for k, v in stack.memory().items()}
    finally:
        stack.stop()
    result["rss_max_mb"] = {k: round(v, 1) for k, v in stack.rss_max.items()}
    return result


async def run_fanout(stack: Stack, args: argparse.Namespace, gateway: str) -> dict[str, Any]:
    try:
        result = await fanout.measure(stack, args.members, gateway)
        result["memory_mb"] = {k: round(v, 1) for k, v in stack.memory().items()}
    finally:
        stack.stop()
    result["rss_max_mb"] = {k: round(v, 1) for k, v in stack.rss_max.items()}
    return result


def _brokers() -> str:
    nodes = int(os.environ.get("KAFKA_NODES", "1"))
    return "one local broker" if nodes == 1 else f"a local cluster of {nodes} brokers, topics replicated 3 times"


def _ms(a: Any, b: Any) -> str:
    return f"{a:.1f} / {b:.1f} ms"


def side_by_side(runs: dict[str, dict[str, Any]]) -> str:
    """The configurations' figures in columns."""
    names = list(runs)
    rows: list[tuple[str, list[str]]] = [
        ("Kafka security", ["TLS+SCRAM+ACLs" if r["security"] == "sasl_ssl" else "PLAINTEXT" for r in runs.values()]),
        ("stage transactions", [r["transactions"] for r in runs.values()]),
        ("raw ceiling (msg/s)", [f"{r['ceiling']['per_second']:.0f}"
                                 + (" txn" if r["ceiling"].get("transactional") else "") for r in runs.values()]),
    ]
    if all("chain" in r for r in runs.values()):
        rows.append(("3 raw loops chained (msg/s)", [f"{r['chain']['per_second']:.0f}"
                                                     f" ({r['chain']['ratio_to_ceiling']:.0%})"
                                                     for r in runs.values()]))
    rows.append(("pipeline (reports/s)", [f"{r['pipeline']['per_second']:.0f}"
                                          f" ({r['pipeline']['ratio_to_ceiling']:.0%} of ceiling)"
                                          for r in runs.values()]))
    for i in range(max(len(r["latency"]) for r in runs.values())):
        lats = [r["latency"][i] if i < len(r["latency"]) else None for r in runs.values()]
        rows.append((f"rate of latency run #{i + 1} (/s)", [f"{x['rate']:.0f}" if x else "-" for x in lats]))
        rows.append(("urgent → dispatched p50/p99", [_ms(x["urgent_p50_ms"], x["urgent_p99_ms"]) if x else "-"
                                                      for x in lats]))
        for stage in ("classifier", "privacy-filter", "dispatcher"):
            rows.append((f"  of which {stage} p50/p99", [
                _ms(x["urgent_hops_ms"][stage]["p50"], x["urgent_hops_ms"][stage]["p99"])
                if x and stage in x.get("urgent_hops_ms", {}) else "-" for x in lats]))
        rows.append(("all reports → dispatched p99", [f"{x['all_p99_ms']:.1f} ms" if x else "-" for x in lats]))
        for key, label in (("sms", "urgent → SMS gateway p50/p99"), ("email", "urgent → SMTP sink p50/p99"),
                           ("first_per_report", "urgent → first accepted p50/p99")):
            rows.append((label, [
                _ms(x["accepted"][key]["p50_ms"], x["accepted"][key]["p99_ms"])
                + f" (n={x['accepted'][key].get('deliveries', x['accepted'][key].get('reports'))})"
                if x and "accepted" in x else "-" for x in lats]))
            if key != "first_per_report":
                rows.append(("  of which dispatched → accepted", [
                    _ms(x["accepted"][key]["after_dispatch_p50_ms"], x["accepted"][key]["after_dispatch_p99_ms"])
                    if x and "accepted" in x else "-" for x in lats]))
    width = max(len(label) for label, _ in rows) + 2
    cols = [max(len(n), *(len(v[i]) for _, v in rows)) + 2 for i, n in enumerate(names)]
    lines = [f"BIN Relay benchmark ({_brokers()}, 3 partitions, a process per stage and lane)",
             " " * width + "".join(n.ljust(c) for n, c in zip(names, cols, strict=True))]
    lines += [label.ljust(width) + "".join(v.ljust(c) for v, c in zip(values, cols, strict=True))
              for label, values in rows]
    return "\n".join(lines)


def fanout_lines(f: dict[str, Any]) -> str:
    return (f"Police alarm to {f['members']} registry members (production configuration): "
            f"{f['jobs_on_outbox']} jobs on the outbox in {f['outbox_seconds']:.2f} s, "
            f"{f['sink_received']} accepted by the loopback SMS gateway in {f['sink_seconds']:.2f} s"
            f" ({f['sink_per_second']}/s)")


def memory_table(result: dict[str, Any]) -> tuple[str, dict[str, float]]:
    """Most resident memory per process over the production run and the fan-out, vs the target."""
    peak: dict[str, float] = {}
    for part in (result, result.get("fanout") or {}):
        for name, mb in (part.get("rss_max_mb") or {}).items():
            peak[name] = max(peak.get(name, 0.0), mb)
    lines = ["Resident memory, most seen (sampled every 0.5 s; production run + fan-out),"
             f" target {RSS_TARGET_MB:.0f} MB:"]
    for name, mb in sorted(peak.items()):
        note = "loopback test server, not a service" if name.startswith("devserver") else (
            "ok" if mb <= RSS_TARGET_MB else "OVER")
        lines.append(f"  {name:<24}{mb:>7.1f} MB  {note}")
    return "\n".join(lines), {k: v for k, v in peak.items() if not k.startswith("devserver")}


def targets(result: dict[str, Any], services_peak: dict[str, float]) -> list[dict[str, Any]]:
    """#18's targets, each with the figure of this run (production configuration) and met/missed."""
    lat = (result.get("latency") or [{}])[0]
    fan = result.get("fanout") or {}
    sms = (lat.get("accepted") or {}).get("sms") or {}
    worst = max(services_peak.items(), key=lambda kv: kv[1], default=(None, math.nan))
    rows = [
        ("urgent received → dispatched p99 at 50% of max", lat.get("urgent_p99_ms"), 50.0, "ms", "le"),
        ("urgent received → accepted by SMS gateway p99 at 50%", sms.get("p99_ms"), 250.0, "ms", "le"),
        ("10,000-member alarm: all jobs on the outbox", fan.get("outbox_seconds"), 1.0, "s", "le"),
        ("10,000-member alarm: all at the loopback gateway", fan.get("sink_seconds"), 5.0, "s", "le"),
        ("pipeline throughput / raw ceiling (same security)",
         result["pipeline"]["ratio_to_ceiling"] * 100 if "pipeline" in result else None, 15.0, "%", "ge"),
        (f"every service resident memory (max: {worst[0]})", worst[1], RSS_TARGET_MB, "MB", "le"),
    ]
    out: list[dict[str, Any]] = []
    for what, value, target, unit, how in rows:
        measured = value is not None and not (isinstance(value, float) and math.isnan(value))
        met = measured and (value <= target if how == "le" else value >= target)
        out.append({"target": what, "measured": round(value, 2) if measured else None, "goal": target,
                    "unit": unit, "comparison": "<=" if how == "le" else ">=",
                    "status": "met" if met else ("missed" if measured else "not measured")})
    if fan and fan.get("members") != 10000:
        for row in out[2:4]:
            row["target"] += f" (run with {fan['members']} members)"
    return out


def targets_table(rows: list[dict[str, Any]]) -> str:
    lines = ["#18 targets (production configuration: TLS+SCRAM+ACLs, acks=all, transactions, read_committed):"]
    for r in rows:
        value = "-" if r["measured"] is None else f"{r['measured']:.1f} {r['unit']}"
        lines.append(f"  {r['target']:<62} {value:>11}  goal {r['comparison']} {r['goal']:g} {r['unit']:<3} "
                     f"{r['status'].upper()}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--short", action="store_true",
                        help="a few minutes: 2,000 reports, two ceiling runs of 10,000, 5 s at 50%%,"
                             " a 2,000-member alarm")
    parser.add_argument("--reports", type=int, help="reports (and ceiling messages) per max-rate run (10,000)")
    parser.add_argument("--rate-seconds", type=float, help="seconds of load per latency run (10)")
    parser.add_argument("--members", type=int, help="police alarm network size (10,000; 0: skip)")
    parser.add_argument("--ceiling-runs", type=int, help="runs of the ceiling, the best kept (3)")
    parser.add_argument("--ceiling-messages", type=int,
                        help="messages per ceiling run (20,000: seconds each; fewer is noise on a shared machine)")
    parser.add_argument("--chain", action="store_true", help="also three raw loops chained")
    parser.add_argument("--ceiling-chunk", type=int, default=0,
                        help="records per transaction of the transactional ceiling (0: a batch, up to 500;"
                             " 32: as the stages' ordinary lane, BINRELAY_BATCH_CHUNK_RECORDS)")
    parser.add_argument("--no-senders", action="store_true", help="skip received → accepted by the provider")
    parser.add_argument("--lanes", choices=("split", "both"), default="split",
                        help="a process per lane and stage, as deployed (split), or one process per stage (both)")
    parser.add_argument("--config", choices=("production", "plain", "both"), default="both",
                        help="production (TLS+SASL, transactions), plain (PLAINTEXT, no transactions), or both"
                             " side by side (default)")
    parser.add_argument("--rates", type=float, nargs="+",
                        help="latency runs at these reports/s (default: 50%% of the measured max);"
                             " fixed rates compare runs")
    parser.add_argument("--json-out", type=Path, default=REPO / "bench" / "results" / "pipeline.json")
    args = parser.parse_args()
    for name, full, short in (("reports", 10000, 2000), ("rate_seconds", 10.0, 5.0), ("members", 10000, 2000),
                              ("ceiling_runs", 3, 2), ("ceiling_messages", 20000, 10000)):
        if getattr(args, name) is None:
            setattr(args, name, short if args.short else full)
    configs = ["production", "plain"] if args.config == "both" else [args.config]
    started = time.time()
    runs: dict[str, dict[str, Any]] = {}
    failed: dict[str, str] = {}
    for name in configs:
        stack = Stack(security=CONFIGS[name][0], transactions=CONFIGS[name][1])
        try:  # one part failing (a loaded machine: a timeout) still leaves the others' figures
            stack.start_infra()
            runs[name] = asyncio.run(run(stack, args))
        except Exception as exc:  # reported with the figures; the run goes on
            stack.stop()
            failed[name] = f"{type(exc).__name__}: {exc} (logs in {stack.root})"
    result: dict[str, Any] = dict(runs.get(configs[0], {}))
    if args.members:
        stack = Stack(security=CONFIGS["production"][0], transactions=CONFIGS["production"][1])
        try:
            stack.start_infra()
            channels = fanout.start(stack, args.members, split=args.lanes == "split")
            stack.sample_memory()
            result["fanout"] = asyncio.run(run_fanout(stack, args, channels["gateway"]))
        except Exception as exc:  # as above
            stack.stop()
            failed["fanout"] = f"{type(exc).__name__}: {exc} (logs in {stack.root})"
    if runs:
        print(side_by_side(runs))
    if "fanout" in result:
        print("\n" + fanout_lines(result["fanout"]))
    memory, services_peak = memory_table(result)
    print("\n" + memory)
    result["targets"] = targets(result, services_peak) if configs[0] == "production" else []
    if result["targets"]:
        print("\n" + targets_table(result["targets"]))
    for part, why in failed.items():
        print(f"\nFAILED {part}: {why}")
    result["configs"] = runs
    result["failed"] = failed
    result["load_average"] = os.getloadavg()
    result["seconds"] = round(time.time() - started, 1)
    result["command"] = " ".join(sys.argv)
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(result, indent=2, default=str))
    print(f"\n{result['seconds']:.0f} s; load average {' '.join(f'{x:.2f}' for x in result['load_average'])};"
          f" JSON in {args.json_out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
