"""Groups the sends of concurrent jobs into bulk requests (:class:`~.base.BatchReceiver`).

Each job's task still calls ``await batcher.send(job)`` and gets its own answer or its own
exception — the worker's claim → send → done mark → outcome stays per job, so a batch where some
recipients fail gives each job its own outcome (and its own retries). The batcher only decides
which sends travel together: those that arrive within ``linger`` seconds of the first one, up to
``max_size``, with at most ``max_in_flight`` requests on the wire at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

from binrelay_shared.events import DeliveryJob

from .base import DeliveryError, Retryable, reason_of

SendBatch = Callable[[Sequence[DeliveryJob]], Awaitable[list[str | DeliveryError | None]]]


def _own_copy(exc: BaseException) -> BaseException:
    """The failure of a whole request, as an exception of each job's own (one object raised in
    several tasks would share — and grow — one traceback)."""
    if isinstance(exc, DeliveryError):
        return type(exc)(exc.reason)
    return Retryable(f"batch_{reason_of(exc)}")


class Batcher:
    """Collects concurrent :meth:`send` calls into ``send_batch`` requests."""

    def __init__(self, send_batch: SendBatch, max_size: int, linger: float, max_in_flight: int) -> None:
        self._send_batch = send_batch
        self.max_size = max(1, max_size)
        self.linger = max(0.0, linger)
        self._slots = asyncio.Semaphore(max(1, max_in_flight))
        self._pending: list[tuple[DeliveryJob, asyncio.Future[str | None]]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def send(self, job: DeliveryJob) -> str | None:
        """Send ``job`` in the next request; its provider id, or its own failure raised."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[str | None] = loop.create_future()
        self._pending.append((job, future))
        if len(self._pending) >= self.max_size:
            self._flush()
        elif self._timer is None:
            self._timer = loop.call_later(self.linger, self._flush)
        return await future

    def _flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self._pending = self._pending, []
        if batch:
            task = asyncio.get_running_loop().create_task(self._run(batch))
            self._tasks.add(task)  # a reference until done: the loop holds tasks weakly
            task.add_done_callback(self._tasks.discard)

    async def _run(self, batch: list[tuple[DeliveryJob, asyncio.Future[str | None]]]) -> None:
        live = [(job, f) for job, f in batch if not f.cancelled()]  # a cancelled job is not sent
        if not live:
            return
        try:
            async with self._slots:
                answers = await self._send_batch([job for job, _ in live])
            if len(answers) != len(live):  # never a silent drop: every job gets an answer
                raise Retryable("batch_answer_count")
        except BaseException as exc:
            for _, future in live:
                if not future.done():
                    future.set_exception(_own_copy(exc))
            if not isinstance(exc, Exception):
                raise
            return
        for (_, future), answer in zip(live, answers, strict=True):
            if future.done():
                continue
            if isinstance(answer, BaseException):
                future.set_exception(answer)
            else:
                future.set_result(answer)
