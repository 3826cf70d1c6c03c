"""Kafka plumbing shared by the services: the broker, and idempotent topic creation.

Every client here takes a :class:`~binrelay_shared.kafka_security.KafkaClientConfig` (from
:func:`~binrelay_shared.kafka_security.kafka_client_config`): who connects, and how.
"""

from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError, TopicAlreadyExistsError
from faststream.kafka import KafkaBroker

from . import topics
from .kafka_security import KafkaClientConfig
from .logging import get_logger

log = get_logger(__name__)


def make_broker(kafka: KafkaClientConfig, client_id: str) -> KafkaBroker:
    """A faststream broker tuned for the pipeline: acks from the leader, lz4-free, no linger.

    No ``linger_ms``: a batch handler sends all its outputs without yielding to the event loop,
    so they share producer batches anyway; a linger would only add its time to every hop of an
    urgent report.
    """
    return KafkaBroker(
        **kafka.faststream(),
        client_id=client_id,
        linger_ms=0,
        acks=1,
        max_batch_size=1024 * 1024,
        max_request_size=topics.MAX_MESSAGE_BYTES,  # = every topic's max.message.bytes
        enable_idempotence=False,
        logger=None,
        graceful_timeout=10.0,
    )


def make_producer(kafka: KafkaClientConfig, client_id: str) -> AIOKafkaProducer:
    """The stages' producer: same tuning as the broker's (see :func:`make_broker`)."""
    return AIOKafkaProducer(
        **kafka.aiokafka(),
        client_id=client_id,
        linger_ms=0,
        acks=1,
        max_batch_size=1024 * 1024,
        max_request_size=topics.MAX_MESSAGE_BYTES,  # = every topic's max.message.bytes
        enable_idempotence=False,
    )


async def ensure_topics(kafka: KafkaClientConfig, zones: list[str], partitions: int = topics.PARTITIONS) -> list[str]:
    """Create every pipeline topic that does not exist yet; return the names created (as the
    admin principal: ``kafka`` is ``kafka_client_config(settings, ADMIN)``)."""
    wanted = topics.all_topics(zones)
    admin = AIOKafkaAdminClient(**kafka.aiokafka(), client_id="binrelay-admin")
    for attempt in range(30):
        try:
            await admin.start()
            break
        except KafkaConnectionError:
            if attempt == 29:
                raise
            await asyncio.sleep(1)
    try:
        existing = set(await admin.list_topics())
        new = [
            NewTopic(name=name, num_partitions=topics.partitions_of(name, partitions), replication_factor=1,
                     topic_configs=config)
            for name, config in wanted.items()
            if name not in existing
        ]
        if new:
            try:
                await admin.create_topics(new)
            except TopicAlreadyExistsError:
                pass  # another process created them between list and create: fine
        created = [t.name for t in new]
        if created:
            log.info("topics created", topics=created)
        return created
    finally:
        await admin.close()


async def partitions(consumer: AIOKafkaConsumer, topic: str) -> list[TopicPartition]:
    """The partitions of ``topic`` (fresh metadata; a consumer that has not subscribed knows none)."""
    cluster = await consumer._client.fetch_all_metadata()
    return [TopicPartition(topic, p) for p in sorted(cluster.partitions_for_topic(topic) or ())]
