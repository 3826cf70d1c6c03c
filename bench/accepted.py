"""When the providers accepted a report's deliveries: the loopback SMS gateway and the SMTP sink.

The measure users feel is *received → accepted by the provider*. Both loopback servers record
what they accepted and when — the gateway each message's ``at`` in ``GET /messages`` (stamped as
it answers 202), the sink each mail as ``<n>.eml`` in its folder (written as it answers 250 to
DATA: the file's mtime) — and what they carry names the delivery without any member data: the
gateway's ``Idempotency-Key`` is a digest of the delivery's idempotency key
(``<report>:<recipient>:<channel>``, :func:`binrelay_senders.providers.sms_http.gateway_key`),
the mail's ``Message-ID`` another
(:func:`binrelay_senders.providers.smtp.message_id`). The bench knows its reports and the
registry's members, so it maps each accepted message back to its report.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from datetime import datetime
from email.parser import BytesHeaderParser
from pathlib import Path

import httpx

from binrelay_senders.providers.sms_http import gateway_key
from binrelay_senders.providers.smtp import message_id

CHANNELS = ("sms", "email")


def delivery_index(report_ids: Iterable[str], member_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """What each possible delivery looks like at its provider → (report id, channel)."""
    members = list(member_ids)
    index: dict[str, tuple[str, str]] = {}
    for rid in report_ids:
        for mid in members:
            index[gateway_key(f"{rid}:{mid}:sms")] = (rid, "sms")
            index[message_id(f"{rid}:{mid}:email")] = (rid, "email")
    return index


async def sms_accepted(gateway: str) -> list[tuple[str, float]]:
    """(Idempotency-Key, accepted at, unix seconds) of every message the gateway accepted."""
    async with httpx.AsyncClient(base_url=gateway, timeout=60) as client:
        sent = (await client.get("/messages")).json()
    return [(m["idempotency_key"], datetime.fromisoformat(m["at"]).timestamp())
            for m in sent if m.get("idempotency_key")]


def mail_accepted(maildir: Path) -> list[tuple[str, float]]:
    """(Message-ID, accepted at, unix seconds) of every mail the sink kept."""
    out = []
    for path in maildir.glob("*.eml"):
        with path.open("rb") as f:
            mid = BytesHeaderParser().parse(f).get("Message-ID")
        if mid:
            out.append((str(mid).strip(), path.stat().st_mtime))
    return out


async def accepted(gateway: str, maildir: Path, index: dict[str, tuple[str, str]]
                   ) -> dict[tuple[str, str], list[float]]:
    """(report id, channel) → when each of its deliveries was accepted (unix seconds)."""
    found: dict[tuple[str, str], list[float]] = {}
    mails = await asyncio.to_thread(mail_accepted, maildir)
    for key, at in [*(await sms_accepted(gateway)), *mails]:
        hit = index.get(key)
        if hit is not None:
            found.setdefault(hit, []).append(at)
    return found


async def wait_settled(gateway: str, maildir: Path, index: dict[str, tuple[str, str]], timeout: float,
                       quiet: float = 3.0) -> dict[tuple[str, str], list[float]]:
    """Poll until no new delivery of the indexed reports has been accepted for ``quiet`` seconds
    (the bench does not know how many deliveries routing makes), or ``timeout``."""
    deadline = time.monotonic() + timeout
    last, since = -1, time.monotonic()
    while True:
        found = await accepted(gateway, maildir, index)
        count = sum(len(v) for v in found.values())
        if count != last:
            last, since = count, time.monotonic()
        elif count and time.monotonic() - since >= quiet:
            return found
        if time.monotonic() > deadline:
            return found
        await asyncio.sleep(1.0)
