"""A member's GDPR rights: access (``binrelay members export ID``) and erasure (``binrelay members erase ID``).

**Access** gathers everything held about the member: their registry record and its history
(field names of each change), every Redis entry that names them, and the messages sent to them
— read from ``bin.deliveries.v1``, the outcome of every delivery (report, audience, channel,
outcome, time; the text itself is not kept anywhere once sent), as far back as that topic's
retention reaches (:mod:`binrelay_shared.retention`).

**Erasure** removes the member everywhere BIN Relay can reach and prints a receipt of what was
removed where: the registry row (networks, roles, consent); the registry history, kept under a
pseudonym; every Redis key, hash field, set, sorted-set or list entry that names the member id
(token-bounded), one of their addresses, or the keyed hash that stands for an address (pending
answers, delivery claims, dispatcher timers — jobs waiting for quiet hours or a digest — and
dedup claims); the services' in-memory copies (a ``bin.members.changed.v1`` ``erased`` event).
Kept, and said so in the receipt: delivery outcomes on ``bin.deliveries.v1`` carry the member
id but no address and expire with the topic's retention; jobs already on an outbox topic
(normally sent within seconds) expire with theirs. Redis is scanned as its ``admin`` user:
erasure must reach every key.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis
from sqlalchemy import update

from binrelay_shared import topics
from binrelay_shared.events import utcnow
from binrelay_shared.logging import get_logger
from binrelay_shared.replies import address_key
from binrelay_shared.settings import Settings

from .models import ChangeRow
from .record import MemberRecord
from .registry import Change, Registry

log = get_logger(__name__)


@dataclass
class Needles:
    """What names a member in a store: their id (token-bounded), addresses, the addresses' hashes."""

    member_id: str
    texts: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._id = re.compile(rb"(?<![A-Za-z0-9._-])" + re.escape(self.member_id.encode()) + rb"(?![A-Za-z0-9._-])")
        self._texts = [t.encode() for t in self.texts if t]

    def found(self, data: bytes | str | float | int) -> bool:
        raw = data if isinstance(data, bytes) else str(data).encode()
        low = raw.lower()
        return bool(self._id.search(raw)) or any(t.lower() in low for t in self._texts)


def needles_of(rec: MemberRecord, settings: Settings) -> Needles:
    texts: list[str] = []
    secret = _ack_secret(settings)
    for channel in ("sms", "email", "chat"):
        address = rec.address(channel)
        if not address:
            continue
        texts.append(address)
        if channel == "sms":
            texts.append(address.lstrip("+"))  # "0032..." / "32..." spellings contain it
        if secret:
            texts.append(address_key(secret, channel, address))
    return Needles(rec.id, texts)


def _ack_secret(settings: Settings) -> str | None:
    from binrelay_shared.secrets import MissingSecret, load_secret

    try:
        return load_secret("BINRELAY_ACK_KEY_SECRET", None, settings.secrets_dir / "ack-key").get_secret_value()
    except MissingSecret:
        return None


def pseudonym(settings: Settings, member_id: str) -> str:
    """A stable stand-in for an erased member id (keyed: it cannot be turned back into the id)."""
    secret = (_ack_secret(settings) or "binrelay-erased").encode()
    return "erased-" + hmac.new(secret, member_id.encode(), hashlib.sha256).hexdigest()[:16]


def _pattern(key: bytes) -> str:
    """A key's family for the receipt (``bin:reply:pending:*``), never the key itself."""
    parts = key.decode(errors="replace").split(":")
    return ":".join(parts[:3]) + (":*" if len(parts) > 3 else "")


async def scan_redis(redis: Redis, needles: Needles, *, erase: bool) -> dict[str, Counter[str]]:
    """Every Redis entry naming the member: {"keys": family → keys, "entries": family → entries};
    with ``erase``, each is deleted (a key whose name or string value names them) or removed from
    its hash, set, sorted set or list."""
    keys: Counter[str] = Counter()
    entries: Counter[str] = Counter()
    async for key in redis.scan_iter(count=1000):
        family = _pattern(key)
        if needles.found(key):
            keys[family] += 1
            if erase:
                await redis.delete(key)
            continue
        raw_kind = await redis.type(key)
        kind = raw_kind.decode() if isinstance(raw_kind, bytes) else str(raw_kind)
        if kind == "string":
            value = await redis.get(key)
            if value is not None and needles.found(value):
                keys[family] += 1
                if erase:
                    await redis.delete(key)
        elif kind == "hash":
            found = [f for f, v in (await redis.hgetall(key)).items() if needles.found(f) or needles.found(v)]
            entries[family] += len(found)
            if erase and found:
                await redis.hdel(key, *found)
        elif kind == "set":
            found = [m for m in await redis.smembers(key) if needles.found(m)]
            entries[family] += len(found)
            if erase and found:
                await redis.srem(key, *found)
        elif kind == "zset":
            found = [m for m in await redis.zrange(key, 0, -1) if needles.found(m)]  # type: ignore[misc, arg-type]
            entries[family] += len(found)
            if erase and found:
                await redis.zrem(key, *found)
        elif kind == "list":
            found = [m for m in await redis.lrange(key, 0, -1) if needles.found(m)]
            entries[family] += len(found)
            if erase:
                for m in found:
                    await redis.lrem(key, 0, m)  # type: ignore[arg-type]
    return {"keys": +keys, "entries": +entries}


async def deliveries_of(settings: Settings, member_id: str, timeout: float = 30.0) -> list[dict[str, Any]]:
    """The outcomes of every delivery to ``member_id`` still on ``bin.deliveries.v1`` (read whole, as operator)."""
    from aiokafka import AIOKafkaConsumer

    from binrelay_shared.events import DeliveryOutcome
    from binrelay_shared.kafka import partitions
    from binrelay_shared.kafka_security import kafka_client_config

    consumer = AIOKafkaConsumer(**kafka_client_config(settings, "operator").aiokafka(), group_id=None,
                                enable_auto_commit=False, client_id="binrelay-cli-access")
    await consumer.start()
    found: list[dict[str, Any]] = []
    try:
        parts = await partitions(consumer, topics.DELIVERIES)
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        async def behind() -> bool:
            return any([await consumer.position(p) < ends[p] for p in parts])

        while await behind() and loop.time() < deadline:
            batch = await consumer.getmany(timeout_ms=500, max_records=10000)
            for records in batch.values():
                for r in records:
                    if member_id.encode() not in (r.value or b""):
                        continue
                    o = DeliveryOutcome.model_validate_json(r.value or b"")
                    if o.recipient_id == member_id:
                        found.append({"at": o.at.isoformat(), "report_id": o.report_id, "network_id": o.network_id,
                                      "audience": o.audience, "channel": o.channel.value,
                                      "outcome": o.outcome.value, "attempts": o.attempts})
    finally:
        await consumer.stop()
    return sorted(found, key=lambda d: d["at"])


async def access_report(settings: Settings, registry: Registry, member_id: str) -> dict[str, Any]:
    """Everything held about ``member_id`` (raises UnknownMember for an id not in the registry)."""
    from binrelay_shared.redis_auth import as_user

    rec = await registry.get(member_id)
    needles = needles_of(rec, settings)
    redis = await as_user(settings, "admin", lambda r: scan_redis(r, needles, erase=False))
    try:
        sent = await deliveries_of(settings, member_id)
        sent_source = f"{topics.DELIVERIES} (every delivery's outcome, kept for the topic's retention)"
    except Exception as exc:  # Kafka away: say so, the rest still answers the request
        sent, sent_source = [], f"{topics.DELIVERIES} could not be read ({type(exc).__name__}): ask again later"
    return {
        "member": rec.model_dump(mode="json", exclude_none=True),
        "registry_history": await registry.history(member_id),
        "redis": {"keys_naming_the_member": dict(redis["keys"]), "entries_naming_the_member": dict(redis["entries"])},
        "messages_sent": sent,
        "sources": {"member": "the member registry (BINRELAY_DATABASE_URL)", "messages_sent": sent_source,
                    "redis": "every Redis key scanned for the member id, addresses and address hashes"},
        "generated_at": utcnow().isoformat(),
    }


async def erase(settings: Settings, registry: Registry, member_id: str, by: str) -> tuple[dict[str, Any], Change]:
    """Erase ``member_id`` everywhere it can be reached; the receipt and the change to announce."""
    from binrelay_shared.redis_auth import as_user

    rec = await registry.get(member_id)
    needles = needles_of(rec, settings)
    alias = pseudonym(settings, member_id)
    async with registry.sessions.begin() as s:
        await registry.delete_row(s, member_id)
        moved = (await s.execute(update(ChangeRow).where(ChangeRow.member_id == member_id)
                                 .values(member_id=alias))).rowcount  # type: ignore[attr-defined]
        s.add(ChangeRow(member_id=alias, at=utcnow(), change="erased", by=by, fields=[]))
    await _compact(registry)
    redis = await as_user(settings, "admin", lambda r: scan_redis(r, needles, erase=True))
    receipt: dict[str, Any] = {
        "member_id": member_id,
        "erased_at": utcnow().isoformat(),
        "by": by,
        "pseudonym": alias,
        "removed": [
            {"store": "registry", "what": f"member row with {len(rec.networks)} network(s), {len(rec.roles)} role(s), "
                                          f"{len(rec.consent)} consent record(s), name and every address"},
            {"store": "registry history", "what": f"{moved} change(s) kept under the pseudonym (field names only)"},
            {"store": "redis", "keys_deleted": dict(redis["keys"]), "entries_removed": dict(redis["entries"])},
        ],
        "kept": [
            {"store": topics.DELIVERIES, "what": "delivery outcomes: the member id, no address; they expire with "
                                                 "the topic's retention"},
            {"store": "bin.outbox.<channel>.v1", "what": "delivery jobs already handed to the senders (normally sent "
                                                         "within seconds) expire with the topic's retention"},
        ],
    }
    return receipt, Change(member_id, "erased", set(rec.networks))


async def _compact(registry: Registry) -> None:
    """No copy of what was deleted left in the database's files: SQLite's write-ahead log folded
    in and emptied (deleted cells are zeroed: ``secure_delete``); PostgreSQL's dead rows vacuumed."""
    from sqlalchemy import text

    if registry.engine.dialect.name == "sqlite":
        async with registry.engine.connect() as conn:
            await conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        return
    async with registry.engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        for table in ("members", "member_networks", "member_roles", "member_consents", "member_changes"):
            await conn.execute(text(f"VACUUM {table}"))


def access_report_or_fail(member_id: str) -> dict[str, Any]:
    """``binrelay members export ID``."""
    from .cli import with_registry

    settings = Settings()

    async def work(r: Registry) -> dict[str, Any]:
        return await access_report(settings, r, member_id)

    return _redis_or_fail(lambda: with_registry(work, settings))


def erase_or_fail(member_id: str, by: str) -> dict[str, Any]:
    """``binrelay members erase ID``: erase, tell the services, return the receipt."""
    from .cli import announce, with_registry

    settings = Settings()

    async def work(r: Registry) -> tuple[dict[str, Any], Change]:
        return await erase(settings, r, member_id, by)

    receipt, change = _redis_or_fail(lambda: with_registry(work, settings))
    announce([change], settings)
    receipt["removed"].append({"store": "services' memory", "what": f"{topics.MEMBERS_CHANGED} 'erased' announced: "
                               "the dispatcher and the adapters drop the member"})
    return receipt


def _redis_or_fail(run: Any) -> Any:
    from binrelay_shared.redis_auth import RedisProblem

    from .cli import _fail

    try:
        return run()
    except RedisProblem as exc:
        _fail(exc.message, exc.fix)
