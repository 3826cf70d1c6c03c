"""Ingest benchmark: accepted reports/s and response-time percentiles of ONE ingest process.

    .venv/bin/python bench/ingest_bench.py                 # own Kafka + Redis on free ports
    .venv/bin/python bench/ingest_bench.py --rate 1500 --seconds 20 --connections 64
    .venv/bin/python bench/ingest_bench.py --kafka 127.0.0.1:9092 --redis redis://127.0.0.1:6379/0

What runs: the real Kafka and Redis (started here with deploy/local/*.sh unless given), ONE
``binrelay-ingest`` process (uvloop + httptools), and this process as the load generator on
loopback. The load is **open-loop**: requests are scheduled at a fixed rate and each latency is
measured from its *scheduled* time, so a stalled server cannot hide its queueing (no coordinated
omission). Every request is a realistic report: an adapter credential, a fresh reporter, an
adapter message id (so the idempotency path runs), a street to resolve. Kafka's end offsets are
read before and after, so "accepted" means "in Kafka" (202 only after the broker's ack).

Phases: a warm-up, then ``--rate`` for ``--seconds`` (the figure of merit: p99 ≤ 20 ms at
≥ 1,000/s), then, unless ``--no-max``, a closed-loop burst with ``--connections`` connections
to show the ceiling. Prints one JSON document (also written to ``--out`` if given).
Bounded in count and time; talks to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from binrelay_devservers.ports import free_port

REPO = Path(__file__).resolve().parent.parent
LOCAL = REPO / "deploy" / "local"
BIN = REPO / ".venv" / "bin"

STREETS = [
    "Bodenbroekstraat 12", "Rue de la Régence 3", "Kasteleinsplein 4", "Rue du Bailli 20", "Ch. de Vilvorde 100",
    "Marlylaan 5", "Rue Neuve 1", "Place du Grand Sablon", "Meudonstraat 8", "Av. de Marly 17",
]  # fmt: skip
TEXTS = [
    "Verdachte man kijkt in geparkeerde auto's",
    "Un homme suspect sonne à toutes les portes",
    "Fietsdiefstal gisteren avond, slot doorgeknipt",
    "Someone is trying to open car doors right now",
    "Voiture suspecte garée depuis trois jours",
    "Inbraak in de garage vannacht, niemand gewond",
]



def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of a process so far (Linux /proc), 0.0 if unknown."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]


class Conn:
    """One keep-alive HTTP/1.1 connection with a tiny hand-written client (cheap per request)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, raw: bytes) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        if length:
            await self.reader.readexactly(length)
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()


def make_request(port: int, key: str, i: int, run: str) -> bytes:
    body = json.dumps(
        {
            "text": TEXTS[i % len(TEXTS)],
            "channel": "sms",
            "reporter": {"ref": f"bench-{run}-{i}", "language": random.choice(["nl", "fr", "en"])},
            "location": {"street": STREETS[i % len(STREETS)]},
            "adapter_message_id": f"{run}-{i}",
        },
        ensure_ascii=False,
    ).encode()
    return (
        f"POST /v1/reports HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body


async def open_loop(port: int, key: str, rate: float, seconds: float, connections: int, run: str, start: int) -> dict:
    """Send at ``rate``/s for ``seconds``; latency from each request's scheduled time."""
    total = int(rate * seconds)
    queue: asyncio.Queue[tuple[int, float] | None] = asyncio.Queue()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    conns = [Conn(port) for _ in range(connections)]

    async def worker(conn: Conn) -> None:
        while True:
            item = await queue.get()
            if item is None:
                return
            i, scheduled = item
            try:
                status = await conn.request(make_request(port, key, start + i, run))
            except (OSError, asyncio.IncompleteReadError):
                status = 0
                await conn.close()
                conn.writer = None
            latencies.append(time.perf_counter() - scheduled)
            statuses[status] = statuses.get(status, 0) + 1

    workers = [asyncio.create_task(worker(c)) for c in conns]
    t0 = time.perf_counter()
    interval = 1.0 / rate
    for i in range(total):
        scheduled = t0 + i * interval
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        queue.put_nowait((i, scheduled))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    elapsed = time.perf_counter() - t0
    for c in conns:
        await c.close()
    lat = sorted(latencies)
    return {
        "mode": "open-loop",
        "target_rate": rate,
        "requests": total,
        "elapsed_s": round(elapsed, 3),
        "accepted_per_s": round(statuses.get(202, 0) / elapsed, 1),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "p50_ms": round(percentile(lat, 50) * 1000, 2),
        "p90_ms": round(percentile(lat, 90) * 1000, 2),
        "p99_ms": round(percentile(lat, 99) * 1000, 2),
        "max_ms": round(lat[-1] * 1000, 2) if lat else None,
    }


async def closed_loop(port: int, key: str, seconds: float, connections: int, run: str, start: int) -> dict:
    """As fast as ``connections`` connections go, for ``seconds``: the ceiling."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    counter = iter(range(10**9))
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        conn = Conn(port)
        while time.perf_counter() < deadline:
            i = next(counter)
            t = time.perf_counter()
            try:
                status = await conn.request(make_request(port, key, start + i, run))
            except (OSError, asyncio.IncompleteReadError):
                status = 0
                await conn.close()
                conn.writer = None
            latencies.append(time.perf_counter() - t)
            statuses[status] = statuses.get(status, 0) + 1
        await conn.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    elapsed = time.perf_counter() - t0
    lat = sorted(latencies)
    return {
        "mode": "closed-loop",
        "connections": connections,
        "requests": len(lat),
        "elapsed_s": round(elapsed, 3),
        "accepted_per_s": round(statuses.get(202, 0) / elapsed, 1),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "p50_ms": round(percentile(lat, 50) * 1000, 2),
        "p99_ms": round(percentile(lat, 99) * 1000, 2),
    }


def admin_kafka(bootstrap: str) -> Any:
    """The benchmark's own connection: as admin (BINRELAY_SECRETS_DIR; Kafka security as configured)."""
    from binrelay_shared.acl import ADMIN
    from binrelay_shared.kafka_security import kafka_client_config
    from binrelay_shared.settings import Settings

    return kafka_client_config(Settings(kafka=bootstrap, kafka_user=None), ADMIN)


async def end_offsets(bootstrap: str, topic: str) -> int:
    from aiokafka import AIOKafkaConsumer

    from binrelay_shared.kafka import partitions

    consumer = AIOKafkaConsumer(**admin_kafka(bootstrap).aiokafka(), enable_auto_commit=False)
    await consumer.start()
    try:
        parts = await partitions(consumer, topic)
        ends = await consumer.end_offsets(parts)
        return int(sum(ends.values()))
    finally:
        await consumer.stop()


async def create_key(redis_url: str) -> str:
    from binrelay_ingest.keys import api_key_mac
    from binrelay_ingest.keys import create_key as create
    from binrelay_shared.local_secrets import ensure_all
    from binrelay_shared.redis_auth import redis_client
    from binrelay_shared.settings import Settings

    settings = Settings(redis_url=redis_url)
    ensure_all(settings.secrets_dir)  # Redis users' passwords, the API key MAC secret
    redis = redis_client(settings, "admin")
    try:
        key, _ = await create(redis, mac_key=api_key_mac(settings), role="adapter", zone="5339", adapter="bench",
                              label="bench", rate=1_000_000)
        return key
    finally:
        await redis.aclose()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kafka", help="use this Kafka (default: start one on a free port)")
    ap.add_argument("--redis", help="use this Redis URL (default: start one on a free port)")
    ap.add_argument("--rate", type=float, default=1000.0, help="open-loop requests per second")
    ap.add_argument("--seconds", type=float, default=15.0, help="length of the measured open-loop phase")
    ap.add_argument("--warmup", type=float, default=3.0, help="seconds of warm-up at the same rate")
    ap.add_argument("--connections", type=int, default=64, help="keep-alive connections")
    ap.add_argument("--max-seconds", type=float, default=8.0, help="length of the closed-loop phase")
    ap.add_argument("--no-max", action="store_true", help="skip the closed-loop phase")
    ap.add_argument("--out", type=Path, help="also write the JSON result here")
    ap.add_argument("--port", type=int, help="use an ingest already on 127.0.0.1:PORT (with --kafka, --redis)")
    args = ap.parse_args()
    if args.seconds > 300 or args.rate > 20000:
        ap.error("keep it bounded: --seconds ≤ 300, --rate ≤ 20000")

    try:
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    except ImportError:
        pass

    from binrelay_shared.logging import configure_logging

    configure_logging("bench", "WARNING", json=False)  # logs to stderr: stdout is the JSON result
    tmp = Path(tempfile.mkdtemp(prefix="binrelay-bench-"))
    started: list[tuple[Path, dict[str, str]]] = []
    ingest: subprocess.Popen[bytes] | None = None
    try:
        bootstrap = args.kafka
        if not bootstrap:
            os.environ["BINRELAY_SECRETS_DIR"] = str(tmp / "secrets")  # this broker's passwords and CA
            port = free_port()
            env = {**os.environ, "KAFKA_PORT": str(port), "KAFKA_CTRL_PORT": str(free_port()),
                   "KAFKA_DATA_DIR": str(tmp / "kafka")}  # fmt: skip
            subprocess.run([str(LOCAL / "kafka.sh"), "start"], env=env, check=True)
            started.append((LOCAL / "kafka.sh", env))
            bootstrap = f"127.0.0.1:{port}"
        redis_url = args.redis
        if not redis_url:
            port = free_port()
            env = {**os.environ, "REDIS_PORT": str(port), "REDIS_DATA_DIR": str(tmp / "redis")}
            subprocess.run([str(LOCAL / "redis.sh"), "start"], env=env, check=True)
            started.append((LOCAL / "redis.sh", env))
            redis_url = f"redis://127.0.0.1:{port}/0"

        from binrelay_shared import topics
        from binrelay_shared.kafka import ensure_topics

        asyncio.run(ensure_topics(admin_kafka(bootstrap), ["5339"]))
        if admin_kafka(bootstrap).security != "plaintext":
            from binrelay_shared.settings import Settings
            from binrelay_shared.zones import apply_table

            apply_table(Settings(kafka=bootstrap))
        key = asyncio.run(create_key(redis_url))
        http_port = args.port or free_port()
        env = {**os.environ, "BINRELAY_KAFKA": bootstrap, "BINRELAY_REDIS_URL": redis_url,
               "BINRELAY_HTTP_PORT": str(http_port), "BINRELAY_LOG_LEVEL": "WARNING", "BINRELAY_LOG_JSON": "true",
               "BINRELAY_NETWORKS_DIR": str(REPO / "deploy" / "networks")}  # fmt: skip
        env.pop("BINRELAY_METRICS_PORT", None)
        log = (tmp / "ingest.log").open("wb")
        if not args.port:
            ingest = subprocess.Popen([str(BIN / "binrelay-ingest")], env=env, stdout=log, stderr=log, cwd=REPO)
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", http_port), timeout=0.5) as s:
                    s.sendall(b"GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n")
                    if b" 200 " in s.recv(200):
                        break
            except OSError:
                pass
            if (ingest is not None and ingest.poll() is not None) or time.monotonic() > deadline:
                raise SystemExit("ingest did not start:\n" + (tmp / "ingest.log").read_text()[-2000:])
            time.sleep(0.2)

        run = os.urandom(4).hex()

        pid = ingest.pid if ingest is not None else None

        async def bench() -> dict[str, Any]:
            before = await end_offsets(bootstrap, topics.REPORTS_RECEIVED)
            warm = await open_loop(http_port, key, args.rate, args.warmup, args.connections, run + "w", 0)
            cpu0 = cpu_seconds(pid)
            measured = await open_loop(http_port, key, args.rate, args.seconds, args.connections, run, 0)
            if pid is not None:
                measured["ingest_cpu_ms_per_request"] = round(
                    (cpu_seconds(pid) - cpu0) * 1000 / max(1, measured["requests"]), 3
                )
            result: dict[str, Any] = {"warmup": warm, "measured": measured}
            if not args.no_max:
                cpu0 = cpu_seconds(pid)
                result["ceiling"] = await closed_loop(
                    http_port, key, args.max_seconds, args.connections, run + "m", 0
                )
                if pid is not None:
                    result["ceiling"]["ingest_cpu_ms_per_request"] = round(
                        (cpu_seconds(pid) - cpu0) * 1000 / max(1, result["ceiling"]["requests"]), 3
                    )
            await asyncio.sleep(0.5)
            after = await end_offsets(bootstrap, topics.REPORTS_RECEIVED)
            accepted = sum(
                int(phase["statuses"].get("202", 0)) for phase in result.values() if isinstance(phase, dict)
            )
            result["kafka"] = {"events_written": after - before, "202_answers": accepted}
            return result

        result = asyncio.run(bench())
        result["machine"] = {
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        }
        m = result["measured"]
        result["verdict"] = {
            "target": "≥ 1000 accepted/s with p99 ≤ 20 ms",
            "met": bool(m["accepted_per_s"] >= 1000 * 0.98 and m["p99_ms"] <= 20.0 and args.rate >= 1000),
        }
        text = json.dumps(result, indent=2)
        print(text)
        if args.out:
            args.out.write_text(text + "\n")
        return 0
    finally:
        if ingest is not None and ingest.poll() is None:
            ingest.terminate()
            try:
                ingest.wait(15)
            except subprocess.TimeoutExpired:
                ingest.kill()
        for script, env in reversed(started):
            subprocess.run([str(script), "stop"], env=env, check=False)


if __name__ == "__main__":
    sys.exit(main())
