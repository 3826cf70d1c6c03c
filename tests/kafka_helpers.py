"""Test helpers that talk to a real Kafka broker with plain aiokafka.

They play the operator: they connect as the admin principal (the session's secrets folder,
tests/conftest.py), whatever the pipeline's ACLs say; the services keep their own principals.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from binrelay_shared import topics
from binrelay_shared.acl import ADMIN
from binrelay_shared.kafka import partitions
from binrelay_shared.kafka_security import KafkaClientConfig, kafka_client_config
from binrelay_shared.settings import Settings


def admin_kafka(bootstrap: str) -> KafkaClientConfig:
    """How the tests connect to the broker at ``bootstrap``: as admin (BINRELAY_SECRETS_DIR)."""
    return kafka_client_config(Settings(kafka=bootstrap, kafka_user=None), ADMIN)


async def produce(bootstrap: str, topic: str, values: list[bytes], key: bytes | None = None) -> None:
    """Send raw bytes to a topic and wait until the broker has them."""
    producer = AIOKafkaProducer(**admin_kafka(bootstrap).aiokafka())
    await producer.start()
    try:
        for value in values:
            await producer.send_and_wait(topic, value, key=key)
    finally:
        await producer.stop()


async def produce_to_every_partition(bootstrap: str, topic: str, make: Callable[[int], tuple[bytes, bytes]]) -> int:
    """Send ``make(partition)`` → (key, value) to each partition of ``topic``; returns how many.
    A sentinel behind everything already in each partition (for "nothing else arrived")."""
    producer = AIOKafkaProducer(**admin_kafka(bootstrap).aiokafka())
    await producer.start()
    try:
        parts = sorted(await producer.partitions_for(topic))
        for p in parts:
            key, value = make(p)
            await producer.send_and_wait(topic, value, key=key, partition=p)
        return len(parts)
    finally:
        await producer.stop()


class TopicReader:
    """Reads a topic from its current end (call ``start`` before causing the messages).

    A report topic is read together with its urgent twin (``topics.URGENT_LANE``): a test that
    waits for a report on "its" topic does not care which lane carried it.
    """

    def __init__(self, bootstrap: str, topic: str) -> None:
        self.bootstrap = bootstrap
        self.topic = topic
        # As a police zone reads (docs/POLICE-ZONES.md): what an aborted transaction wrote is skipped.
        self.consumer = AIOKafkaConsumer(**admin_kafka(bootstrap).aiokafka(), enable_auto_commit=False,
                                         isolation_level="read_committed")
        self.seen: list[dict[str, Any]] = []

    async def start(self, from_beginning: bool = False, twin_too: bool = True) -> TopicReader:
        await self.consumer.start()
        parts = await partitions(self.consumer, self.topic)
        if not parts:
            await self.consumer.stop()
            raise AssertionError(f"topic {self.topic} does not exist")
        twin = topics.URGENT_LANE.get(self.topic) if twin_too else None
        if twin is not None:
            parts += await partitions(self.consumer, twin)
        self.consumer.assign(parts)
        if from_beginning:
            await self.consumer.seek_to_beginning(*parts)
        else:
            await self.consumer.seek_to_end(*parts)
            for tp in parts:  # resolve the lazy seek now, before anything is produced
                await self.consumer.position(tp)
        return self

    async def wait_for(
        self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 20.0, count: int = 1
    ) -> list[dict[str, Any]]:
        """Messages (decoded JSON) matching ``predicate``, once ``count`` have arrived."""
        deadline = time.monotonic() + timeout
        while True:
            matched = [m for m in self.seen if predicate(m)]
            if len(matched) >= count:
                return matched
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(
                    f"{len(matched)}/{count} matching message(s) on {self.topic} after {timeout}s "
                    f"({len(self.seen)} seen)"
                )
            await self.poll(min(remaining, 0.5))

    async def poll(self, timeout: float = 0.5) -> None:
        """Add whatever arrives within ``timeout`` to ``seen`` (no assertion: the caller decides)."""
        batch = await self.consumer.getmany(timeout_ms=int(timeout * 1000))
        for records in batch.values():
            for rec in records:
                try:
                    self.seen.append(orjson.loads(rec.value or b"null"))
                except orjson.JSONDecodeError:
                    self.seen.append({"__raw__": rec.value})

    async def read_to_end(self, timeout: float = 60.0) -> list[dict[str, Any]]:
        """Read until every partition's position reaches the end it had when called: afterwards
        ``seen`` holds everything written before the call — "nothing else arrived" without a
        sleep. Fails if the end is not reached within ``timeout``."""
        parts = list(self.consumer.assignment())
        ends = await self.consumer.end_offsets(parts)
        deadline = time.monotonic() + timeout
        while [tp for tp, end in ends.items() if await self.consumer.position(tp) < end]:
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.topic} not read to its end within {timeout}s")
            await self.poll(0.5)
        return self.seen

    async def stop(self) -> None:
        await self.consumer.stop()


async def settle(seconds: float = 0.2) -> None:
    await asyncio.sleep(seconds)


class PrivateBroker:
    """A secure single broker on its own ports and data folder, which a test may stop and start."""

    def __init__(self, data: Path, secrets: Path) -> None:
        self.port = _free_port()
        self.env = {
            **os.environ,
            "KAFKA_PORT": str(self.port),
            "KAFKA_CTRL_PORT": str(_free_port()),
            "KAFKA_DATA_DIR": str(data),
            "BINRELAY_SECRETS_DIR": str(secrets),
        }
        self.env.pop("KAFKA_SECURITY", None)
        self.bootstrap = f"127.0.0.1:{self.port}"

    def run(self, action: str) -> None:
        subprocess.run([str(_LOCAL / "kafka.sh"), action], env=self.env, check=True)

    async def stop(self) -> None:
        await asyncio.to_thread(self.run, "stop")

    async def start(self) -> None:
        await asyncio.to_thread(self.run, "start")


_LOCAL = Path(__file__).resolve().parent.parent / "deploy" / "local"


def _free_port() -> int:
    from tests.conftest import free_port

    return free_port()
