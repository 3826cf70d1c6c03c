"""Where did a report go? Every stage records, per report, the topics it reached and when.

Kept in Redis as one hash per report (``bin:trace:<report_id>``: field ``topic`` → ISO time),
written once per batch, expiring with the raw-report retention. It backs ``binrelay trace`` and
the ingest's ``GET /v1/reports/{id}``. Only ids, topics and times are stored: no personal data.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from redis.asyncio import Redis
from redis.commands.core import AsyncScript

KEY = "bin:trace:{}"

# One command per batch instead of an HSET and an EXPIRE per report: a pipeline of 2×N commands
# cost the stages ~8% of their CPU in redis-py's command packing and reply parsing (py-spy).
# KEYS are the trace hashes; ARGV[1] the TTL, ARGV[2] the time, ARGV[2 + i] the field of KEYS[i].
_RECORD = """
for i, key in ipairs(KEYS) do
  redis.call('HSET', key, ARGV[i + 2], ARGV[2])
  redis.call('EXPIRE', key, ARGV[1])
end
return #KEYS
"""


async def record(redis: Redis, entries: Iterable[tuple[str, str, datetime]], ttl_seconds: int) -> None:
    """Record (report_id, field, time) entries in one round trip (one script call per time)."""
    by_time: dict[datetime, dict[tuple[str, str], None]] = {}
    for report_id, field, at in entries:
        by_time.setdefault(at, {})[(report_id, field)] = None  # dict: ordered, deduplicated
    if not by_time:
        return
    script = _script(redis)
    for at, pairs in by_time.items():  # callers stamp a batch with one time: one call
        keys = [KEY.format(rid) for rid, _ in pairs]
        await script(keys=keys, args=[ttl_seconds, at.isoformat(), *(f for _, f in pairs)])


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
