"""What a stage's transaction waits for once its work is done (issue #18), on the real broker.

A transaction needs AddPartitionsToTxn before its first record, AddOffsetsToTxn and
TxnOffsetCommit for its input offsets, and EndTxn; aiokafka makes them one after the other. Sent
as the transaction begins (the offsets of the batch, the partitions the last transaction wrote),
the first three run while the batch is worked on, and the commit of an urgent report's hop waits
for its outputs' acknowledgement and EndTxn only. The offsets committed are still the batch's last
(records pulled during the work included), and an abort still commits nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.client import AIOKafkaClient

from binrelay_shared import topics
from binrelay_shared.kafka import transactors
from binrelay_shared.transactions import Transactor
from tests.kafka_helpers import admin_kafka

pytestmark = pytest.mark.integration

SOURCE = topics.REPORTS_RECEIVED
OUT = topics.URGENT_LANE[topics.REPORTS_CLASSIFIED]


@contextmanager
def requests_sent(transactor: Transactor) -> Iterator[list[str]]:
    """The names of the requests the transactor's producer sends inside the block."""
    assert transactor.producer is not None
    client: AIOKafkaClient = transactor.producer.client
    sent: list[str] = []
    original = client.send

    async def send(node_id: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(type(request).__name__)
        return await original(node_id, request, *args, **kwargs)

    client.send = send  # type: ignore[method-assign]
    try:
        yield sent
    finally:
        client.send = original  # type: ignore[method-assign]


async def committed(kafka_bootstrap: str, group: str, tp: TopicPartition) -> int | None:
    consumer = AIOKafkaConsumer(**admin_kafka(kafka_bootstrap).aiokafka(), group_id=group,
                                enable_auto_commit=False)
    await consumer.start()
    try:
        return await consumer.committed(tp)
    finally:
        await consumer.stop()


async def test_the_commit_waits_for_end_txn_only_and_commits_the_last_offsets(kafka_bootstrap: str) -> None:
    """Given an urgent lane's transactor that has committed one transaction (its output partition
    known), when the next one begins with its batch's offsets and the work is done, then its
    commit sends EndTxn and no AddPartitionsToTxn, AddOffsetsToTxn or TxnOffsetCommit; and when a
    batch took in more records during its work, the offsets after the last of them are committed."""
    run = uuid.uuid4().hex[:8]
    group = f"binrelay-rtt-{run}"
    tp = TopicPartition(SOURCE, 0)
    transactor = transactors(admin_kafka(kafka_bootstrap), f"rtt-{run}", "0")(f"rtt-{run}", "urgent")
    try:
        await transactor.begin({tp: 1}, group)
        sent = await transactor.send(OUT, b'{"n": 1}', None)
        await transactor.commit({tp: 1}, group, None, [sent])
        assert transactor.written == {TopicPartition(OUT, 0)}

        await transactor.begin({tp: 2}, group)
        assert transactor._early is not None
        await transactor._early[1]  # the work takes longer than the coordinator's answers
        sent = await transactor.send(OUT, b'{"n": 2}', None)
        with requests_sent(transactor) as during_commit:
            await transactor.commit({tp: 2}, group, None, [sent])
        assert "EndTxnRequest" in during_commit
        assert not {"AddPartitionsToTxnRequest", "AddOffsetsToTxnRequest", "TxnOffsetCommitRequest"} \
            & set(during_commit), f"the commit still waited for {during_commit}"
        assert await committed(kafka_bootstrap, group, tp) == 2

        # Records pulled during the work: the commit sends the offsets after them too.
        await transactor.begin({tp: 3}, group)
        sent = await transactor.send(OUT, b'{"n": 3}', None)
        await transactor.commit({tp: 5}, group, None, [sent])
        assert await committed(kafka_bootstrap, group, tp) == 5

        # Aborted after its offsets went to the transaction: they are not committed.
        await transactor.begin({tp: 9}, group)
        assert transactor._early is not None
        await transactor._early[1]
        await transactor.abort()
        assert await committed(kafka_bootstrap, group, tp) == 5
    finally:
        await transactor.stop()
