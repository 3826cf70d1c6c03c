"""A stage's consume→produce in one Kafka transaction: its outputs and its input offsets, or neither.

Each consuming subscription of a stage (ordinary lane, urgent lane) and a stage's own emitter (the
dispatcher's scheduler) has a :class:`Transactor`: an aiokafka transactional producer (idempotent,
``acks=all``) with a **transactional id that is stable per instance across restarts**
(:func:`transactional_id`): ``binrelay.<principal>.<stage>.<lane>.<instance>``, the instance from
``BINRELAY_INSTANCE`` (:attr:`~binrelay_shared.settings.Settings.instance`). A process restarted
after kill -9 asks for a producer id with the same transactional id: the broker bumps the epoch,
which fences the dead process and aborts its open transaction at once, so readers with
``isolation_level=read_committed`` (every reader of the pipeline's topics) wait at the last stable
offset for the restart, not for ``transaction_timeout_ms``. An instance that never comes back
blocks them for at most :data:`TRANSACTION_TIMEOUT_MS` (plus the broker's abort check interval).

Per batch: :meth:`Transactor.begin` with the offsets after the batch's records and the consumer
group (they go to the transaction, with the partitions the last one wrote, while the batch is
worked on), outputs sent with :meth:`Transactor.send`, then :meth:`Transactor.commit` with the
offsets after the batch's last records (sent again only if the batch took in more meanwhile).
Anything failing before the commit → :meth:`Transactor.abort`: no output of the attempt is ever
visible to a read_committed reader, and the offsets stay where they were.

aiokafka (0.14) has no KIP-447 (the consumer group's generation is not sent with the offsets), so
the broker does not fence a producer whose consumer lost its partitions in a rebalance. Two
things keep an old owner from committing offsets of partitions it lost: the stage's rebalance
listener waits, before giving partitions up, for the batch in flight to end (commit or abort),
and :meth:`Transactor.commit` refuses (aborts) a commit for a partition the consumer no longer
holds (a member thrown out of the group for missing its heartbeats).

aiokafka cannot go on with a producer whose batch the broker refused for good (every later batch to
the partition fails with OutOfOrderSequenceNumber), nor after a fatal error (fenced, refused
authorisation): after any abort the Transactor starts a fresh producer with the same id (a new
epoch, sequence numbers from 0). Aborts are rare (poison, broker failures), so this costs nothing
on the way of a report.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Callable, Sequence
from typing import Any

from aiokafka import AIOKafkaProducer, ConsumerRebalanceListener, ConsumerRecord, TopicPartition
from aiokafka.structs import RecordMetadata

from .logging import get_logger
from .publisher import JSON_HEADERS

log = get_logger(__name__)

#: How long a transaction may stay open before the broker aborts it. A stage's batch takes
#: milliseconds to a second, but could take ~10 s on a starved machine (a handler call takes up to
#: 1,000 records; `make bench` on our loaded shared 2 cores ran at 70-150 reports/s), and a batch
#: longer than the timeout would be aborted and redone for ever: the timeout leaves room. It bounds
#: how long an instance that died and is not restarted holds read_committed readers at the last
#: stable offset (a restarted one aborts its transaction at once).
TRANSACTION_TIMEOUT_MS = 30_000

#: What a transactional id is made of: the ACL table grants each principal ``binrelay.<principal>.``.
ID_PREFIX = "binrelay."
_PART = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def id_prefix(principal: str) -> str:
    """The transactional ids principal ``principal`` may use start with this (``acl.TABLE``)."""
    return f"{ID_PREFIX}{principal}."


def transactional_id(principal: str, stage: str, lane: str, instance: str) -> str:
    """``binrelay.<principal>.<stage>.<lane>.<instance>``: stable across restarts of one instance.

    Two running processes must never share one (the second fences the first): each instance of a
    stage gets its own ``BINRELAY_INSTANCE``; its lanes (``ordinary``, ``urgent``, ``emit``) differ.
    """
    for what, part in (("principal", principal), ("stage", stage), ("lane", lane), ("instance", instance)):
        if not _PART.match(part):
            raise ValueError(f"transactional id {what} {part!r}: use letters, digits, - or _")
    return f"{id_prefix(principal)}{stage}.{lane}.{instance}"


class WaitForBatch(ConsumerRebalanceListener):
    """Gives partitions up only once the batch in flight has ended (its transaction committed or
    aborted), so the new owner starts from offsets the old one will not move any more."""

    def __init__(self, transactor: Transactor) -> None:
        self.transactor = transactor

    async def on_partitions_revoked(self, revoked: Any) -> None:
        async with self.transactor.busy:
            pass

    async def on_partitions_assigned(self, assigned: Any) -> None:
        pass


class CommitUnknown(Exception):
    """The commit of a transaction failed: it may have been committed or aborted (see
    :meth:`Transactor.resolve`)."""


class PartitionsLost(Exception):
    """The consumer no longer holds a partition whose offsets the transaction would commit."""


def offsets_after(records: Sequence[ConsumerRecord[bytes, bytes]]) -> dict[TopicPartition, int]:
    """Per partition, the offset after the last of ``records`` (what the group commits)."""
    after: dict[TopicPartition, int] = {}
    for rec in records:
        tp = TopicPartition(rec.topic, rec.partition)
        if rec.offset + 1 > after.get(tp, -1):
            after[tp] = rec.offset + 1
    return after


class Transactor:
    """One transactional producer, restarted after an abort or a fatal error (see the module).

    ``make`` builds the producer (:func:`binrelay_shared.kafka.make_transactional_producer`). One
    transaction at a time: a subscription's handler calls are sequential.
    """

    def __init__(self, make: Callable[[], AIOKafkaProducer], transactional_id: str) -> None:
        self.make = make
        self.transactional_id = transactional_id
        self.producer: AIOKafkaProducer | None = None
        self.restarts = 0
        self.open = False  # a transaction begun and not yet committed or aborted
        #: The partitions the last transaction that wrote anything wrote to: added to the next one
        #: as it begins (see :meth:`begin`).
        self.written: set[TopicPartition] = set()
        #: The offsets sent to the open transaction as it began, and the step sending them.
        self._early: tuple[dict[TopicPartition, int], asyncio.Future[None]] | None = None
        #: Held from :meth:`begin` to the end of the transaction: a rebalance listener waits on it.
        self.busy = asyncio.Lock()

    async def start(self) -> None:
        """Start the producer: InitProducerId fences an older process with this id and ends its
        open transaction."""
        if self.producer is None:
            producer = self.make()
            await producer.start()
            self.producer = producer

    async def stop(self) -> None:
        producer, self.producer = self.producer, None
        if producer is not None:
            with contextlib.suppress(Exception):
                await producer.stop()

    async def restart(self) -> None:
        """A fresh producer with the same id (new epoch; any open transaction of ours is ended)."""
        self.restarts += 1
        await self.stop()
        await self.start()

    async def begin(self, offsets: dict[TopicPartition, int] | None = None, group: str | None = None) -> None:
        """Begin a transaction, and start what its commit would otherwise wait for: the partitions
        the last one wrote are added to it (AddPartitionsToTxn) and, with ``group``, ``offsets``
        (AddOffsetsToTxn, TxnOffsetCommit), while the batch is worked on.

        Each is a round trip to a coordinator, and aiokafka makes them one after the other: at the
        first send (a produce waits for its partition to be added), then at the commit. Begun
        here they overlap the batch's work, and the commit is left with the outputs'
        acknowledgements and EndTxn. A stage's outputs go to the same partitions batch after batch
        (an urgent lane's twin has one); a partition added and not written to costs a marker, a
        partition written to and not predicted is added at its first send as before.
        """
        await self.busy.acquire()
        try:
            await self.start()
            assert self.producer is not None
            await self.producer.begin_transaction()
            self.open = True
            manager = getattr(self.producer, "_txn_manager", None)  # aiokafka has no public call for it
            if manager is not None:
                for tp in self.written:
                    manager.maybe_add_partition_to_txn(tp)
            if group is not None and offsets:
                self._early = (dict(offsets), asyncio.ensure_future(
                    self.producer.send_offsets_to_transaction(offsets, group)))
        except BaseException:
            self.busy.release()
            raise

    async def send(self, topic: str, value: bytes, key: bytes | None) -> Any:
        """Send within the open transaction; returns the acknowledgement's future."""
        assert self.producer is not None, "begin() first"
        return await self.producer.send(topic, value, key=key, headers=JSON_HEADERS)

    async def commit(self, offsets: dict[TopicPartition, int], group: str | None, consumer: Any = None,
                     pending: Sequence[Any] = ()) -> None:
        """Commit the outputs sent and, with ``group``, ``offsets`` as that group's position.

        ``pending``: the outputs' acknowledgements, awaited here while the offsets are added (the
        two overlap); one that failed aborts the transaction and is raised — aiokafka would
        otherwise commit the transaction without the refused record. With ``consumer``, a
        partition it no longer holds makes this abort (:class:`PartitionsLost`). Raises
        :class:`CommitUnknown` if the commit itself failed (the transaction may be committed or
        not: :meth:`resolve`).
        """
        assert self.producer is not None, "begin() first"
        early, self._early = self._early, None
        try:
            steps = [asyncio.ensure_future(p) for p in pending]
            if early is not None:
                steps.append(early[1])
            if group is not None and offsets:
                if consumer is not None:
                    held = consumer.assignment()
                    lost = [tp for tp in offsets if tp not in held]
                    if lost:
                        raise PartitionsLost(f"{len(lost)} partition(s) revoked during the batch")
                if early is None or early[0] != offsets:
                    # The batch took in more records than it began with: their offsets too (the
                    # last offsets sent in a transaction are the ones it commits).
                    steps.append(asyncio.ensure_future(self.producer.send_offsets_to_transaction(offsets, group)))
            results = await asyncio.gather(*steps, return_exceptions=True)
            failed = [r for r in results if isinstance(r, BaseException)]
            if failed:
                raise failed[0]  # the first output's failure first: a refusal is bisected (stage.REFUSED)
            written = {TopicPartition(r.topic, r.partition) for r in results[:len(pending)]
                       if isinstance(r, RecordMetadata)}
            if written:
                self.written = written
        except BaseException:
            await self.abort()
            raise
        try:
            await self.producer.commit_transaction()
        except BaseException as exc:
            raise CommitUnknown(type(exc).__name__) from exc
        finally:
            self.open = False
            self.busy.release()

    async def abort(self) -> None:
        """Abort the open transaction (if any); then start a fresh producer (see the module)."""
        early, self._early = self._early, None
        if early is not None:
            early[1].cancel()
        if not self.open:
            return
        self.open = False
        try:
            if self.producer is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(self.producer.abort_transaction(), TRANSACTION_TIMEOUT_MS / 1000)
            # Even after a clean abort: a batch the broker refused leaves aiokafka's sequence
            # numbers for its partition unusable (OutOfOrderSequenceNumber for every later one).
            await self.restart()
        finally:
            if self.busy.locked():
                self.busy.release()

    async def resolve(self, consumer: Any, offsets: dict[TopicPartition, int], group: str) -> bool:
        """After :class:`CommitUnknown`: whether the transaction was committed.

        A fresh producer with the same id makes the broker finish the old transaction (commit it
        if its commit was under way, else abort it) before it answers; the group's committed
        offsets then say which it was."""
        await self.restart()
        tp, offset = next(iter(offsets.items()))
        committed = await consumer.committed(tp)
        return committed is not None and committed >= offset
