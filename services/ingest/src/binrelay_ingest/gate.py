"""The per-request check, in ONE Redis round trip: a Lua script that does, atomically,

1. **authentication** — the key record exists, is not revoked, its SHA-256 matches, and it is the
   record this process verified the MAC of (:mod:`.keys`: Redis cannot compute an HMAC with our
   secret, so the gate verifies a record's MAC in Python once, keeps the record's digest, and the
   script checks, with ``redis.sha1hex``, that the record it reads still has that digest; a
   changed record answers ``stale`` and is verified again);
2. **authorisation** — the role may use this endpoint; the network and zone are in the key's scope
   (a network the adapter *resolved* but may not post for falls back to "no network": the report
   still goes to the zone; a network the caller *named* outside its scope is refused, 403);
3. **closing** messages refer to an earlier alarm, or a member's report, of the same network;
4. **idempotency** — a key seen before returns the first answer (or "still in progress", or
   "outcome unknown": the first publish was not acknowledged in time, see :meth:`Gate.mark_unknown`);
5. **rate limits** — per key (adapter, coordinator, police) and per reporter, fixed windows;
6. **reservation** — the idempotency key is marked pending and the report's record written.

After Kafka has the event, :meth:`Gate.finish_many` stores the answer under the idempotency key and writes
the trace; if publishing was refused (nothing sent), :func:`release` undoes step 6, so a retry
starts afresh; if its outcome is unknown (no acknowledgement in time: the producer may still deliver
it), :meth:`Gate.mark_unknown` binds the idempotency key to the same report id, so a retry publishes
that report again (the dispatcher drops a repeated report id) instead of a second one.
Key names never hold personal data: reporter references and idempotency keys are hashed.

The key record is read, not declared in ``KEYS``: Redis 7 requires read *and* write permission on
a script's declared keys, and ingest's Redis user may only read ``bin:key:*``
(:mod:`binrelay_shared.redis_acl`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr
from redis.asyncio import Redis

from binrelay_shared.topics import REPORTS_RECEIVED

from .keys import KEY_PREFIX, mac_valid, record_digest
from .resp import RespClient, RespError

REPORT_PREFIX = "bin:report:"
IDEM_PREFIX = "bin:idem:"
RATE_PREFIX = "bin:rl:"

_LUA = r"""
local rec = redis.call('HMGET', 'bin:key:' .. ARGV[18], 'hash', 'role', 'networks', 'zone', 'adapter', 'rate',
  'revoked', 'mac')
if not rec[1] or rec[1] ~= ARGV[1] or (rec[7] and rec[7] ~= '') then
  return {'401'}
end
if redis.sha1hex(table.concat({rec[1], rec[2] or '', rec[3] or '', rec[4] or '', rec[5] or '', rec[6] or '',
    rec[8] or ''}, '\n')) ~= ARGV[19] then
  return {'stale'}
end
local role, networks, zone, adapter = rec[2], rec[3] or '*', rec[4] or '', rec[5] or ''
if not string.find(ARGV[2], ',' .. role .. ',', 1, true) then
  return {'403', 'role'}
end
local net, mode, net_zone = ARGV[3], ARGV[4], ARGV[5]
if zone ~= '*' and net_zone ~= '' and zone ~= net_zone then
  if mode == 'hard' then return {'403', 'zone'} end
  net = ''
end
if net ~= '' and networks ~= '*' and not string.find(networks, ',' .. net .. ',', 1, true) then
  if mode == 'hard' then return {'403', 'network'} end
  net = ''
end
if ARGV[14] == '1' then
  local ref = redis.call('HMGET', KEYS[4], 'kind', 'net')
  if (ref[1] ~= 'alarm' and ref[1] ~= 'report') or (ref[2] or '') ~= net then
    return {'422', 'refers_to'}
  end
end
local now = tonumber(ARGV[6])
if ARGV[11] == '1' then
  local seen = redis.call('GET', KEYS[1])
  if seen then return {'idem', seen, role, adapter} end
end
local key_limit = tonumber(rec[6] or '') or tonumber(ARGV[9])
local key_count = tonumber(redis.call('GET', KEYS[3]) or '0')
if key_limit > 0 and key_count >= key_limit then
  return {'429', tostring(redis.call('PTTL', KEYS[3])), 'key'}
end
local rep_limit = tonumber(ARGV[7])
if rep_limit > 0 then
  local rep_count = tonumber(redis.call('GET', KEYS[2]) or '0')
  if rep_count >= rep_limit then
    return {'429', tostring(redis.call('PTTL', KEYS[2])), 'reporter'}
  end
  if redis.call('INCR', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[8]) end
end
if redis.call('INCR', KEYS[3]) == 1 then redis.call('PEXPIRE', KEYS[3], ARGV[10]) end
if ARGV[11] == '1' then
  redis.call('SET', KEYS[1], 'P:' .. ARGV[12], 'PX', ARGV[13])
end
local out_zone = net_zone
if net == '' then
  out_zone = ARGV[17]
  if zone ~= '*' and zone ~= '' then out_zone = zone end
end
redis.call('HSET', KEYS[5], 'kind', ARGV[15], 'net', net, 'zone', out_zone, 'key', ARGV[18],
  'adapter', adapter, 'role', role)
redis.call('EXPIRE', KEYS[5], ARGV[16])
return {'ok', net, out_zone, role, adapter}
"""


def _h(value: str, n: int = 32) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:n]


@dataclass(frozen=True, slots=True)
class GateRequest:
    """Everything the gate needs to decide, computed in Python before the round trip."""

    key_id: str
    key_hash: str
    roles: tuple[str, ...]
    report_id: str
    kind: str
    network: str | None
    network_mode: str
    """``hard`` (named by the caller: out of scope → 403), ``soft`` (resolved: out of scope →
    no network) or ``""`` (no network)."""
    network_zone: str | None
    default_zone: str
    now_ms: int
    reporter_ref: str | None
    reporter_limit: int
    reporter_window_ms: int
    key_limit: int
    key_window_ms: int
    idempotency_key: str | None
    fingerprint: str
    pending_ms: int
    refers_to: str | None
    record_ttl_s: int


@dataclass(frozen=True, slots=True)
class GateResult:
    """``outcome``: ``ok``, ``401``, ``403``, ``422``, ``429``, ``replay``, ``pending``, ``conflict``,
    ``unknown`` (an earlier attempt's publish is unacknowledged: ``answer`` is its answer)."""

    outcome: str
    reason: str = ""
    network_id: str | None = None
    zone_id: str = ""
    role: str = ""
    adapter: str = ""
    retry_after_ms: int = 0
    answer: bytes = b""


def idem_key(key_id: str, idempotency_key: str) -> str:
    return f"{IDEM_PREFIX}{key_id}:{_h(idempotency_key)}"


class Gate:
    """Runs the gate script; one instance per process (the script is cached by SHA in Redis).

    With ``fast`` (a :class:`.resp.RespClient`) the two hot calls go over its pipelined
    connection; otherwise, and for everything else, through redis-py.
    """

    #: Most verified records kept per process (then forgotten, and verified again).
    VERIFIED_MAX = 10_000

    def __init__(self, redis: Redis, fast: RespClient | None = None, *, mac_key: SecretStr) -> None:
        self.redis = redis
        self.fast = fast
        self.mac_key = mac_key
        self.verified: dict[str, str] = {}
        """key id → digest of its record, whose MAC verified."""
        self.script = redis.register_script(_LUA)
        self.sha = hashlib.sha1(_LUA.encode()).hexdigest()

    async def _eval(self, keys: list[str], args: list[Any]) -> Any:
        if self.fast is None:
            return await self.script(keys=keys, args=args)
        reply = await self.fast.call("EVALSHA", self.sha, len(keys), *keys, *args)
        if isinstance(reply, RespError) and str(reply).startswith("NOSCRIPT"):
            reply = await self.fast.call("EVAL", _LUA, len(keys), *keys, *args)
        if isinstance(reply, RespError):
            raise reply
        return reply

    async def _digest(self, key_id: str) -> str | None:
        """The digest of ``key_id``'s record if its MAC verifies (read from Redis once), else None."""
        digest = self.verified.get(key_id)
        if digest is None:
            record = _str_dict(await self.redis.hgetall(KEY_PREFIX + key_id))
            if not record or not mac_valid(self.mac_key, key_id, record):
                return None
            if len(self.verified) >= self.VERIFIED_MAX:
                self.verified.clear()
            digest = self.verified[key_id] = record_digest(record)
        return digest

    def verified_record(self, key_id: str, record: dict[str, str]) -> bool:
        """Is ``record`` (read from Redis) MACed with our secret?"""
        return bool(record) and mac_valid(self.mac_key, key_id, record)

    async def check(self, req: GateRequest) -> GateResult:
        """The gate's decision; a record changed since it was verified is verified again, once."""
        digest = await self._digest(req.key_id)
        if digest is None:
            return GateResult("401")
        result = await self._check(req, digest)
        if result.outcome == "stale":
            self.verified.pop(req.key_id, None)
            digest = await self._digest(req.key_id)
            result = GateResult("401") if digest is None else await self._check(req, digest)
            if result.outcome == "stale":  # changed again meanwhile: refuse, the caller may retry
                result = GateResult("401")
        return result

    async def _check(self, req: GateRequest, digest: str) -> GateResult:
        idem = idem_key(req.key_id, req.idempotency_key) if req.idempotency_key else "bin:idem:-"
        reporter = f"{RATE_PREFIX}r:{req.key_id}:{_h(req.reporter_ref, 24)}" if req.reporter_ref else "bin:rl:r:-"
        keys = [
            idem,
            reporter,
            f"{RATE_PREFIX}k:{req.key_id}",
            REPORT_PREFIX + (req.refers_to or "-"),
            REPORT_PREFIX + req.report_id,
        ]
        args: list[Any] = [
            req.key_hash,
            "," + ",".join(req.roles) + ",",
            req.network or "",
            req.network_mode if req.network else "",
            req.network_zone or "",
            req.now_ms,
            req.reporter_limit if req.reporter_ref else 0,
            req.reporter_window_ms,
            req.key_limit,
            req.key_window_ms,
            "1" if req.idempotency_key else "0",
            req.fingerprint,
            req.pending_ms,
            "1" if req.refers_to else "0",
            req.kind,
            req.record_ttl_s,
            req.default_zone,
            req.key_id,
            digest,
        ]
        raw = await self._eval(keys, args)
        parts = [p.decode() if isinstance(p, bytes) else str(p) for p in raw]
        head = parts[0]
        if head == "ok":
            return GateResult("ok", network_id=parts[1] or None, zone_id=parts[2], role=parts[3], adapter=parts[4])
        if head == "idem":
            stored = raw[1] if isinstance(raw[1], bytes) else str(raw[1]).encode()
            state, _, rest = stored.partition(b":")
            fp, _, answer = rest.partition(b":")
            if fp.decode() != req.fingerprint:
                return GateResult("conflict")
            if state == b"P":
                return GateResult("pending", retry_after_ms=1000)
            if state == b"U":
                return GateResult("unknown", role=parts[2], adapter=parts[3], answer=answer)
            return GateResult("replay", answer=answer)
        if head == "429":
            return GateResult("429", reason=parts[2], retry_after_ms=max(int(parts[1]), 1))
        return GateResult(head, reason=parts[1] if len(parts) > 1 else "")

    async def finish_many(
        self, items: list[tuple[str, str | None, str, bytes, str]], *, idem_ttl_s: int, trace_ttl_s: int
    ) -> None:
        """After Kafka acknowledged: keep each answer for retries and record the trace, for many
        requests in one round trip. ``items``: (report_id, idem key, fingerprint, answer, received at)."""
        commands: list[tuple[Any, ...]] = []
        for report_id, idem, fingerprint, answer, received_at in items:
            if idem:
                commands.append(("SET", idem, b"D:" + fingerprint.encode() + b":" + answer, "EX", idem_ttl_s))
            trace_key = f"bin:trace:{report_id}"
            commands.append(("HSET", trace_key, REPORTS_RECEIVED, received_at))
            commands.append(("EXPIRE", trace_key, trace_ttl_s))
        if self.fast is not None:
            replies = await self.fast.call_many(commands)
            errors = [r for r in replies if isinstance(r, RespError)]
            if errors:
                raise errors[0]
            return
        pipe = self.redis.pipeline(transaction=False)
        for cmd in commands:
            pipe.execute_command(*cmd)
        await pipe.execute()

    async def mark_unknown(self, *, idem: str, fingerprint: str, answer: bytes, ttl_s: int) -> None:
        """Publishing was not acknowledged in time (it may still be): bind the idempotency key to
        this report id and its answer, so a retry publishes the same report, never a second one."""
        await self.redis.set(idem, b"U:" + fingerprint.encode() + b":" + answer, ex=ttl_s)

    async def release(self, *, report_id: str, idem: str | None) -> None:
        """Publishing was refused (nothing sent): forget the reservation, so a retry starts afresh."""
        keys = [REPORT_PREFIX + report_id]
        if idem:
            keys.append(idem)
        await self.redis.delete(*keys)

    async def read_report(
        self, key_id: str, report_id: str, window_ms: int
    ) -> tuple[dict[str, str], dict[str, str], dict[str, str], int, int]:
        """The caller's key record, the report's record, its trace, and the key's request count
        and window left (ms) after counting this request — in one round trip."""
        rate = f"{RATE_PREFIX}k:{key_id}"
        pipe = self.redis.pipeline(transaction=False)
        pipe.hgetall(KEY_PREFIX + key_id)
        pipe.hgetall(REPORT_PREFIX + report_id)
        pipe.hgetall(f"bin:trace:{report_id}")
        pipe.incr(rate)
        pipe.pexpire(rate, window_ms, nx=True)
        pipe.pttl(rate)
        key, rec, steps, count, _, ttl = await pipe.execute()
        return _str_dict(key), _str_dict(rec), _str_dict(steps), int(count), int(ttl)


def _str_dict(raw: dict[Any, Any]) -> dict[str, str]:
    return {
        (k.decode() if isinstance(k, bytes) else str(k)): (v.decode() if isinstance(v, bytes) else str(v))
        for k, v in raw.items()
    }
