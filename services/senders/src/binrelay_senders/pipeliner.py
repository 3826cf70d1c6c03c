"""Redis commands of concurrent jobs sent together: one pipeline per event-loop turn.

A sender works on a batch of jobs at once, and each job makes the same few Redis calls (its
claim, its done mark). Issued one by one they cost a round trip and a pooled connection each;
:class:`Pipeliner` queues the calls made in the same turn of the event loop and sends them as one
non-transactional pipeline. Each caller still gets its own result or its own exception (a command
the server refuses fails only its caller; a lost connection fails every caller of that pipeline,
as it would have failed each of their calls), so the protocol in :mod:`.idempotency` is unchanged.
"""

from __future__ import annotations

import asyncio
from typing import Any

from redis.asyncio import Redis

#: Most commands in one pipeline (a bigger batch goes in several).
MAX_COMMANDS = 500


def _own_copy(exc: Exception) -> Exception:
    """The pipeline's failure as an exception of each caller's own (one object raised in several
    tasks would share, and grow, one traceback)."""
    try:
        return type(exc)(*exc.args)
    except Exception:
        return exc


class Pipeliner:
    """Queues ``execute(*command)`` calls and sends each turn's calls in one pipeline."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._queued: list[tuple[tuple[Any, ...], asyncio.Future[Any]]] = []
        self._tasks: set[asyncio.Task[None]] = set()

    async def execute(self, *command: Any) -> Any:
        """Run one Redis command (``"SET", key, value, "NX", ...``) in the next pipeline."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        if not self._queued:
            loop.call_soon(self._flush)
        self._queued.append((command, future))
        if len(self._queued) >= MAX_COMMANDS:
            self._flush()
        return await future

    def _flush(self) -> None:
        queued, self._queued = self._queued, []
        if queued:
            task = asyncio.get_running_loop().create_task(self._run(queued))
            self._tasks.add(task)  # a reference until done: the loop holds tasks weakly
            task.add_done_callback(self._tasks.discard)

    async def _run(self, queued: list[tuple[tuple[Any, ...], asyncio.Future[Any]]]) -> None:
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for command, _ in queued:
                    pipe.execute_command(*command)
                results = await pipe.execute(raise_on_error=False)
        except Exception as exc:
            for _, future in queued:
                if not future.done():
                    future.set_exception(_own_copy(exc))
            return
        for (_, future), result in zip(queued, results, strict=True):
            if future.done():
                continue
            if isinstance(result, BaseException):
                future.set_exception(result)
            else:
                future.set_result(result)
