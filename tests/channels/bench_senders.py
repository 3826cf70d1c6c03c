"""Throughput of one sender process per channel: Kafka outbox → loopback server → outcome.

Not a test (not collected). Needs a Kafka and a Redis, e.g.:

    KAFKA_PORT=29192 KAFKA_CTRL_PORT=29193 KAFKA_DATA_DIR=/tmp/k deploy/local/kafka.sh start
    REDIS_PORT=26479 REDIS_DATA_DIR=/tmp/r deploy/local/redis.sh start
    .venv/bin/python tests/channels/bench_senders.py 127.0.0.1:29192 redis://127.0.0.1:26479/0 2000
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from aiokafka import AIOKafkaProducer  # noqa: E402

from binrelay_devservers.smtp_sink import start_sink  # noqa: E402
from binrelay_shared import topics  # noqa: E402
from binrelay_shared.codec import encode  # noqa: E402
from binrelay_shared.events import Channel  # noqa: E402
from binrelay_shared.kafka import ensure_topics  # noqa: E402
from tests.channels.servers import job, start_gateway  # noqa: E402
from tests.conftest import free_port  # noqa: E402
from tests.kafka_helpers import TopicReader, admin_kafka, produce  # noqa: E402


def rss_mib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        line = next(x for x in status if x.startswith("VmRSS"))
    return int(line.split()[1]) // 1024


async def produce_fast(kafka: str, topic: str, values: list[bytes]) -> None:
    producer = AIOKafkaProducer(**admin_kafka(kafka).aiokafka(), linger_ms=5)
    await producer.start()
    try:
        futures = [await producer.send(topic, v, key=f"n{i % 3}".encode()) for i, v in enumerate(values)]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def run(
    kafka: str, redis: str, n: int, channel: Channel, env: dict[str, str], address: Callable[[int], str]
) -> None:
    await ensure_topics(admin_kafka(kafka), ["5339"])
    jobs = [job(channel, address(i), recipient_id=f"bench-{i}") for i in range(n)]
    ours = {j.delivery_id for j in jobs}
    reader = await TopicReader(kafka, topics.DELIVERIES).start()
    full = {**os.environ, "BINRELAY_KAFKA": kafka, "BINRELAY_REDIS_URL": redis, "BINRELAY_LOG_LEVEL": "WARNING", **env}
    cmd = [str(REPO / ".venv" / "bin" / "binrelay-sender"), "--channel", channel.value]
    proc = subprocess.Popen(cmd, env=full, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: ASYNC220
    try:
        warm = job(channel, address(n + 1))  # the consumer group joins first
        await produce(kafka, topics.outbox(channel), [encode(warm)], key=b"zavel")
        await reader.wait_for(lambda m: m.get("delivery_id") == warm.delivery_id, timeout=120)
        t0 = time.perf_counter()
        await produce_fast(kafka, topics.outbox(channel), [encode(j) for j in jobs])
        await reader.wait_for(lambda m: m.get("delivery_id") in ours, timeout=600, count=n)
        dt = time.perf_counter() - t0
        rss = rss_mib(proc.pid)
        print(f"{channel.value}: {n} jobs in {dt:.2f} s = {n / dt:.0f} deliveries/s; sender RSS {rss} MiB")
    finally:
        proc.terminate()
        proc.wait(30)
        await reader.stop()


async def main(kafka: str, redis: str, n: int) -> None:
    port = free_port()
    controller, _ = start_sink(port)
    gateway = start_gateway()
    try:
        await run(kafka, redis, n, Channel.email, {"BINRELAY_SMTP_PORT": str(port)}, lambda i: f"b-{i}@example.test")
        sms_env = {"BINRELAY_SMS_GATEWAY_URL": gateway.url, "BINRELAY_SMS_GATEWAY_TOKEN": gateway.token}
        await run(kafka, redis, n, Channel.sms, sms_env, lambda i: f"+4477009{i:05d}")
    finally:
        controller.stop()
        gateway.stop()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
