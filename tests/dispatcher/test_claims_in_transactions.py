"""The dispatcher's Redis claims and its Kafka transaction (issue 16), on the real broker and Redis.

A batch claims its reports and jobs in Redis (provisional: the process's token) and publishes its
outputs in a transaction with its input offsets. The claims must follow the transaction:

* aborted (here: the commit refused after the claims were written and the outputs sent) → the
  claims are released *after* the abort, and the redo claims and dispatches the report: once on
  the zone's topic read read_committed, the aborted attempt's record being skipped;
* committed → the claims are confirmed ``done`` *after* the commit (at commit time they are still
  provisional, so a crash in between leaves them to be taken over, never a ``done`` claim whose
  outputs were not committed).
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from prometheus_client import CollectorRegistry
from redis.asyncio import Redis

from binrelay_dispatcher import state
from binrelay_dispatcher.dispatcher import Dispatcher
from binrelay_shared import topics
from binrelay_shared.codec import encode
from binrelay_shared.kafka import transactors
from binrelay_shared.metrics import StageMetrics
from binrelay_shared.stage import Stage, Txn
from binrelay_shared.transactions import Transactor
from tests.kafka_helpers import TopicReader, admin_kafka
from tests.redis_helpers import admin_redis

from .helpers import cleared, seed_networks
from .test_dispatcher import NIGHT, Clock

pytestmark = pytest.mark.integration


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = admin_redis(redis_url.rsplit("/", 1)[0] + "/3")  # its own database
    await client.flushdb()
    yield client
    await client.aclose()


class RefusingOnce(Transactor):
    """A transactor whose first commit is refused after the batch's work (as a lost partition
    refuses it), and which records the report's claim as it stood at each commit."""

    def __init__(self, inner: Transactor, redis: Redis, key: str) -> None:
        super().__init__(inner.make, inner.transactional_id)
        self.redis, self.key = redis, key
        self.refuse = 1
        self.claims_at_commit: list[bytes | None] = []

    async def commit(self, offsets: dict[TopicPartition, int], group: str | None, consumer: Any = None,
                     pending: Sequence[Any] = ()) -> None:
        self.claims_at_commit.append(await self.redis.get(self.key))
        if self.refuse:
            self.refuse -= 1
            await self.abort()
            raise RuntimeError("commit refused")
        await super().commit(offsets, group, consumer, pending)


async def test_claims_are_released_after_an_abort_and_confirmed_after_the_commit(
    kafka_bootstrap: str, redis: Redis
) -> None:
    """Given the dispatcher's stage in a transaction and a police alarm record,
    when the batch's claims are written and its outputs sent but the transaction is aborted,
    then the claims are released (nothing 'already dispatched'), and the redo dispatches the alarm:
    once on the zone's topic (read_committed; the aborted attempt's record is on the log but
    skipped), its claims provisional at the commit and ``done`` after it."""
    run = uuid.uuid4().hex[:8]
    alarm = cleared("zavel", NIGHT, origin="police", kind="alarm", urgency="urgent")
    seen = state.seen_key(alarm.report_id)
    dispatcher = Dispatcher(seed_networks(), redis, Clock(NIGHT))
    stage = Stage(name=f"claims-{run}", input_topic=topics.REPORTS_CLEARED, model=type(alarm),
                  process=dispatcher.process_reports, metrics=StageMetrics(CollectorRegistry(), f"claims-{run}"),
                  compensation=dispatcher.claims)
    transactor = RefusingOnce(transactors(admin_kafka(kafka_bootstrap), f"claims-{run}", "0")(stage.name, "ordinary"),
                              redis, seen)
    txn = Txn(transactor, group=f"binrelay-claims-{run}")
    record = ConsumerRecord(topics.REPORTS_CLEARED, 0, 0, 0, 0, b"zavel", encode(alarm), None, 5, 100, ())
    zone = await TopicReader(kafka_bootstrap, topics.dispatch(alarm.zone_id)).start()
    everything = TopicReader(kafka_bootstrap, topics.dispatch(alarm.zone_id))
    everything.consumer = AIOKafkaConsumer(**admin_kafka(kafka_bootstrap).aiokafka(), enable_auto_commit=False)
    await everything.start()
    try:
        with pytest.raises(RuntimeError, match="commit refused"):
            await stage.handle_records([record], txn=txn)
        assert transactor.claims_at_commit[0] == dispatcher.claims.token.encode(), "claimed before the commit"
        assert await redis.get(seen) is None, "the aborted batch's claim was left: the redo would skip the report"
        await stage.handle_records([record], txn=txn)
        assert transactor.claims_at_commit[1] == dispatcher.claims.token.encode(), "confirmed before the commit"
        assert await redis.get(seen) == b"done"
        await zone.wait_for(lambda m: m.get("report_id") == alarm.report_id)
        # Both attempts' records are on the log; a read_committed reader sees the committed one only.
        await everything.wait_for(lambda m: m.get("report_id") == alarm.report_id, count=2)
        await zone.read_to_end()  # both attempts are on the log: the end is behind them
    finally:
        await zone.stop()
        await everything.stop()
        await transactor.stop()
    assert Counter(m["report_id"] for m in zone.seen if m.get("report_id") == alarm.report_id) == {alarm.report_id: 1}
