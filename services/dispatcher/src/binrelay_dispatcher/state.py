"""The dispatcher's state in Redis: dedup keys, pending acknowledgements and approvals, timers.

Keys (prefix ``binrelay:dispatcher:``):

* ``seen:<report>`` / ``msg:<network>:<adapter>:<message id>`` — a report is dispatched once;
* ``job:<report>:<recipient>:<channel>`` — a delivery job is emitted once (the senders keep their
  own key per delivery too);
* ``report:<report>`` — the cleared report, kept while an escalation or approval may need it;
* ``ack:<report>`` / ``approval:<report>`` — ``pending`` until a Response (or the timer) settles it;
* ``timers`` — a sorted set, score = due time (epoch seconds), member = what to do then
  (escalate, send a job held for quiet hours, send a digest). A restart loses nothing.
"""

from __future__ import annotations

from datetime import datetime

import orjson

PREFIX = "binrelay:dispatcher:"
TIMERS = PREFIX + "timers"
KEEP_SECONDS = 7 * 24 * 3600


def seen_key(report_id: str) -> str:
    return f"{PREFIX}seen:{report_id}"


def msg_key(network: str | None, adapter: str, message_id: str) -> str:
    return f"{PREFIX}msg:{network}:{adapter}:{message_id}"


def job_key(idempotency_key: str) -> str:
    return f"{PREFIX}job:{idempotency_key}"


def report_key(report_id: str) -> str:
    return f"{PREFIX}report:{report_id}"


def ack_key(report_id: str) -> str:
    return f"{PREFIX}ack:{report_id}"


def approval_key(report_id: str) -> str:
    return f"{PREFIX}approval:{report_id}"


def timer(kind: str, **fields: object) -> bytes:
    """A timer member: deterministic JSON, so the same timer added twice is one entry."""
    return orjson.dumps({"t": kind, **fields}, option=orjson.OPT_SORT_KEYS)


def score(at: datetime) -> float:
    return at.timestamp()


#: Settles a batch of planned reports in one call (``EVALSHA``) instead of a pipeline of a few
#: SETs per report: one command to encode and one reply to parse, not one each per key.
#:
#: KEYS[1] is the timers set; then, per report: ``seen``, ``msg``, one key per job due now, and
#: ``report`` / ``ack`` / ``approval`` when flagged. ARGV[1] is the number of reports, ARGV[2]
#: how long job and pending keys are kept; then, per report: the dedup ttl, the number of jobs,
#: flags (1 report, 2 ack, 4 approval), the number of timers, the ``msg`` value, the flagged
#: keys' values, and (score, member) per timer.
#:
#: Every SET is ``NX``. Only a new report (both dedup keys new) claims its jobs, stores its state
#: and adds its timers: a redelivered copy carries a later ``dispatched`` stamp, so its timers
#: would be new members and a digest would list the report twice. Returns, per report: 1 if both
#: dedup keys were new (else 0), then 1 or 0 per job claimed (0 for a duplicate's).
SETTLE_LUA = """
local out, k, a = {}, 2, 3
local keep = ARGV[2]
for _ = 1, tonumber(ARGV[1]) do
  local ttl, njobs, flags, ntimers = ARGV[a], tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3])
  local seen = redis.call('SET', KEYS[k], '1', 'NX', 'EX', ttl)
  local msg = redis.call('SET', KEYS[k + 1], ARGV[a + 4], 'NX', 'EX', ttl)
  local fresh = (seen and msg) and true or false
  out[#out + 1] = fresh and 1 or 0
  k, a = k + 2, a + 5
  for _ = 1, njobs do
    out[#out + 1] = (fresh and redis.call('SET', KEYS[k], '1', 'NX', 'EX', keep)) and 1 or 0
    k = k + 1
  end
  for bit = 0, 2 do
    if math.floor(flags / 2 ^ bit) % 2 == 1 then
      if fresh then redis.call('SET', KEYS[k], ARGV[a], 'NX', 'EX', keep) end
      k, a = k + 1, a + 1
    end
  end
  for _ = 1, ntimers do
    if fresh then redis.call('ZADD', KEYS[1], ARGV[a], ARGV[a + 1]) end
    a = a + 2
  end
end
return out
"""
