"""The dispatcher's state in Redis: dedup keys, pending acknowledgements and approvals, timers.

Keys (prefix ``binrelay:dispatcher:``):

* ``seen:<report>`` / ``msg:<network>:<adapter>:<message id>`` — a report is dispatched once;
* ``job:<report>:<recipient>:<channel>`` — a delivery job is emitted once (the senders keep their
  own key per delivery too);

  ``seen`` and ``job`` keys are claimed provisionally, with the claiming process's token
  (``claim-<hex>``, see :func:`new_token`), and confirmed (``done``) once Kafka has acknowledged
  what the claim let through (:data:`CONFIRM_LUA`). A claim left by a process that died before
  that is taken over by the next one, so a redelivered batch is not lost as a "duplicate".
  ``1`` (any claim written before tokens) counts as ``done``. Jobs of later phases (an
  escalation, an approval, a timer) are claimed the same way (:data:`CLAIM_LUA`). ``msg``
  holds the report id that claimed the adapter message: another report id is a duplicate, the
  same one is judged by its ``seen`` key;
* ``report:<report>`` — the cleared report, kept while an escalation or approval may need it;
* ``reporter:<report>`` — who posted a member's report (member id, channel, language, network:
  :func:`reporter_record`), kept :data:`REPORTER_KEEP_SECONDS` so a police feedback or closing that
  refers to it reaches that reporter; no phone number or address (those stay in the members file);
* ``ack:<report>`` / ``approval:<report>`` — ``pending`` until a Response (or the timer) settles it;
* ``timers`` — a sorted set, score = due time (epoch seconds), member = what to do then
  (escalate, send a job held for quiet hours, send a digest). A due timer is taken by postponing
  it for a lease (:data:`TAKE_DUE_LUA`) and removed once what it led to is published, so neither
  a restart nor a failed publish loses one.
"""

from __future__ import annotations

import secrets
from datetime import datetime

import orjson

from .routing import ReporterOf

PREFIX = "binrelay:dispatcher:"
TIMERS = PREFIX + "timers"
KEEP_SECONDS = 7 * 24 * 3600
#: How long a report's reporter is kept for answers (a police feedback may take weeks).
REPORTER_KEEP_SECONDS = 60 * 24 * 3600
TOKEN_PREFIX = "claim-"


def new_token() -> str:
    """A claim token: new for every dispatcher process, so its unconfirmed claims can be told
    from another (dead) process's."""
    return TOKEN_PREFIX + secrets.token_hex(8)


def seen_key(report_id: str) -> str:
    return f"{PREFIX}seen:{report_id}"


def msg_key(network: str | None, adapter: str, message_id: str) -> str:
    return f"{PREFIX}msg:{network}:{adapter}:{message_id}"


def job_key(idempotency_key: str) -> str:
    return f"{PREFIX}job:{idempotency_key}"


def undelivered_key(report_id: str) -> str:
    """How many coordinators' alerts a report's failed deliveries made (see :mod:`.undelivered`)."""
    return f"{PREFIX}undelivered:{report_id}"


def report_key(report_id: str) -> str:
    return f"{PREFIX}report:{report_id}"


def reporter_key(report_id: str) -> str:
    return f"{PREFIX}reporter:{report_id}"


def reporter_record(reporter: ReporterOf, network_id: str | None) -> bytes:
    """What ``reporter:<report>`` holds: ids, the channel and the language, never an address."""
    return orjson.dumps({"m": reporter.member_id, "c": reporter.channel, "l": reporter.language, "n": network_id})


def read_reporter(report_id: str, raw: bytes | str | None, network_id: str | None) -> ReporterOf | None:
    """The reporter of ``report_id`` from its record, if it is a report of network ``network_id``
    (a message never reaches the reporter of another network's report)."""
    if not raw:
        return None
    try:
        rec = orjson.loads(raw)
        if rec.get("n") != network_id:
            return None
        return ReporterOf(report_id, str(rec["m"]), str(rec["c"]), rec.get("l"))
    except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError):
        return None


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
#: ``report`` / ``ack`` / ``approval`` / ``reporter`` when flagged. ARGV[1] is the number of
#: reports, ARGV[2] how long job and pending keys are kept, ARGV[3] the caller's claim token,
#: ARGV[4] how long a reporter record is kept; then, per report: the dedup ttl, the number of jobs,
#: flags (1 report, 2 ack, 4 approval, 8 reporter), the number of timers, the report id (the
#: ``msg`` value), the flagged keys' values, and (score, member) per timer.
#:
#: ``seen`` and job keys are claimed with the token (``SET NX``). An existing one is ``done``
#: (or ``1``): a duplicate; the caller's own token: a duplicate too (the same report twice in a
#: batch, or again before its batch was confirmed); another process's token: that process died
#: before Kafka acknowledged what its claim let through (the claim would have been confirmed or
#: released), so the claim is taken over (``KEEPTTL``) and the report or job goes out again.
#: While a consumer-group rebalance moves a partition, its old owner may still be alive and
#: publishing the same batch: the takeover then dispatches twice, which the senders absorb (the
#: job's idempotency key, deterministic delivery ids) — at least once, never lost.
#:
#: The ``msg`` key is checked first: taken by another report id, the report is a duplicate (its
#: ``seen`` key untouched). Only a new report (or one taken over) claims its jobs and stores its
#: state (``NX``); only a NEW one adds its timers: a redelivered copy carries a later
#: ``dispatched`` stamp, so its timers would be new members and a digest would list the report
#: twice, and a claim taken over was made by a script that added them with it. Returns, per
#: report: 1 if new, 2 if taken over, 0 for a duplicate; then 1 or 0 per job claimed (0 for a
#: duplicate's).
_CLAIM_FN = """
local function claim(key, ttl)
  if redis.call('SET', key, token, 'NX', 'EX', ttl) then return 1 end
  local v = redis.call('GET', key)
  if v and v ~= token and string.sub(v, 1, 6) == 'claim-' then
    redis.call('SET', key, token, 'KEEPTTL')
    return 2
  end
  return 0
end
"""

SETTLE_LUA = """
local out, k, a = {}, 2, 5
local keep, token, rkeep = ARGV[2], ARGV[3], ARGV[4]
""" + _CLAIM_FN + """
for _ = 1, tonumber(ARGV[1]) do
  local ttl, njobs, flags, ntimers = ARGV[a], tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3])
  local rid = ARGV[a + 4]
  local got = 0
  if redis.call('SET', KEYS[k + 1], rid, 'NX', 'EX', ttl) or redis.call('GET', KEYS[k + 1]) == rid then
    got = claim(KEYS[k], ttl)
  end
  out[#out + 1] = got
  k, a = k + 2, a + 5
  for _ = 1, njobs do
    out[#out + 1] = (got > 0 and claim(KEYS[k], keep) > 0) and 1 or 0
    k = k + 1
  end
  for bit = 0, 3 do
    if math.floor(flags / 2 ^ bit) % 2 == 1 then
      if got > 0 then redis.call('SET', KEYS[k], ARGV[a], 'NX', 'EX', bit == 3 and rkeep or keep) end
      k, a = k + 1, a + 1
    end
  end
  for _ = 1, ntimers do
    if got == 1 then redis.call('ZADD', KEYS[1], ARGV[a], ARGV[a + 1]) end
    a = a + 2
  end
end
return out
"""

#: Claims the jobs of a later phase (escalation, approval, a timer due) like SETTLE_LUA claims a
#: report's: KEYS are job keys, ARGV[1] the caller's token, ARGV[2] the ttl. Returns per key 1
#: (new), 2 (taken over from a process that died before publishing) or 0 (a duplicate).
CLAIM_LUA = """
local token, out = ARGV[1], {}
""" + _CLAIM_FN + """
for i = 1, #KEYS do out[i] = claim(KEYS[i], ARGV[2]) end
return out
"""

#: Takes the due timers: members of KEYS[1] scored at most ARGV[1] (now), at most ARGV[3] of
#: them, each postponed to ARGV[2] (a lease) rather than removed. The caller removes a timer once
#: Kafka has acknowledged what it led to; if the caller dies first, the timer is due again when
#: the lease ends, so a kill between taking and publishing loses nothing. Two instances never take
#: the same timer at once: the script runs alone, and the first postpones it.
TAKE_DUE_LUA = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, m in ipairs(due) do redis.call('ZADD', KEYS[1], 'XX', ARGV[2], m) end
return due
"""

#: How long a taken timer is someone's before it is due again (its taker presumed dead).
TIMER_LEASE_SECONDS = 60.0

#: Confirms claims once Kafka has acknowledged what they let through: each key (``seen`` or job)
#: still there becomes ``done``, its ttl kept (``XX``: a released or expired claim stays gone).
#: Whoever holds it now — even another instance that took it over during a rebalance — the
#: outputs are published, so ``done`` is true. One command for the batch, however many keys.
CONFIRM_LUA = """
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], 'done', 'XX', 'KEEPTTL')
end
return #KEYS
"""
