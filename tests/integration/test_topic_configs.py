"""`binrelay topics create` (ensure_topics) fixes the configs of topics an older stack created.

On the session's real broker: a zone topic created with Kafka's defaults (one partition, no
config) and an operator's own override, and a report topic whose overrides were removed (as a
stack from before the size limits and the short retention left it). After reconcile_topics each
carries the pipeline's values, the operator's override is still there (incremental), the missing
partitions are reported with the fix and not changed, and a second run changes nothing.
"""

from __future__ import annotations

import asyncio
import random
from pathlib import Path
from typing import Any

import pytest

from binrelay_shared import topics
from binrelay_shared.kafka import BrokersMissing, reconcile_topics
from binrelay_shared.settings import Settings
from binrelay_shared.zones import admin_config

pytestmark = pytest.mark.integration


def _admin(kafka: Any) -> Any:
    from confluent_kafka.admin import AdminClient

    return AdminClient({**kafka.librdkafka(), "log_level": 4})


def _configs(client: Any, name: str) -> dict[str, str]:
    from confluent_kafka.admin import ConfigResource, ResourceType

    (future,) = client.describe_configs([ConfigResource(ResourceType.TOPIC, name)]).values()
    return {k: e.value for k, e in future.result(timeout=60).items()}


def _partitions(client: Any, name: str) -> int:
    from confluent_kafka import TopicCollection

    (future,) = client.describe_topics(TopicCollection([name])).values()
    return len(future.result(timeout=60).partitions)


def _incremental(client: Any, name: str, op: str, configs: dict[str, str]) -> None:
    from confluent_kafka.admin import AlterConfigOpType, ConfigEntry, ConfigResource, ResourceType

    entries = [ConfigEntry(k, v, incremental_operation=AlterConfigOpType[op]) for k, v in configs.items()]
    for f in client.incremental_alter_configs([ConfigResource(ResourceType.TOPIC, name,
                                                              incremental_configs=entries)]).values():
        f.result(timeout=60)


def test_existing_topics_get_the_pipelines_configs_and_keep_an_operators_override(
    kafka_bootstrap: str, secrets_dir: Path
) -> None:
    """Given a zone topic created with Kafka's defaults (1 partition, an operator's retention.bytes)
    and the urgent received topic with its size and retention overrides removed,
    when reconcile_topics runs (what `binrelay topics create` and `make up` run),
    then both carry the pipeline's max.message.bytes (and the report topic its 48 h retention),
    the operator's retention.bytes is kept, the zone topic still has 1 partition and a note says
    how to add partitions; and a second run changes nothing."""
    from confluent_kafka.admin import NewTopic

    kafka = admin_config(Settings(kafka=kafka_bootstrap, secrets_dir=secrets_dir))
    client = _admin(kafka)
    zone = str(random.randrange(9000, 9999))
    old_zone_topic = topics.dispatch(zone)
    urgent = topics.URGENT_LANE[topics.REPORTS_RECEIVED]
    for f in client.create_topics([NewTopic(old_zone_topic, 1, 1, config={"retention.bytes": "123456789"})]).values():
        f.result(timeout=60)
    _incremental(client, urgent, "DELETE", {"max.message.bytes": "", "retention.ms": ""})
    try:
        assert _configs(client, old_zone_topic)["max.message.bytes"] != str(topics.MAX_MESSAGE_BYTES)
        assert _configs(client, urgent)["retention.ms"] != str(topics.SHORT_RETENTION_MS)

        outcome = asyncio.run(reconcile_topics(kafka, [zone]))

        assert outcome.created == []
        assert outcome.altered[old_zone_topic]["max.message.bytes"][1] == str(topics.MAX_MESSAGE_BYTES)
        assert set(outcome.altered[urgent]) == {"max.message.bytes", "retention.ms"}
        zone_configs, urgent_configs = _configs(client, old_zone_topic), _configs(client, urgent)
        assert zone_configs["max.message.bytes"] == str(topics.MAX_MESSAGE_BYTES)
        assert zone_configs["retention.bytes"] == "123456789", "an operator's own override stays"
        assert zone_configs["min.insync.replicas"] == "1"  # one node: never more than the topic's replicas
        assert urgent_configs["max.message.bytes"] == str(topics.MAX_MESSAGE_BYTES)
        assert urgent_configs["retention.ms"] == str(topics.SHORT_RETENTION_MS)
        assert _partitions(client, old_zone_topic) == 1, "partitions are the operator's call"
        assert any(old_zone_topic in n and "--partitions 3" in n for n in outcome.notes), outcome.notes

        again = asyncio.run(reconcile_topics(kafka, [zone], brokers=1))
        assert again.created == [] and again.altered == {}
        with pytest.raises(BrokersMissing, match="1 broker"):  # a cluster still starting: never too few replicas
            asyncio.run(reconcile_topics(kafka, [zone], brokers=3, brokers_timeout_s=2))
    finally:
        _incremental(client, urgent, "SET", {"max.message.bytes": str(topics.MAX_MESSAGE_BYTES),
                                             "retention.ms": str(topics.SHORT_RETENTION_MS)})
        for f in client.delete_topics([old_zone_topic]).values():
            f.result(timeout=60)
