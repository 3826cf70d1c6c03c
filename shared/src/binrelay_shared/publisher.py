"""How a stage sends records: a :class:`Publisher` that does not wait, awaited once per batch."""

from __future__ import annotations

from typing import Any, Protocol

from aiokafka import AIOKafkaProducer
from faststream.kafka import KafkaBroker
from pydantic import BaseModel


class Publisher(Protocol):
    """Sends bytes to a topic without waiting; returns something awaitable or None."""

    async def __call__(self, topic: str, value: bytes, key: bytes | None) -> Any: ...


def broker_publisher(broker: KafkaBroker) -> Publisher:
    """Publish through a faststream broker with ``no_confirm`` (awaited once per batch)."""

    async def publish(topic: str, value: bytes, key: bytes | None) -> Any:
        return await broker.publish(
            value, topic, key=key, headers={"content-type": "application/json"}, no_confirm=True
        )

    return publish


def producer_publisher(producer: AIOKafkaProducer) -> Publisher:
    """Publish straight through an aiokafka producer: ``send`` returns a future to await later.

    This skips faststream's per-message publish middleware, which costs more than the stage's
    own work (bench/run.py); the consuming side stays faststream's.
    """

    async def publish(topic: str, value: bytes, key: bytes | None) -> Any:
        return await producer.send(topic, value, key=key, headers=JSON_HEADERS)

    return publish


JSON_HEADERS = [("content-type", b"application/json")]


def key_of(event: BaseModel, explicit: str | None) -> bytes | None:
    """The record key: ``explicit`` when given, else the event's network id (one network's
    messages stay in order on one partition), else none."""
    if explicit is not None:
        return explicit.encode()
    network = getattr(event, "network_id", None)
    return network.encode() if network else None
