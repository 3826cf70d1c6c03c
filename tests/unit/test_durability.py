"""The producers' and topics' durability settings (the real-broker proof: integration/test_cluster.py)."""

from __future__ import annotations

from binrelay_shared.kafka import DURABLE, replication_for


def test_every_producer_is_idempotent_and_waits_for_every_in_sync_replica() -> None:
    assert DURABLE == {"acks": "all", "enable_idempotence": True}


def test_topics_are_replicated_three_times_with_two_in_sync_on_a_cluster_and_once_on_one_node() -> None:
    assert replication_for(1) == (1, 1)
    assert replication_for(2) == (2, 1)
    assert replication_for(3) == (3, 2)
    assert replication_for(5) == (3, 2)


def test_the_stages_write_with_acks_all_but_without_idempotence_until_transactions() -> None:
    """The stages' producers wait for every in-sync replica (nothing acknowledged is lost on a
    failover) but are not idempotent: aiokafka's idempotent producer blocks a partition after one
    refused batch (OutOfOrderSequenceNumber), which would undo the poison bisection."""
    from binrelay_shared.kafka import STAGE_PRODUCER

    assert STAGE_PRODUCER == {"acks": "all", "enable_idempotence": False}
