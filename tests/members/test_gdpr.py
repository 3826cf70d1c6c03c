"""GDPR rights on the real Kafka, Redis and a running dispatcher, the registry on SQLite and on
PostgreSQL (issue 17, item 4): an access request lists everything held, including the messages
sent; an erasure leaves the member's phone number and e-mail address nowhere — not in the
registry's files, not in any Redis key or value, not in the logs — and the next alarm passes
them by."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from binrelay_ingest.keys import create_key
from binrelay_shared import topics
from binrelay_shared.codec import encode
from binrelay_shared.consent import RedisConsent
from binrelay_shared.db import database_url
from binrelay_shared.events import Channel, DeliveryOutcome, Outcome, ResponseKind, new_id, utcnow
from binrelay_shared.members import Registry, UnknownMember
from binrelay_shared.members.changes import publish_changes
from binrelay_shared.members.gdpr import access_report, erase
from binrelay_shared.replies import Pending, address_key, remember
from binrelay_shared.settings import Settings
from tests.conftest import TEST_ZONE
from tests.dispatcher.test_e2e import Feeds
from tests.ingest.conftest import Keys, running_app
from tests.kafka_helpers import admin_kafka, produce
from tests.redis_helpers import admin_redis, mac_key

from .live import alarm_until

PHONE, EMAIL = "+32470420001", "erase.me@example.org"
AT = "2026-11-01T10:00:00+01:00"


async def _everything_in_redis(redis_url: str) -> bytes:
    """Every key and value of Redis databases 0-7 (SCAN), as one blob to search."""
    out = bytearray()
    for db in range(8):
        r = admin_redis(redis_url.rsplit("/", 1)[0] + f"/{db}")
        try:
            async for key in r.scan_iter(count=1000):
                out += key + b"\n"
                kind = (await r.type(key)).decode()
                if kind == "string":
                    out += (await r.get(key)) or b""
                elif kind == "hash":
                    out += b" ".join(k + b"=" + v for k, v in (await r.hgetall(key)).items())
                elif kind == "set":
                    out += b" ".join(await r.smembers(key))
                elif kind == "zset":
                    out += b" ".join(await r.zrange(key, 0, -1))
                elif kind == "list":
                    out += b" ".join(await r.lrange(key, 0, -1))
                out += b"\n"
        finally:
            await r.aclose()
    return bytes(out)


def _registry_files(db: Settings, tmp_path: Path) -> bytes:
    """The registry's content as stored: SQLite's files byte for byte; PostgreSQL's dump."""
    url = database_url(db)
    if url.get_backend_name() == "sqlite":
        base = Path(str(url.database))
        return b"".join(p.read_bytes() for p in (base, Path(f"{base}-wal")) if p.exists())
    pg_dump = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_dump"))[-1]
    return subprocess.run([str(pg_dump), "-h", str(url.host), "-p", str(url.port), "-U", str(url.username),
                           str(url.database)], env={"PGPASSWORD": str(url.password)}, capture_output=True,
                          check=True).stdout


async def test_access_then_erasure_leaves_nothing(settings: Settings, db_settings: Settings, redis_url: str,
                                                  live: tuple[str, Path, Registry], tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    prefix, plans, registry = live
    network = f"{prefix}zavel"
    member = f"{prefix}erase-1"
    kind = "/4" if database_url(db_settings).get_backend_name() == "sqlite" else "/5"
    dispatcher_redis = settings.redis_url.rsplit("/", 1)[0] + kind  # the live dispatcher's database
    ops = Settings(kafka=settings.kafka, redis_url=dispatcher_redis, secrets_dir=settings.secrets_dir,
                   database_url=db_settings.database_url, database_password_file=db_settings.database_password_file)
    admin = admin_redis(redis_url)
    coordinator, _ = await create_key(admin, mac_key=mac_key(), role="coordinator", zone=TEST_ZONE,
                                      networks=[network], label="gdpr test")
    await admin.aclose()
    feeds = await Feeds(settings.kafka).start()
    try:
        from binrelay_ingest.networks import load_networks

        async with running_app(settings, members=registry, networks=load_networks(plans)) as api:
            r = await api.post("/v1/members", headers=Keys.header(coordinator), json={
                "id": member, "networks": [network], "phone": PHONE, "email": EMAIL, "language": "nl",
                "consent": {c: {"at": AT, "how": "form", "by": "zavel-coord-1"} for c in ("sms", "email")}})
            assert r.status_code == 201, r.text
        await alarm_until(settings.kafka, feeds, network, True, member)  # jobs and claims naming them
        # What the other parts of the pipeline keep about a member, by their own code:
        redis = admin_redis(dispatcher_redis)
        secret = (settings.secrets_dir / "ack-key").read_text().strip()
        await remember(redis, address_key(secret, "sms", PHONE), Pending(  # a sender: an answer awaited
            ref="ab12cd34", report_id=new_id(), network_id=network, recipient_id=member,
            kind=ResponseKind.acknowledge, until=time.time() + 3600))
        await RedisConsent(redis).withdraw_sms(member, utcnow(), "sms:stop")  # the SMS adapter: STOP
        await redis.aclose()
        sent = DeliveryOutcome(report_id=new_id(), network_id=network, zone_id=TEST_ZONE, trace_id=new_id(),
                               stamps={"received": utcnow()}, delivery_id=new_id(), audience="group",
                               recipient_id=member, channel=Channel.sms, outcome=Outcome.delivered)
        await produce(settings.kafka, topics.DELIVERIES, [encode(sent)], key=network.encode())

        # Access: everything held, with the messages sent (from bin.deliveries.v1).
        report = await access_report(ops, registry, member)
        assert report["member"]["phone"] == PHONE and report["member"]["email"] == EMAIL
        assert [h["change"] for h in report["registry_history"]] == ["added"]
        assert sent.report_id in {m["report_id"] for m in report["messages_sent"]}
        assert report["sources"]["messages_sent"].startswith(topics.DELIVERIES)
        held = report["redis"]
        assert held["entries_naming_the_member"].get("bin:consent:sms") == 1
        assert any(k.startswith("binrelay:dispatcher:job") for k in held["keys_naming_the_member"])
        assert any(k.startswith("bin:reply:pending") for k in held["keys_naming_the_member"])

        # Erasure, and the receipt.
        receipt, change = await erase(ops, registry, member, by="operator")
        await publish_changes(admin_kafka(settings.kafka), [change], "gdpr-test")
        print("\nreceipt:", receipt)
        stores = [s["store"] for s in receipt["removed"]]
        assert stores == ["registry", "registry history", "redis"]
        assert receipt["removed"][2]["entries_removed"].get("bin:consent:sms") == 1
        assert receipt["pseudonym"].startswith("erased-") and member not in receipt["pseudonym"]

        # Nothing left: the registry's files, every Redis key and value, the logs.
        stored = _registry_files(db_settings, tmp_path)
        assert member.encode() not in stored or database_url(db_settings).get_backend_name() == "postgresql"
        for needle in (PHONE, PHONE.lstrip("+"), EMAIL):
            assert needle.encode() not in stored, f"{needle} still in the registry's files"
        everything = await _everything_in_redis(redis_url)
        for needle in (PHONE, PHONE.lstrip("+"), EMAIL, address_key(secret, "sms", PHONE)):
            assert needle.encode() not in everything, f"{needle} still in Redis"
        logs = (tmp_path / "dispatcher.log").read_text(errors="replace") + capsys.readouterr().out
        assert PHONE not in logs and PHONE.lstrip("+") not in logs and EMAIL not in logs
        with pytest.raises(UnknownMember):
            await erase(ops, registry, member, by="operator")  # an unknown id: a clear error
        await alarm_until(settings.kafka, feeds, network, False, member, timeout=60)
    finally:
        await feeds.stop()
