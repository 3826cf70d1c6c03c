"""Retention: one table, every store in it documented, Kafka's topics and the registry's history enforced."""

from __future__ import annotations

from datetime import timedelta

import pytest

from binrelay_shared import topics
from binrelay_shared.events import utcnow
from binrelay_shared.members import Registry
from binrelay_shared.retention import DAY, HOUR, Retention, stores
from binrelay_shared.settings import Settings
from tests.conftest import REPO, TEST_ZONE

from .test_registry import rec


def test_every_topic_has_its_retention_from_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    wanted = topics.all_topics([TEST_ZONE])
    assert {t: int(c["retention.ms"]) for t, c in wanted.items() if t in (
        topics.REPORTS_RECEIVED, topics.outbox("sms", urgent=True), topics.DELIVERIES, topics.MEMBERS_CHANGED)} == {
        topics.REPORTS_RECEIVED: 48 * HOUR, topics.outbox("sms", urgent=True): 48 * HOUR,
        topics.DELIVERIES: 30 * DAY, topics.MEMBERS_CHANGED: 24 * HOUR}
    assert all("retention.ms" in c for c in wanted.values())
    monkeypatch.setenv("BINRELAY_RETENTION_DELIVERIES_DAYS", "3")
    assert topics.all_topics([TEST_ZONE])[topics.DELIVERIES]["retention.ms"] == str(3 * DAY)


def test_every_store_is_documented_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    section = readme[readme.index("## Retention"):]
    missing = [s.store for s in stores() if s.store.split(" (")[0] not in section]
    assert not missing, f"README's Retention section lacks {missing}"


async def test_the_broker_keeps_each_topic_as_long_as_the_table_says(settings: Settings) -> None:
    from confluent_kafka.admin import AdminClient, ConfigResource

    from binrelay_shared.zones import admin_config

    admin = AdminClient(admin_config(settings).librdkafka())
    retention = Retention()
    for topic in (topics.REPORTS_RECEIVED, topics.DELIVERIES, topics.MEMBERS_CHANGED, topics.outbox("email")):
        [future] = admin.describe_configs([ConfigResource(ConfigResource.Type.TOPIC, topic)]).values()
        assert int(future.result(timeout=30)["retention.ms"].value) == retention.topic_ms(topic), topic


async def test_registry_history_older_than_its_retention_goes(registry: Registry) -> None:
    await registry.add(rec("h-1"), by="t")
    assert await registry.purge_history(utcnow() - timedelta(days=1)) == 0
    assert await registry.purge_history(utcnow() + timedelta(seconds=1)) == 1  # as if a day had passed
    assert await registry.history("h-1") == []
    assert (await registry.get("h-1")).phone  # the member stays: only the history expires
