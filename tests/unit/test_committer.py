"""The offset committer: only published batches, explicit offsets, off the processing path."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from aiokafka import ConsumerRecord, TopicPartition

from binrelay_shared.consumer import OffsetCommitter


class FakeConsumer:
    """Records the offsets it is asked to commit (stands in for aiokafka's consumer API)."""

    def __init__(self, fail: bool = False) -> None:
        self.commits: list[dict[TopicPartition, int]] = []
        self.fail = fail

    async def commit(self, offsets: dict[TopicPartition, int]) -> None:
        if self.fail:
            raise RuntimeError("rebalance")
        self.commits.append(dict(offsets))


def rec(partition: int, offset: int) -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord("t", partition, offset, 0, 0, None, b"{}", None, 0, 2, [])


async def test_marked_offsets_are_committed_in_one_call_after_the_interval() -> None:
    """Given two published batches, when the interval passes, then one commit covers both,
    naming for each partition the offset after its last published record."""
    consumer = FakeConsumer()
    committer = OffsetCommitter(interval=0.05)
    committer.mark(consumer, [rec(0, 5), rec(0, 6), rec(1, 2)])
    committer.mark(consumer, [rec(0, 7)])
    assert consumer.commits == []  # nothing in the processing path
    deadline = time.monotonic() + 30  # a bound for a hang, not a timing assertion
    while not consumer.commits:
        assert time.monotonic() < deadline, "nothing committed"
        await asyncio.sleep(0.01)
    await committer.close()  # nothing left to commit: no second call
    assert consumer.commits == [{TopicPartition("t", 0): 8, TopicPartition("t", 1): 3}]


async def test_close_commits_what_is_left_and_a_failed_commit_is_not_fatal() -> None:
    """Closing commits at once; a commit that fails (partition taken by a rebalance) is dropped,
    and the work is redone by the partition's new owner rather than crashing the stage."""
    consumer = FakeConsumer()
    committer = OffsetCommitter(interval=60)
    committer.mark(consumer, [rec(2, 9)])
    await committer.close()
    assert consumer.commits == [{TopicPartition("t", 2): 10}]

    failing: Any = FakeConsumer(fail=True)
    other = OffsetCommitter(interval=60)
    other.mark(failing, [rec(0, 1)])
    await other.close()
    assert other.pending == {}
