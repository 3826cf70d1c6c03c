"""Where did a report go? Every stage records, per report, the topics it reached and when.

Kept in Redis as one hash per report (``bin:trace:<report_id>``: field ``topic`` → ISO time),
written once per batch through a pipeline, expiring with the raw-report retention. It backs
``binrelay trace`` and the ingest's ``GET /v1/reports/{id}``. Only ids, topics and times are
stored: no personal data.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from redis.asyncio import Redis

KEY = "bin:trace:{}"


async def record(redis: Redis, entries: Iterable[tuple[str, str, datetime]], ttl_seconds: int) -> None:
    """Record (report_id, field, time) entries in one round trip."""
    pipe = redis.pipeline(transaction=False)
    seen: set[str] = set()
    for report_id, field, at in entries:
        key = KEY.format(report_id)
        pipe.hset(key, field, at.isoformat())
        if key not in seen:
            seen.add(key)
            pipe.expire(key, ttl_seconds)
    if seen:
        await pipe.execute()


async def read(redis: Redis, report_id: str) -> dict[str, str]:
    """Every field recorded for a report (topic or delivery → ISO time), oldest first."""
    raw = await redis.hgetall(KEY.format(report_id))
    items = {
        (k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes) else v)
        for k, v in raw.items()
    }
    return dict(sorted(items.items(), key=lambda kv: kv[1]))
