"""Kafka plumbing shared by the services: the broker, and idempotent topic creation.

Every client here takes a :class:`~binrelay_shared.kafka_security.KafkaClientConfig` (from
:func:`~binrelay_shared.kafka_security.kafka_client_config`): who connects, and how.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError, TopicAlreadyExistsError
from aiokafka.producer import sender as aiokafka_sender
from faststream.kafka import KafkaBroker

from . import topics
from .kafka_security import KafkaClientConfig
from .logging import get_logger
from .transactions import TRANSACTION_TIMEOUT_MS, Transactor, transactional_id

log = get_logger(__name__)

#: Every producer of the pipeline: idempotent, acknowledged by every in-sync replica. With
#: ``acks=1`` a record the leader took but had not replicated is lost when the leader fails, after
#: the stage has committed its input offset past it; ``acks=all`` with the topics'
#: ``min.insync.replicas=2`` (on a cluster of 3) makes an acknowledged record survive the loss of
#: one broker. Idempotence (producer id + sequence numbers) keeps the producer's own retries from
#: writing a record twice or out of order. On Kafka 4 it needs no cluster-level ACL: WRITE on the
#: topic is enough (KIP-679; IDEMPOTENT_WRITE is deprecated) — tests/integration/test_cluster.py
#: runs it as the services' own principals.
DURABLE: dict[str, Any] = {"acks": "all", "enable_idempotence": True}

#: The senders' producers (and the faststream broker's, which the stages no longer publish through):
#: ``acks=all`` without idempotence. The stages publish in transactions
#: (:func:`make_transactional_producer`). aiokafka's idempotent producer cannot go on after the
#: broker refuses one of its batches for good (a record too large for its topic, an invalid record):
#: every later batch to that partition fails with OutOfOrderSequenceNumber. A stage's
#: :class:`~binrelay_shared.transactions.Transactor` starts a fresh producer after such an abort; a
#: sender publishes outside transactions (its batch holds provider calls that can take minutes, longer
#: than a transaction should stay open, see docs/ARCHITECTURE.md), so it keeps this: a producer retry
#: after a lost acknowledgement may write an outcome twice (at-least-once: the dispatcher's alert
#: for a failed delivery has a stable id and is claimed once; the observer's counters may count it twice).
STAGE_PRODUCER: dict[str, Any] = {"acks": "all", "enable_idempotence": False}


def make_broker(kafka: KafkaClientConfig, client_id: str) -> KafkaBroker:
    """A faststream broker tuned for the pipeline: ``acks=all`` (:data:`STAGE_PRODUCER`), lz4-free, no linger.

    No ``linger_ms``: a batch handler sends all its outputs without yielding to the event loop,
    so they share producer batches anyway; a linger would only add its time to every hop of an
    urgent report.
    """
    return KafkaBroker(
        **kafka.faststream(),
        client_id=client_id,
        linger_ms=0,
        max_batch_size=1024 * 1024,
        max_request_size=topics.MAX_MESSAGE_BYTES,  # = every topic's max.message.bytes
        **STAGE_PRODUCER,
        logger=None,
        graceful_timeout=10.0,
    )


def make_producer(kafka: KafkaClientConfig, client_id: str) -> AIOKafkaProducer:
    """The stages' producer: same tuning as the broker's (see :func:`make_broker`)."""
    return AIOKafkaProducer(
        **kafka.aiokafka(),
        client_id=client_id,
        linger_ms=0,
        max_batch_size=1024 * 1024,
        max_request_size=topics.MAX_MESSAGE_BYTES,  # = every topic's max.message.bytes
        **STAGE_PRODUCER,
    )


#: How soon aiokafka asks again to add a transaction's first partition when the broker answered
#: CONCURRENT_TRANSACTIONS (aiokafka: 20 ms, ``aiokafka.producer.sender.BACKOFF_OVERRIDE``). The
#: broker answers so while it writes the markers of the transaction before, a few milliseconds;
#: an urgent lane begins its next transaction right after a commit whenever reports come in a
#: burst, and 12-30% of its transactions met it (bench: hop18's instrumented runs), each adding
#: the whole 20 ms to that hop. The retry goes to a coordinator that just answered: no storm.
CONCURRENT_TRANSACTIONS_BACKOFF_S = 0.005


def make_transactional_producer(kafka: KafkaClientConfig, client_id: str, transactional_id: str,
                                timeout_ms: int = TRANSACTION_TIMEOUT_MS) -> AIOKafkaProducer:
    """A stage's transactional producer (idempotent, ``acks=all``; see :mod:`.transactions`),
    tuned as :func:`make_producer`."""
    # A module constant of aiokafka's sender, read at each retry (no producer option sets it).
    aiokafka_sender.BACKOFF_OVERRIDE = CONCURRENT_TRANSACTIONS_BACKOFF_S
    return AIOKafkaProducer(
        **kafka.aiokafka(),
        client_id=client_id,
        linger_ms=0,
        max_batch_size=1024 * 1024,
        max_request_size=topics.MAX_MESSAGE_BYTES,
        acks="all",
        transactional_id=transactional_id,
        transaction_timeout_ms=timeout_ms,
        # A transaction begun right after the previous commit, before the broker has written its
        # markers, is answered CONCURRENT_TRANSACTIONS; aiokafka retries AddOffsetsToTxn after
        # ``retry_backoff_ms`` (100 ms by default: every other urgent hop waited for it in
        # bench/txn_hop.py). The Java client retries that case after 20 ms.
        retry_backoff_ms=20,
    )


def transactors(kafka: KafkaClientConfig, client_id: str, instance: str,
                timeout_ms: int = TRANSACTION_TIMEOUT_MS) -> Callable[[str, str], Transactor]:
    """``(stage, lane) ->`` the :class:`~.transactions.Transactor` of that stage's lane, as
    ``kafka``'s principal, its id stable for ``instance`` (see :mod:`.transactions`)."""

    def make(stage: str, lane: str) -> Transactor:
        tid = transactional_id(kafka.user or client_id, stage, lane, instance)
        return Transactor(lambda: make_transactional_producer(kafka, client_id, tid, timeout_ms), tid)

    return make


def replication_for(brokers: int) -> tuple[int, int]:
    """Replication factor and ``min.insync.replicas`` of the pipeline's topics on ``brokers``
    brokers: 3 and 2 on a cluster of 3 or more (a write survives one broker lost, and one broker
    down does not stop the writes), 1 and 1 on one node."""
    replicas = max(1, min(3, brokers))
    return replicas, max(1, min(2, replicas - 1))


@dataclass(frozen=True)
class TopicsOutcome:
    """What :func:`reconcile_topics` did: topics created, configs changed on existing topics
    (``topic -> key -> (was, now)``; ``was`` None: Kafka's default), and what only an operator
    can change (fewer partitions or replicas than wanted), one sentence each with the fix."""

    created: list[str]
    altered: dict[str, dict[str, tuple[str | None, str]]]
    notes: list[str]


def config_changes(wanted: dict[str, str], have: dict[str, str]) -> dict[str, tuple[str | None, str]]:
    """The keys of ``wanted`` whose value differs on the topic (``have``: its current configs),
    as ``key -> (current value or None, wanted value)``. Keys the pipeline does not manage are
    left alone (an operator's own overrides stay)."""
    return {k: (have.get(k), v) for k, v in sorted(wanted.items()) if have.get(k) != v}


def shape_notes(topic: str, partitions: int, replicas: int, want_partitions: int, want_replicas: int) -> list[str]:
    """What Kafka cannot change in place or what would change the pipeline's order guarantees:
    a clear sentence per gap, with the operator's fix. More than wanted is left as it is."""
    notes = []
    if partitions < want_partitions:
        notes.append(
            f"{topic}: {partitions} partition(s), the pipeline creates it with {want_partitions}; not changed "
            "(adding partitions moves networks to other partitions, so one network's messages may overtake each "
            "other while the old ones drain): if you want it, stop the producers, then "
            f"kafka-topics.sh --alter --topic {topic} --partitions {want_partitions}"
        )
    if replicas < want_replicas:
        notes.append(
            f"{topic}: replication factor {replicas}, the cluster's brokers allow {want_replicas}; not changed "
            "(Kafka changes it only by reassigning partitions): raise it with kafka-reassign-partitions.sh "
            "--reassignment-json-file (a replica list of " + str(want_replicas) + " brokers per partition) "
            "--execute, then run `binrelay topics create` again to set min.insync.replicas"
        )
    return notes


async def ensure_topics(kafka: KafkaClientConfig, zones: list[str], partitions: int = topics.PARTITIONS,
                        replication: int | None = None) -> list[str]:
    """:func:`reconcile_topics`, returning the names created; what only an operator can change
    is logged as a warning."""
    outcome = await reconcile_topics(kafka, zones, partitions, replication)
    for note in outcome.notes:
        log.warning("topic needs an operator", note=note)
    return outcome.created


async def reconcile_topics(kafka: KafkaClientConfig, zones: list[str], partitions: int = topics.PARTITIONS,
                           replication: int | None = None, brokers: int | None = None,
                           brokers_timeout_s: float = 180.0) -> TopicsOutcome:
    """Create every pipeline topic that does not exist yet, and bring the configs the pipeline
    sets (``max.message.bytes``, ``retention.ms``, ``min.insync.replicas``:
    :func:`topics.all_topics`) to their values on the topics that do — a topic an older stack
    created keeps Kafka's defaults otherwise. Changes are incremental (IncrementalAlterConfigs,
    SET per key): other overrides on the topic stay. Partitions and replication factor are never
    changed here (see :func:`shape_notes`). As the admin principal: ``kafka`` is
    ``kafka_client_config(settings, ADMIN)``.

    ``replication`` defaults to :func:`replication_for` the brokers the cluster has now; an
    existing topic's ``min.insync.replicas`` follows its own replication factor (2 on a topic of
    3 replicas, 1 on a topic of 1: never more than it has, or every ``acks=all`` write fails).
    ``brokers``: wait (up to ``brokers_timeout_s``) until the cluster has that many — a cluster
    whose nodes are still registering would otherwise get topics of too few replicas."""
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
        if brokers is not None:
            await _wait_for_brokers(admin, brokers, brokers_timeout_s)
        existing = set(await admin.list_topics())
        if replication is None:
            replication, min_isr = replication_for(len(admin._client.cluster.brokers()))
        else:
            min_isr = replication_for(replication)[1]
        isr = {"min.insync.replicas": str(min_isr)}
        new = [
            NewTopic(name=name, num_partitions=topics.partitions_of(name, partitions),
                     replication_factor=replication, topic_configs={**config, **isr})
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
            log.info("topics created", topics=created, replication=replication, min_insync_replicas=min_isr)
    finally:
        await admin.close()
    old = {name: config for name, config in wanted.items() if name in existing}
    altered, notes = await asyncio.to_thread(_reconcile_existing, kafka, old, partitions, replication)
    if altered:
        log.info("topic configs updated", topics=sorted(altered))
    return TopicsOutcome(created, altered, notes)


async def _wait_for_brokers(admin: AIOKafkaAdminClient, brokers: int, timeout_s: float) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        seen = len((await admin._client.fetch_all_metadata()).brokers())
        if seen >= brokers:
            await admin._client.force_metadata_update()
            return
        if asyncio.get_running_loop().time() > deadline:
            raise BrokersMissing(f"the cluster has {seen} broker(s) after {timeout_s:.0f} s, {brokers} expected")
        await asyncio.sleep(1)


class BrokersMissing(Exception):
    """Fewer brokers than expected registered in time (:func:`reconcile_topics`'s ``brokers``)."""


def _reconcile_existing(kafka: KafkaClientConfig, wanted: dict[str, dict[str, str]], partitions: int,
                        replication: int) -> tuple[dict[str, dict[str, tuple[str | None, str]]], list[str]]:
    """Read the existing topics' shape and configs, SET the configs that differ (confluent-kafka's
    AdminClient: aiokafka has only the non-incremental AlterConfigs, which resets every other
    override of the topic)."""
    if not wanted:
        return {}, []
    from confluent_kafka import TopicCollection
    from confluent_kafka.admin import AdminClient, AlterConfigOpType, ConfigEntry, ConfigResource, ResourceType

    client = AdminClient({**kafka.librdkafka(), "client.id": "binrelay-admin", "log_level": 4})
    timeout = 60.0
    names = sorted(wanted)
    described = client.describe_topics(TopicCollection(names), request_timeout=timeout)
    shapes = {n: f.result(timeout=timeout) for n, f in described.items()}
    resources = [ConfigResource(ResourceType.TOPIC, n) for n in names]
    have = {
        r.name: {k: e.value for k, e in f.result(timeout=timeout).items()}
        for r, f in client.describe_configs(resources, request_timeout=timeout).items()
    }
    altered: dict[str, dict[str, tuple[str | None, str]]] = {}
    notes: list[str] = []
    for name in names:
        shape = shapes[name]
        rf = min(len(p.replicas) for p in shape.partitions)
        want = {**wanted[name], "min.insync.replicas": str(replication_for(rf)[1])}
        changes = config_changes(want, have[name])
        if changes:
            altered[name] = changes
        notes += shape_notes(name, len(shape.partitions), rf, topics.partitions_of(name, partitions), replication)
    if altered:
        alter = [
            ConfigResource(ResourceType.TOPIC, name, incremental_configs=[
                ConfigEntry(k, now, incremental_operation=AlterConfigOpType.SET) for k, (_, now) in changes.items()
            ])
            for name, changes in altered.items()
        ]
        for f in client.incremental_alter_configs(alter, request_timeout=timeout).values():
            f.result(timeout=timeout)
    return altered, notes


async def partitions(consumer: AIOKafkaConsumer, topic: str) -> list[TopicPartition]:
    """The partitions of ``topic`` (fresh metadata; a consumer that has not subscribed knows none)."""
    cluster = await consumer._client.fetch_all_metadata()
    return [TopicPartition(topic, p) for p in sorted(cluster.partitions_for_topic(topic) or ())]
