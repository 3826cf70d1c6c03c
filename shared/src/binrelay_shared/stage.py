"""A pipeline stage: consume a batch, decode, call a pure function, publish, then commit.

This is the thin shell every consuming service shares (DESIGN §6-7):

* **batches** — one ``getmany`` worth of records at a time; ``getmany`` returns as soon as
  anything is there, so an urgent report never waits for a batch to fill;
* **urgent first, ordinary in chunks** — urgent reports of a batch are processed and published
  (and acknowledged) before the rest; the rest is processed ``chunk_records`` at a time, and
  between chunks the stage yields to the event loop and takes what the consumer has fetched
  meanwhile (``getmany(timeout_ms=0)``), so an urgent report that arrives while a large batch is
  being worked on waits for one chunk, not for the batch;
* **total** — a record that fails to decode or validate, or whose processing raises, goes to
  ``bin.dlq.v1`` with the reason and the batch goes on (a batch handler that raises would be
  redelivered forever) — unless the processing failed because a server it needs is unreachable
  (:data:`UNREACHABLE`): then the batch is retried like a failed publish;
* **poison never blocks** — a record larger than ``topics.MAX_INPUT_BYTES`` is dead-lettered
  (``too_large``, the letter carrying its head and a reference) before it is decoded; one of a
  schema version this code does not know is refused (``unknown_schema_version``); a record whose
  outputs would not fit in a topic (``topics.MAX_MESSAGE_BYTES``) is dead-lettered
  (``output_too_large``) instead of failing the publish of its batch. When ``process`` raises for
  a group of records, the group is bisected down to the records that fail on their own (each
  dead-lettered, the others published once). If the broker still refuses a record for good
  (:data:`REFUSED`), the batch is bisected the same way down to that record, never retried whole;
* **publish, then commit** — outputs are sent without awaiting each acknowledgement and awaited
  once per batch; only when all are acknowledged are the batch's offsets marked for commit.
  The :class:`~.consumer.OffsetCommitter` commits marked offsets (explicit offsets, never the consumer's
  position) at most every ``commit_interval_ms`` from a background task, so a commit round trip
  (~7 ms on our broker) never sits in front of the next urgent report. If publishing fails every
  partition the batch touched is rewound to its first record and the batch retried, so a report
  is never lost (at-least-once: at most one interval of work is redone after a crash, and the
  dispatcher dedups by report id);
* **in a transaction** (deployed: :func:`binrelay_shared.runtime.wire_stages`) — with a
  ``transactions`` factory, each handler call is one Kafka transaction: its outputs (and dead
  letters) and its input offsets (``send_offsets_to_transaction``) are committed together, or the
  transaction is aborted and the batch rewound. Every subscription reads ``read_committed``, so an
  aborted attempt's outputs are never seen downstream: exactly once from input to output, across
  crashes, retries and bisection (see :mod:`.transactions`). Without it (tests, tools), the
  at-least-once shell below;
* **trace** — the topics each report reached are stamped when the broker acknowledged them, and
  written to Redis by a :class:`~.trace.TraceWriter` (in services: in the background, one round
  trip per ``trace_flush_ms``);
* **compensation** — a stage whose work changes state elsewhere before its outputs are published
  (the dispatcher's Redis claims) is given a :class:`Compensation`: undone when the batch is
  rewound (in a transaction: after the abort), confirmed once Kafka has every output (in a
  transaction: after the commit). :meth:`Stage.emit` publishes outputs made outside
  a consumed batch (a scheduler's tick) the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from aiokafka import AIOKafkaConsumer, ConsumerRecord
from aiokafka.errors import (
    CorruptRecordException,
    IllegalStateError,
    InvalidMessageError,
    MessageSizeTooLargeError,
    RecordListTooLargeError,
    RecordTooLargeError,
)
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.subscriber.usecase import BatchSubscriber
from pydantic import BaseModel
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from . import topics, trace
from .codec import decode, encode
from .consumer import OffsetCommitter, PromptBatchSubscriber, Pull, fetched_by, rewind
from .deadletter import PublishRefused, TooLarge, dead_letter
from .events import DeadLetter, Envelope, is_urgent, utcnow
from .logging import bind_report, get_logger
from .metrics import StageMetrics
from .publisher import Publisher, broker_publisher, key_of
from .transactions import CommitUnknown, Transactor, WaitForBatch, offsets_after

log = get_logger(__name__)

E = TypeVar("E", bound=BaseModel)

#: A stage's transactional producer for one of its lanes: ``(stage name, lane) -> Transactor``,
#: lane ``ordinary``, ``urgent`` or ``emit`` (see :func:`binrelay_shared.runtime.wire_stages`).
Transactions = Callable[[str, str], Transactor]

#: The transaction this task's batch publishes in (the lanes' handlers run as tasks of their own).
_OPEN: ContextVar[Transactor | None] = ContextVar("binrelay-stage-transaction", default=None)


@dataclass(frozen=True, slots=True)
class Txn:
    """A handler call's transaction: its producer, and the consumer group and consumer whose
    offsets it commits (none for :meth:`Stage.emit`)."""

    transactor: Transactor
    group: str | None = None
    consumer: Any = None


@dataclass(frozen=True, slots=True)
class Out:
    """One message a stage wants published."""

    topic: str
    event: BaseModel
    key: str | None = None
    value: bytes | None = None
    """The event encoded (set by the stage once it has checked the size; None: encode when sent)."""


class Compensation(Protocol):
    """What a stage's work did elsewhere (claims, states in Redis), undone or confirmed with the batch.

    Per batch (one ``handle_records`` call, or one :meth:`Stage.emit`), in the task that runs it:

    * ``begin_batch()`` before the work: nothing done yet;
    * ``undo_batch()`` if the work or the publishing of its outputs failed: the batch is rewound
      and retried, so what it did must not be mistaken for done (its errors are suppressed: the
      stage raises the batch's own). In a transaction: after the abort, so none of the batch's
      outputs is visible when its claims are released;
    * ``batch_published()`` once Kafka has acknowledged every output (in a transaction: once the
      transaction is committed, never before): what the batch did is due to be confirmed;
    * ``confirm_published()`` confirms it: run by the stage's trace writer after each write (a
      rider, so within the writer's interval), or at once by a stage without one. Never raises.
    """

    def begin_batch(self) -> None: ...

    async def undo_batch(self) -> None: ...

    def batch_published(self) -> None: ...

    async def confirm_published(self) -> None: ...


class Stage(Generic[E]):
    """A consuming stage: ``name`` reads ``input_topic`` as ``model`` and runs ``process``.

    With a ``compensation``, each batch is wrapped in it (see :class:`Compensation`).
    """

    def __init__(
        self,
        *,
        name: str,
        input_topic: str,
        model: type[E],
        process: Callable[[list[E]], Awaitable[list[list[Out]]]],
        metrics: StageMetrics,
        redis: Redis | None = None,
        trace_ttl_seconds: int = 7 * 24 * 3600,
        trace_flush_ms: int = 0,
        compensation: Compensation | None = None,
    ) -> None:
        self.name = name
        self.input_topic = input_topic
        self.model = model
        self.process = process
        self.metrics = metrics
        self.redis = redis
        self.trace_ttl_seconds = trace_ttl_seconds
        self.trace = None if redis is None else trace.TraceWriter(redis, trace_ttl_seconds, trace_flush_ms / 1000)
        self.publish: Publisher | None = None
        self.chunk_records = 32
        self.committers: list[OffsetCommitter] = []
        self.transactors: list[Transactor] = []
        self.emitter: Transactor | None = None
        self.compensation = compensation
        self.max_input_bytes = topics.MAX_INPUT_BYTES
        self.max_output_bytes = topics.MAX_MESSAGE_BYTES - _RECORD_OVERHEAD
        if compensation is not None and self.trace is not None:
            self.trace.riders.append(compensation.confirm_published)

    # -- wiring -------------------------------------------------------------------------------

    def attach(
        self,
        broker: KafkaBroker,
        *,
        max_records: int = 500,
        batch_timeout_ms: int = 100,
        publisher: Publisher | None = None,
        commit_interval_ms: int = 100,
        chunk_records: int = 32,
        fetch_max_wait_ms: int = 500,
        fetch_min_bytes: int = 1,
        lanes: str = "both",
        transactions: Transactions | None = None,
    ) -> None:
        """Subscribe this stage to its input topic, and to its urgent twin if it has one.

        The input topic is read by consumer group ``binrelay-<name>``, fetched in batches (a fetch
        waits up to ``fetch_max_wait_ms`` for ``fetch_min_bytes``); the urgent twin
        (:data:`topics.URGENT_LANE`) by ``binrelay-<name>-urgent``, which fetches every record at
        once. Both run in this process: the ordinary handler yields between chunks of
        ``chunk_records`` so the urgent one runs within a chunk's time. Outputs go through
        ``publisher`` (default: the broker's own publish). A handler call takes a batch of at
        most ``max_records`` records and up to as many again fetched while it works (then it
        returns, so its offsets get committed). ``lanes`` ("both", "ordinary" or "urgent") says
        which of the two subscriptions this process makes: deployed, each lane runs in a process
        of its own (see ``runtime.yield_to_urgent_lane``).

        With ``transactions``, each lane's handler calls run in transactions of that lane's
        producer, which the caller starts and stops (:attr:`transactors`, :attr:`emitter`); the
        ``publisher`` and ``commit_interval_ms`` are then unused. The ordinary lane then takes
        ``chunk_records`` per call (one transaction per chunk, nothing pulled): its transaction
        may hold partitions the urgent lane writes too (the zone's dispatch topic; an urgent
        twin, for a report the classifier finds urgent), and a read_committed reader reads
        nothing past an open transaction, so an urgent record waits for the ordinary lane's
        transaction on its partition to end — a chunk's time, not a batch's.
        """
        self.publish = publisher or broker_publisher(broker)
        self.chunk_records = chunk_records
        if transactions is not None:
            self.emitter = transactions(self.name, "emit")
        if lanes != "urgent":
            ordinary_records = max_records if transactions is None else min(max_records, chunk_records)
            self._subscribe(broker, self.input_topic, f"binrelay-{self.name}", ordinary_records, batch_timeout_ms,
                            commit_interval_ms, fetch_max_wait_ms=fetch_max_wait_ms, fetch_min_bytes=fetch_min_bytes,
                            transactor=transactions(self.name, "ordinary") if transactions else None)
        twin = topics.URGENT_LANE.get(self.input_topic)
        if twin is not None and lanes != "ordinary":
            # Records only (min bytes 1); the long poll may be long: with one partition, the fetch
            # in flight is always the one the next urgent record answers.
            self._subscribe(broker, twin, f"binrelay-{self.name}-urgent", max_records, batch_timeout_ms,
                            commit_interval_ms, fetch_max_wait_ms=500, fetch_min_bytes=1,
                            transactor=transactions(self.name, "urgent") if transactions else None)

    def _subscribe(
        self,
        broker: KafkaBroker,
        topic: str,
        group: str,
        max_records: int,
        batch_timeout_ms: int,
        commit_interval_ms: int,
        *,
        fetch_max_wait_ms: int,
        fetch_min_bytes: int,
        transactor: Transactor | None = None,
    ) -> None:
        committer = OffsetCommitter(commit_interval_ms / 1000)
        if transactor is None:
            self.committers.append(committer)
        else:
            self.transactors.append(transactor)

        async def _decoder(msg: Any) -> Any:
            # The stage decodes each record itself, so a bad one cannot fail the whole batch; the
            # handler gets faststream's message as its body. (Asking for it as a ``KafkaMessage``
            # parameter resolves a context dependency in a worker thread, on every batch.)
            return msg

        subscriber = broker.subscriber(
            topic,
            group_id=group,
            batch=True,
            max_records=max_records,
            batch_timeout_ms=batch_timeout_ms,
            # aiokafka keeps one fetch in flight per broker: while it long-polls partitions with
            # nothing new, a record for a partition left out of it waits for the poll to end.
            fetch_max_wait_ms=fetch_max_wait_ms,
            fetch_min_bytes=fetch_min_bytes,
            ack_policy=AckPolicy.MANUAL,  # committed by the committer, after publishing
            auto_offset_reset="earliest",
            # Records of aborted transactions (an attempt that failed, a process killed mid-batch)
            # are skipped; the consumer waits at the last stable offset for open ones.
            isolation_level="read_committed",
            # In a transaction: partitions are given up only once the batch in flight has ended.
            listener=WaitForBatch(transactor) if transactor is not None else None,
            # Static membership (KIP-345), named as the lane's transactional id: a process
            # restarted after kill -9 takes its predecessor's place and partitions at once, instead
            # of the group waiting a session timeout (10 s) for the dead member before it rebalances.
            group_instance_id=transactor.transactional_id if transactor is not None else None,
            decoder=_decoder,
            title=f"{self.name}:{topic}",
        )
        if type(subscriber) is BatchSubscriber:
            subscriber.__class__ = PromptBatchSubscriber

        @subscriber
        async def handle(msg: Any) -> None:
            records: list[ConsumerRecord[bytes, bytes]] = list(msg.raw_message)
            txn = None if transactor is None else Txn(transactor, group, msg.consumer)
            # In a transaction, the ordinary lane's call is one chunk (see ``attach``).
            limit = 2 * max_records if transactor is None or topic != self.input_topic else max_records
            try:
                try:
                    await self.handle_records(records, pull=fetched_by(msg.consumer), limit=limit, txn=txn)
                except REFUSED as exc:
                    # The broker refuses a record for good: retrying the batch whole would refuse
                    # it again, forever, re-publishing the others each time. Find it by halves (in
                    # a transaction: the refused attempt was aborted, none of its outputs is seen).
                    log.warning("broker refused a record; bisecting the batch", stage=self.name,
                                error=type(exc).__name__, records=len(records))
                    await self.bisect_records(records, txn)
            except Exception as exc:
                # Publishing failed (broker down?) or a part the work needs is unreachable (Redis
                # down?): rewind every partition this call read to its first record and retry
                # after a pause, so nothing is skipped and a dead server is not hammered.
                log.error("batch not finished; retrying", stage=self.name, error=type(exc).__name__)
                await asyncio.sleep(1.0)
                if isinstance(msg.consumer, AIOKafkaConsumer):
                    rewind(msg.consumer, records)  # pulled records' partitions included
                # faststream's nack seeks too; a partition a rebalance took (PartitionsLost) is
                # not ours to seek any more (IllegalStateError): its new owner reads it from the
                # offsets committed before this batch.
                with contextlib.suppress(IllegalStateError):
                    await msg.nack()
                return
            if transactor is None:
                committer.mark(msg.consumer, records)

    # -- the work -----------------------------------------------------------------------------

    async def bisect_records(self, records: list[ConsumerRecord[bytes, bytes]], txn: Txn | None = None) -> None:
        """Handle ``records`` by halves; a single record the broker refuses (:data:`REFUSED`) is
        dead-lettered (``publish_refused``). Other failures raise (the batch is then rewound).

        In a transaction each half is a transaction of its own, committing its records' offsets
        (the first half's records are a prefix of each partition's)."""
        try:
            await self.handle_records(list(records), txn=txn)
        except REFUSED as exc:
            if len(records) == 1:
                letter = self._letter(records[0], PublishRefused(exc))
                self._count_letter(letter)
                async def publish_letter() -> list[tuple[str, str, datetime]]:
                    await self._publish_all([Out(topics.DLQ, letter, key=letter.key)])
                    return []

                await self._in_batch(records, publish_letter, txn, compensate=False)
                return
            mid = len(records) // 2
            await self.bisect_records(records[:mid], txn)
            await self.bisect_records(records[mid:], txn)

    async def handle_records(
        self,
        records: list[ConsumerRecord[bytes, bytes]],
        pull: Pull | None = None,
        limit: int = 0,
        txn: Txn | None = None,
    ) -> None:
        """Process a batch of raw records; raises only if publishing fails (then: retry).

        With ``pull``, records fetched while the batch is worked on are taken in (appended to
        ``records``, up to ``limit`` in all) so their urgent reports jump the queue. With a
        compensation, what the batch did is undone if it raises, confirmed once it is published.
        With ``txn``, all of it is one transaction with the records' offsets (see :meth:`_in_batch`).
        """
        deferred: list[Any] | None = None if txn is None else []
        await self._in_batch(records, lambda: self._handle_records(records, pull, limit, deferred), txn,
                             pending=deferred)

    async def _in_batch(
        self,
        records: list[ConsumerRecord[bytes, bytes]],
        work: Callable[[], Awaitable[list[tuple[str, str, datetime]]]],
        txn: Txn | None,
        *,
        compensate: bool = True,
        pending: list[Any] | None = None,
    ) -> None:
        """Run ``work`` as a batch: within the compensation, and with ``txn`` in a transaction that
        commits the outputs and (with a group) the offsets after ``records`` — taken after the work,
        which may have pulled more into ``records``.

        Order, for the dispatcher's claims: abort, then undo (no claim is released while its
        outputs could still become visible); commit, then confirm (no claim is ``done`` before its
        outputs are). A commit that failed is resolved first (:meth:`Transactor.resolve`): if the
        broker did commit it, the batch counts as published. ``compensate=False``: a dead letter
        of bisection, whose record did nothing elsewhere. ``pending``: acknowledgements the work
        left to the commit to await (see :meth:`_handle_records`).
        """
        compensation = self.compensation if compensate else None
        if compensation is not None:
            compensation.begin_batch()
        token = None
        if txn is not None:
            # The offsets go to the transaction while the work runs (see Transactor.begin).
            await txn.transactor.begin(offsets_after(records) if txn.group is not None else None, txn.group)
            token = _OPEN.set(txn.transactor)
        entries: list[tuple[str, str, datetime]] = []
        try:
            try:
                entries = await work()
                if txn is not None:
                    await txn.transactor.commit(offsets_after(records), txn.group, txn.consumer, pending or ())
            except CommitUnknown as exc:
                assert txn is not None
                log.error("transaction commit failed; asking the broker how it ended", stage=self.name,
                          error=str(exc), transactional_id=txn.transactor.transactional_id)
                if txn.group is None or not records or not await txn.transactor.resolve(
                        txn.consumer, offsets_after(records), txn.group):
                    raise
            finally:
                if token is not None:
                    _OPEN.reset(token)
        except BaseException:
            if txn is not None:
                with contextlib.suppress(Exception):
                    await txn.transactor.abort()
            if compensation is not None:
                with contextlib.suppress(Exception):
                    await compensation.undo_batch()
            raise
        if compensation is not None:
            # Outside the try: what published (committed) outputs did is never undone.
            compensation.batch_published()
        # The trace says where a report is once it is there for readers: after the commit.
        await self._confirm(compensation, entries)

    async def emit(self, produce: Callable[[], Awaitable[list[Out]]]) -> list[Out]:
        """Make outputs outside a consumed batch (a scheduler's tick) and publish them like a batch's.

        ``produce`` runs within the stage's compensation: if it or the publishing fails, what it
        did is undone and the error raised; once Kafka has every output they are traced and what
        it did is confirmed (by the trace writer's rider, or at once without a trace writer).
        """
        outs: list[Out] = []

        async def work() -> list[tuple[str, str, datetime]]:
            outs.extend(await produce())
            if outs:
                await self._publish_all(outs)
            return self._trace_entries(outs, utcnow())

        # In the stage's emitter's transaction, if it has one (a commit that failed counts as not
        # published: undone, at-least-once — a job sent twice is dropped by the senders' key claims).
        await self._in_batch([], work, None if self.emitter is None else Txn(self.emitter))
        return outs

    async def _confirm(self, compensation: Compensation | None, entries: list[tuple[str, str, datetime]]) -> None:
        """Trace ``entries`` and let the compensation confirm: the trace write, then its rider."""
        if self.trace is not None:
            await self.trace.add(entries)  # the riders' turn: now, or within the writer's interval
        elif compensation is not None:
            await compensation.confirm_published()

    async def _handle_records(
        self,
        records: list[ConsumerRecord[bytes, bytes]],
        pull: Pull | None,
        limit: int,
        deferred: list[Any] | None = None,
    ) -> list[tuple[str, str, datetime]]:
        """The work of :meth:`handle_records`; returns the trace entries of what it published
        (written once the batch is published: in a transaction, committed).

        With ``deferred`` (in a transaction), the acknowledgements are not awaited here but handed
        over in it, to be awaited at the commit together with the offsets (two round trips
        overlapped, on every hop of an urgent report: nothing is seen before the commit anyway)."""
        if not records:
            return []
        started = time.perf_counter()
        urgent: list[tuple[ConsumerRecord[bytes, bytes], E]] = []
        ordinary: deque[tuple[ConsumerRecord[bytes, bytes], E]] = deque()
        letters: list[DeadLetter] = []
        self._take(records, urgent, ordinary, letters)
        unacked: list[Any] = []
        traced: list[tuple[str, str, datetime]] = []
        while urgent or ordinary or letters:
            hurry = bool(urgent)
            if hurry:
                group, urgent = urgent, []
            else:
                group = [ordinary.popleft() for _ in range(min(self.chunk_records, len(ordinary)))]
            outs = await self._work(group, letters)
            for letter in letters:
                self._count_letter(letter)
                outs.append(Out(topics.DLQ, letter, key=letter.key))
            letters = []
            sent = await self._send_all(outs)
            traced += self._trace_entries(outs, utcnow())
            if hurry and deferred is None:
                # An urgent report's outputs are on the broker before anything else is done.
                await _settle(sent)
            else:
                unacked += sent
            if not (urgent or ordinary) and not unacked:
                break
            # Let the producer send and the consumer fetch; then take in what arrived meanwhile.
            await asyncio.sleep(0)
            if pull is not None and len(records) < limit:
                more = await pull(limit - len(records))
                if more:
                    records.extend(more)
                    self._take(more, urgent, ordinary, letters)
        if deferred is None:
            await _settle(unacked)
        else:
            deferred += unacked
        self.metrics.batch_size.labels(self.name).observe(len(records))
        self.metrics.batch_seconds.labels(self.name).observe(time.perf_counter() - started)
        return traced

    def _take(
        self,
        records: Sequence[ConsumerRecord[bytes, bytes]],
        urgent: list[tuple[ConsumerRecord[bytes, bytes], E]],
        ordinary: deque[tuple[ConsumerRecord[bytes, bytes], E]],
        letters: list[DeadLetter],
    ) -> None:
        """Decode ``records`` into the urgent and ordinary queues; what fails becomes a letter."""
        self.metrics.messages_in.labels(self.name).inc(len(records))
        for rec in records:
            size = len(rec.value or b"")
            if size > self.max_input_bytes:
                letters.append(self._letter(rec, TooLarge("too_large", size, self.max_input_bytes)))
                continue
            try:
                event = decode(self.model, rec.value or b"")
            except Exception as exc:
                letters.append(self._letter(rec, exc))
                continue
            (urgent if is_urgent(event) else ordinary).append((rec, event))

    async def _work(
        self, valid: list[tuple[ConsumerRecord[bytes, bytes], E]], letters: list[DeadLetter]
    ) -> list[Out]:
        """Run ``process`` over decoded events; failures become dead letters (appended)."""
        outs: list[Out] = []
        if valid:
            await self._bisect(valid, outs, letters)
        return outs

    async def _bisect(
        self,
        group: list[tuple[ConsumerRecord[bytes, bytes], E]],
        outs: list[Out],
        letters: list[DeadLetter],
    ) -> None:
        """Process ``group``; if that raises, each half again, down to the records that fail alone.

        A record that fails alone is dead-lettered; every other record's outputs are appended once
        (a failed call's outputs never are). A record whose outputs are too large for a topic is
        dead-lettered (``output_too_large``) instead of its outputs being appended.
        """
        try:
            results = await self.process([ev for _, ev in group])
            if len(results) != len(group):
                raise RuntimeError("process returned a result count unlike its input")
        except UNREACHABLE:
            raise  # not the reports' fault: the whole batch is retried (see ``handle``)
        except Exception as exc:
            if len(group) == 1:
                rec, ev = group[0]
                rid = getattr(ev, "report_id", None)
                with bind_report(rid):
                    log.warning("processing failed", stage=self.name, error=type(exc).__name__)
                letters.append(self._letter(rec, exc, report_id=rid))
                return
            mid = len(group) // 2
            await self._bisect(group[:mid], outs, letters)
            await self._bisect(group[mid:], outs, letters)
            return
        for (rec, ev), produced in zip(group, results, strict=True):
            sized = [replace(out, value=encode(out.event)) for out in produced]
            largest = max((len(out.value or b"") for out in sized), default=0)
            if largest > self.max_output_bytes:
                letters.append(self._letter(rec, TooLarge("output_too_large", largest, self.max_output_bytes),
                                            report_id=getattr(ev, "report_id", None)))
                continue
            outs.extend(sized)

    def _count_letter(self, letter: DeadLetter) -> None:
        self.metrics.dead_letters.labels(self.name, letter.reason).inc()
        with bind_report(letter.report_id):
            log.warning(
                "dead-lettered",
                stage=self.name,
                reason=letter.reason,
                error=letter.error,
                partition=letter.partition,
                offset=letter.offset,
            )

    def _letter(
        self, rec: ConsumerRecord[bytes, bytes], exc: BaseException, report_id: str | None = None
    ) -> DeadLetter:
        return dead_letter(
            stage=self.name,
            exc=exc,
            raw=rec.value,
            source_topic=rec.topic,
            partition=rec.partition,
            offset=rec.offset,
            key=rec.key,
            report_id=report_id,
        )

    async def _publish_all(self, outs: list[Out]) -> None:
        """Publish ``outs`` and wait until the broker has them all."""
        await _settle(await self._send_all(outs))

    async def _send_all(self, outs: list[Out]) -> list[Any]:
        """Send ``outs`` without waiting; return what to await for their acknowledgements."""
        open_txn = _OPEN.get()
        publish = self.publish if open_txn is None else open_txn.send
        assert publish is not None, "attach() the stage to a broker first"
        pending = []
        now = utcnow()
        per_kind: dict[str, int] = {}
        latencies: dict[str, list[float]] = {}
        for out in outs:
            topic = topics.lane(out.topic, is_urgent(out.event)) if out.topic in topics.URGENT_LANE else out.topic
            raw = out.value if out.value is not None else encode(out.event)
            pending.append(await publish(topic, raw, key_of(out.event, out.key)))
            kind = _topic_kind(out.topic)
            per_kind[kind] = per_kind.get(kind, 0) + 1
            if isinstance(out.event, Envelope):
                urgency = getattr(getattr(out.event, "classification", None), "urgency", None)
                if urgency is not None:
                    latencies.setdefault(urgency.value, []).append(
                        (now - out.event.stamps.received).total_seconds()
                    )
        # Metrics once per batch and label set: ``labels()`` per message cost more than the send.
        for kind, n in per_kind.items():
            self.metrics.messages_out.labels(self.name, kind).inc(n)
        for urgency, values in latencies.items():
            histogram = self.metrics.stage_latency.labels(self.name, urgency)
            for value in values:
                histogram.observe(value)
        return [p for p in pending if asyncio.isfuture(p) or asyncio.iscoroutine(p)]

    @staticmethod
    def _trace_entries(outs: list[Out], at: datetime) -> list[tuple[str, str, datetime]]:
        return [(rid, out.topic, at) for out in outs if (rid := getattr(out.event, "report_id", None))]



#: Publish failures that say the broker will never take a record (retrying cannot help): the batch
#: is bisected down to the record (see ``handle`` and :meth:`Stage.bisect_records`).
REFUSED: tuple[type[BaseException], ...] = (
    MessageSizeTooLargeError, RecordTooLargeError, RecordListTooLargeError, InvalidMessageError, CorruptRecordException,
)

#: Room left in a record for its key, headers and batch framing (``topics.MAX_MESSAGE_BYTES``).
_RECORD_OVERHEAD = 4096

#: Failures that say a server the work needs is unreachable, not that a report is bad: the batch
#: is retried after a pause instead of its reports being dead-lettered (a Redis restart would
#: otherwise send every report of the moment to the DLQ, to be replayed by hand).
UNREACHABLE: tuple[type[BaseException], ...] = (
    ConnectionError, TimeoutError, RedisConnectionError, RedisTimeoutError,
)


async def _settle(pending: list[Any]) -> None:
    if pending:
        await asyncio.gather(*pending)


def observed(
    process: Callable[[list[E]], Awaitable[list[list[Out]]]], observe: Callable[[BaseModel], None]
) -> Callable[[list[E]], Awaitable[list[list[Out]]]]:
    """``process`` that also hands every output event to ``observe`` (e.g. to count it)."""

    async def run(events: list[E]) -> list[list[Out]]:
        results = await process(events)
        for outs in results:
            for out in outs:
                observe(out.event)
        return results

    return run


def _topic_kind(topic: str) -> str:
    """Bounded label for a topic: dispatch and outbox topics collapse to their family."""
    if topic.startswith("bin.dispatch."):
        return "bin.dispatch"
    if topic.startswith("bin.outbox."):
        return topic.rsplit(".", 1)[0]
    return topic
