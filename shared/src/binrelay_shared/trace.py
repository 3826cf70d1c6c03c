"""Where did a report go? Every stage records, per report, the topics it reached and when.

Kept in Redis as one hash per report (``bin:trace:<report_id>``: field ``topic`` → ISO time),
expiring with the raw-report retention. It backs ``binrelay trace`` and the ingest's
``GET /v1/reports/{id}``. Only ids, topics and times are stored: no personal data.

A stage stamps an output when the broker has acknowledged it, and hands the stamps to its
:class:`TraceWriter`, which writes them in the background, at most one round trip per interval.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime

from redis.asyncio import Redis
from redis.commands.core import AsyncScript

from .logging import get_logger

log = get_logger(__name__)

KEY = "bin:trace:{}"

#: Most keys one script call touches (a call of 2,000 trace entries held Redis ~10 ms).
SCRIPT_KEYS = 256

# One command for many entries instead of an HSET and an EXPIRE per report: a pipeline of 2×N
# commands cost the stages ~8% of their CPU in redis-py's command packing and reply parsing.
# KEYS are the trace hashes; ARGV[1] the TTL, then per key its field and its time.
_RECORD = """
for i, key in ipairs(KEYS) do
  redis.call('HSET', key, ARGV[2 * i], ARGV[2 * i + 1])
  redis.call('EXPIRE', key, ARGV[1])
end
return #KEYS
"""


async def record(redis: Redis, entries: Iterable[tuple[str, str, datetime]], ttl_seconds: int) -> None:
    """Record (report_id, field, time) entries: one round trip per :data:`SCRIPT_KEYS` entries."""
    latest: dict[tuple[str, str], datetime] = {}  # ordered; a field stamped twice keeps its last time
    for report_id, field, at in entries:
        latest[(report_id, field)] = at
    if not latest:
        return
    iso: dict[datetime, str] = {}  # a batch's entries share one time: format it once
    script = _script(redis)
    pairs = list(latest.items())
    # Redis runs one script at a time: a few hundred entries per call keep each call under a
    # millisecond, so an urgent report's dispatch claim never waits long behind a trace write.
    for start in range(0, len(pairs), SCRIPT_KEYS):
        keys: list[str] = []
        args: list[str | int] = [ttl_seconds]
        for (rid, field), at in pairs[start:start + SCRIPT_KEYS]:
            keys.append(KEY.format(rid))
            args += [field, iso.get(at) or iso.setdefault(at, at.isoformat())]
        await script(keys=keys, args=args)


Rider = Callable[[], Awaitable[None]]
"""Bookkeeping that may lag like the trace and runs after each of its writes; never raises."""


class TraceWriter:
    """Writes a stage's trace entries to Redis off the processing path.

    With an ``interval`` (seconds), :meth:`add` only collects: a background task writes what was
    collected ``interval`` after the first entry, in one round trip, and again while more comes.
    Entries carry the time they were stamped (when the broker acknowledged the output), so the
    delay changes when a reader sees them, not what it sees. Under load a stage finishes ~100
    batches a second, and one write each cost a Redis round trip per batch — and, on an urgent
    report's path, a wait before the stage took its next record. With ``interval`` 0, ``add``
    writes at once (tools and tests that read the trace right after a call).

    ``riders`` run after each write (the dispatcher confirms its claims there, which may lag the
    same way). :meth:`close` writes what is left.
    """

    def __init__(self, redis: Redis, ttl_seconds: int, interval: float = 0.0) -> None:
        self.redis = redis
        self.ttl_seconds = ttl_seconds
        self.interval = interval
        self.riders: list[Rider] = []
        self._entries: list[tuple[str, str, datetime]] = []
        self._more = False
        self._task: asyncio.Task[None] | None = None

    async def add(self, entries: list[tuple[str, str, datetime]]) -> None:
        """Collect ``entries`` (and run the riders) — now with no interval, else within one."""
        self._entries += entries
        if self.interval <= 0:
            await self.flush()
        else:
            self.kick()

    def kick(self) -> None:
        """Something is waiting (entries or a rider's work): write within one interval."""
        self._more = True
        if self._task is None or self._task.done():
            # A fresh context: the task must not see the context variables of the handler that
            # happened to start it (the dispatcher keeps a batch's claims in one).
            self._task = asyncio.create_task(self._run(), context=contextvars.Context())

    async def _run(self) -> None:
        while self._more:
            self._more = False
            await asyncio.sleep(self.interval)
            await self.flush()

    async def flush(self) -> None:
        """Write what is collected now, then run the riders. Never raises."""
        entries, self._entries = self._entries, []
        if entries:
            try:
                await record(self.redis, entries, self.ttl_seconds)
            except Exception as exc:  # the trace is a convenience: never block the pipeline on it
                log.warning("trace not recorded", entries=len(entries), error=type(exc).__name__)
        for rider in self.riders:
            await rider()

    async def close(self) -> None:
        """Let the background task finish (within one interval) and write what is left."""
        self._more = False
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
        await self.flush()


def _script(redis: Redis) -> AsyncScript:
    """The record script bound to ``redis`` (EVALSHA, loaded again if the server lost it)."""
    script = _scripts.get(id(redis))
    if script is None or script.registered_client is not redis:
        script = _scripts[id(redis)] = redis.register_script(_RECORD)
    return script


_scripts: dict[int, AsyncScript] = {}


async def read(redis: Redis, report_id: str) -> dict[str, str]:
    """Every field recorded for a report (topic or delivery → ISO time), oldest first."""
    raw = await redis.hgetall(KEY.format(report_id))
    items = {
        (k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes) else v)
        for k, v in raw.items()
    }
    return dict(sorted(items.items(), key=lambda kv: kv[1]))
