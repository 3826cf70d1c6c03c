"""What waits for a person's answer: the record the senders write and the inbound adapters read.

A message that asks for an answer (``DeliveryJob.expects``: an alert to acknowledge, an approval
request) ends with its short ref (``Ref 1a2b3c4d``, :func:`short_ref`). Once the sender has
delivered it, it records what is now pending for that recipient, so a reply can be bound to the
message it answers:

* ``bin:reply:pending:<address hash>`` — a hash per recipient address (the keyed
  :func:`~binrelay_shared.addresses.address_hash` of the normalised address: no phone number or
  Matrix id in Redis), one field per ref, the :class:`Pending` record as JSON;
* ``bin:reply:ref:<ref>`` — a hash per ref, one field per kind of answer: what a ref names, for a
  reply that quotes a ref the replier was not sent (the dispatcher then judges who may answer);
* ``bin:reply:event:<Matrix event id>`` — the record of one chat message, for a thread reply or a
  reaction that names the message it answers;
* ``bin:reply:mail:<Message-ID hash>`` — the record of one e-mail (:func:`mail_key`), for a reply
  whose ``In-Reply-To``/``References`` names the message it answers;
* ``bin:reply:settled:<report id>:<kind>`` — written by the dispatcher once a report's approval or
  acknowledgement is decided (by anyone): what it settled no longer waits for anybody's answer,
  so a coordinator is not asked "which one?" about a request a colleague already answered.

Records hold ids only (report, network, member, delivery), never an address or a text.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from typing import Any

import orjson
from redis.asyncio import Redis

from .addresses import address_hash, normalize_phone
from .events import ResponseKind

PENDING_KEY = "bin:reply:pending:{}"
REF_KEY = "bin:reply:ref:{}"
EVENT_KEY = "bin:reply:event:{}"
MAIL_KEY = "bin:reply:mail:{}"
SETTLED_KEY = "bin:reply:settled:{}:{}"

#: How long a reply can still answer a message, by the kind of answer it asks for: an alert's
#: acknowledgement matters for a day, an approval request for as long as the dispatcher keeps it.
ANSWER_SECONDS = {ResponseKind.acknowledge: 24 * 3600, ResponseKind.approve: 7 * 24 * 3600}
KEEP_SECONDS = max(ANSWER_SECONDS.values())
REF_LENGTH = 8


def short_ref(report_id: str) -> str:
    """The ref a message shows (``Ref 1a2b3c4d``): the first 8 hex digits of its report id."""
    return report_id[:REF_LENGTH].lower()


def normalize_address(channel: str, address: str) -> str:
    """One spelling per address, the same for the sender that writes and the adapter that reads."""
    if channel == "sms":
        return normalize_phone(address)
    return address.strip().lower()


def address_key(secret: str, channel: str, address: str) -> str:
    """The hash that stands for a recipient's address (keys and logs never hold the address)."""
    return address_hash(secret, f"{channel}:{normalize_address(channel, address)}")


@dataclass(frozen=True)
class Pending:
    """One message waiting for its recipient's answer (ids only)."""

    ref: str
    report_id: str
    network_id: str | None
    recipient_id: str
    kind: ResponseKind  # acknowledge | approve
    until: float  # epoch seconds: after that, a reply no longer answers it
    delivery_id: str = ""

    def dumps(self) -> bytes:
        return orjson.dumps({**asdict(self), "kind": self.kind.value})

    @classmethod
    def loads(cls, raw: bytes | str) -> Pending:
        data: dict[str, Any] = orjson.loads(raw)
        return cls(**{**data, "kind": ResponseKind(data["kind"])})


def mail_key(message_id: str) -> str:
    """The key of an e-mail's record: its Message-ID (angle brackets and case ignored), hashed."""
    normalized = message_id.strip().strip("<>").strip().lower()
    return MAIL_KEY.format(hashlib.sha256(normalized.encode()).hexdigest()[:32])


async def remember(redis: Redis, address: str, pending: Pending, event_id: str | None = None,
                   mail_id: str | None = None) -> None:
    """Record ``pending`` for the recipient's ``address`` hash (and its chat event or the
    Message-ID of its e-mail), one transaction."""
    pipe = redis.pipeline(transaction=True)
    key = PENDING_KEY.format(address)
    pipe.hset(key, pending.ref, pending.dumps())
    pipe.expire(key, KEEP_SECONDS)
    ref_key = REF_KEY.format(pending.ref)
    pipe.hset(ref_key, pending.kind.value, pending.dumps())
    pipe.expire(ref_key, KEEP_SECONDS)
    if event_id:
        pipe.set(EVENT_KEY.format(event_id), pending.dumps(), ex=KEEP_SECONDS)
    if mail_id:
        pipe.set(mail_key(mail_id), pending.dumps(), ex=KEEP_SECONDS)
    await pipe.execute()


def settled_key(report_id: str, kind: ResponseKind) -> str:
    """The dispatcher's mark that a report's ``kind`` of answer (acknowledge, or approve for an
    approval request, whether approved or rejected) is decided."""
    return SETTLED_KEY.format(report_id, kind.value)


async def pending_for(redis: Redis, address: str, now: float) -> list[Pending]:
    """What still waits for this address's answer (expired and settled records left out), by ref."""
    raw = await redis.hgetall(PENDING_KEY.format(address))
    found = [p for p in (Pending.loads(v) for v in raw.values()) if p.until > now]
    if not found:
        return []
    marks = await redis.mget([settled_key(p.report_id, p.kind) for p in found])
    return sorted((p for p, mark in zip(found, marks, strict=True) if mark is None), key=lambda p: p.ref)


async def by_refs(redis: Redis, refs: tuple[str, ...], now: float) -> dict[str, list[Pending]]:
    """What each ref names (any recipient), for a reply quoting a ref it was not sent."""
    out: dict[str, list[Pending]] = {}
    for ref in refs:
        raw = await redis.hgetall(REF_KEY.format(ref))
        live = [p for p in (Pending.loads(v) for v in raw.values()) if p.until > now]
        if live:
            out[ref] = live
    return out


async def for_event(redis: Redis, event_id: str) -> Pending | None:
    """The message a chat event was (a thread reply or a reaction names it)."""
    raw = await redis.get(EVENT_KEY.format(event_id))
    return Pending.loads(raw) if raw else None


async def for_mail(redis: Redis, message_ids: tuple[str, ...]) -> Pending | None:
    """The message an e-mail reply answers: the first of the Message-IDs it names (``In-Reply-To``
    first, then ``References`` from the newest) that is one of ours waiting for an answer."""
    if not message_ids:
        return None
    found = await redis.mget([mail_key(m) for m in message_ids])
    raw = next((r for r in found if r), None)
    return Pending.loads(raw) if raw else None


async def answered(redis: Redis, address: str, refs: list[str]) -> None:
    """The address has answered these refs: they no longer wait for it."""
    if refs:
        await redis.hdel(PENDING_KEY.format(address), *refs)
