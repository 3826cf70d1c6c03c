"""Fan-out of one police alarm to a network of 10,000 members, on the real broker.

Measures the time from the alarm's arrival on ``bin.reports.received.urgent.v1`` until
(1) every member's delivery job is on ``bin.outbox.sms.urgent.v1`` (an alarm is urgent: the
senders' urgent lane) and (2) the loopback SMS gateway (binrelay-devserver sms) has accepted
every message through the real SMS sender (its urgent-lane process, as deployed).

The stack is the production one (TLS + SCRAM + ACLs, the stages in Kafka transactions). The
members are in the registry, as in production: the example members file seeds it (as ``make
up``'s first start does), then the ``n`` fictitious members (Ofcom's drama ranges, one number per
member as the registry requires) are added with the registry's own import
(:meth:`~binrelay_shared.members.registry.Registry.import_records`, what ``binrelay members
import`` does) — the services read them from the registry, never from a file.
"""

from __future__ import annotations

import asyncio
import random
import time
from datetime import datetime, timedelta
from typing import Any

import httpx
import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from bench.harness import REPO, Stack
from bench.reports import make_report
from binrelay_shared import topics
from binrelay_shared.codec import encode
from binrelay_shared.events import (
    Kind,
    Location,
    Origin,
    Report,
    Reporter,
    ReportReceived,
    Stamps,
    is_urgent,
    new_id,
    utcnow,
)
from binrelay_shared.members.record import FICTIONAL_PREFIXES, Consent, MemberRecord

NETWORK = "meudon"
EXAMPLE_MEMBERS = REPO / "deploy" / "members.example.yaml"


def _number(i: int) -> str:
    """The ``i``-th fictitious number: Ofcom's drama ranges after the examples' (+44 7700 900xxx),
    1000 each — the registry takes one member per number."""
    return f"{FICTIONAL_PREFIXES[1 + i // 1000]}{i % 1000:03d}"


def bench_members(n: int) -> list[MemberRecord]:
    """``n`` consenting members of the network, SMS first (fictitious)."""
    at = utcnow() - timedelta(days=1)
    consent = Consent(at=at, how="bench", by="bench")
    return [
        MemberRecord(
            id=f"bench-{i:05d}", name=f"Lid {i:05d}", networks=[NETWORK], language=("nl", "fr")[i % 2],
            phone=_number(i), email=f"bench-{i:05d}@example.org", channel_order=["sms", "email"],
            consent={"sms": consent, "email": consent},
        )
        for i in range(n)
    ]


def seed_registry(stack: Stack, n: int) -> None:
    """The run's registry: the example members (as ``make up`` seeds it), then ``n`` members
    imported (call before the services start: they read the registry at start)."""
    from binrelay_shared.members.service import open_registry
    from binrelay_shared.settings import Settings

    async def seed() -> None:
        env = stack.service_env()
        settings = Settings(database_url=env["BINRELAY_DATABASE_URL"], members_file=EXAMPLE_MEMBERS,
                            secrets_dir=stack.secrets_dir)
        registry = await open_registry(settings)
        try:
            await registry.import_records(bench_members(n), by="bench")
        finally:
            await registry.close()

    asyncio.run(seed())
    stack.extra_env["BINRELAY_MEMBERS_FILE"] = str(EXAMPLE_MEMBERS)  # already imported: not read again


def start(stack: Stack, n: int, split: bool = True) -> dict[str, Any]:
    """Seed the registry, start the stages, the SMS gateway and SMTP sink and the senders (call
    before the loop)."""
    seed_registry(stack, n)
    channels = stack.start_channels()
    for name in ("classifier", "privacy-filter", "dispatcher"):
        stack.start_stage(name, split)
    return channels


async def measure(stack: Stack, n: int, gateway: str) -> dict[str, Any]:
    outbox = AIOKafkaConsumer(  # an alarm's jobs are urgent: they go to the urgent outbox
        topics.outbox("sms"), topics.outbox("sms", urgent=True), **stack.kafka.aiokafka(), group_id=None,
        auto_offset_reset="latest", isolation_level="read_committed",
    )
    await outbox.start()
    await outbox.seek_to_end()
    for tp in outbox.assignment():
        await outbox.position(tp)
    await _warm_up(stack)
    await _warm_sender(stack, gateway)
    report_id = new_id()
    alarm = ReportReceived(
        report_id=report_id,
        network_id=NETWORK,
        zone_id="5339",
        trace_id=new_id(),
        stamps=Stamps(received=utcnow()),
        report=Report(
            origin=Origin.police,
            kind=Kind.alarm,
            text="Politie: inbraakgolf in de buurt van de Meudonstraat. Sluit ramen en deuren.",
            reporter=Reporter(ref="police-5339"),
            location=Location(street="Meudonstraat"),
            language_hint="nl",
        ),
    )
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as client:
        await client.delete("/messages")
        producer = AIOKafkaProducer(**stack.kafka.aiokafka())
        await producer.start()
        t0, t0_wall = time.perf_counter(), time.time()
        await producer.send_and_wait(topics.lane(topics.REPORTS_RECEIVED, is_urgent(alarm)), encode(alarm),
                                     key=NETWORK.encode())
        await producer.stop()
        recipients: set[str] = set()
        t_outbox = None
        deadline = time.monotonic() + 600
        while len(recipients) < n and time.monotonic() < deadline:
            stack.check_alive()
            batch = await outbox.getmany(timeout_ms=200, max_records=5000)
            for recs in batch.values():
                for rec in recs:
                    job = orjson.loads(rec.value or b"{}")
                    if job.get("report_id") == report_id and str(job.get("recipient_id", "")).startswith("bench-"):
                        recipients.add(job["recipient_id"])
        t_outbox = time.perf_counter() - t0
        await outbox.stop()
        # When the gateway accepted each message is in its record ("at"): polled every second
        # (a listing of 10,000 messages costs the gateway CPU), the last "at" is the figure.
        ours: list[dict[str, Any]] = []
        while time.monotonic() < deadline:
            stack.check_alive()
            ours = [m for m in (await client.get("/messages")).json() if _is_bench_number(str(m.get("to", "")))]
            if len(ours) >= n:
                break
            await asyncio.sleep(1.0)
        t_sink = (max((datetime.fromisoformat(m["at"]).timestamp() for m in ours), default=time.time())
                  - t0_wall)
    return {
        "members": n,
        "jobs_on_outbox": len(recipients),
        "outbox_seconds": round(t_outbox, 3),
        "sink_received": len(ours),
        "sink_seconds": round(t_sink, 3),
        "sink_per_second": round(len(ours) / t_sink, 1) if t_sink > 0 else None,
    }


def _is_bench_number(to: str) -> bool:
    """A number of the bench's members (the example members' numbers are FICTIONAL_PREFIXES[0])."""
    return to.startswith(FICTIONAL_PREFIXES[1:])


async def _warm_sender(stack: Stack, gateway: str, timeout: float = 300) -> None:
    """Send urgent reports to another network until the gateway accepts a message: the SMS
    sender's urgent process has started and holds its partitions (seconds on a loaded machine,
    which would otherwise count in the alarm's time)."""
    rng = random.Random(7)
    producer = AIOKafkaProducer(**stack.kafka.aiokafka())
    await producer.start()
    deadline = time.monotonic() + timeout
    try:
        async with httpx.AsyncClient(base_url=gateway, timeout=30) as client:
            while time.monotonic() < deadline:
                stack.check_alive()
                _, value, network = make_report(rng, True)
                if network == NETWORK:  # its 10,000 members are for the alarm only
                    continue
                await producer.send_and_wait(topics.lane(topics.REPORTS_RECEIVED, True), value,
                                             key=(network or "").encode())
                for _ in range(10):
                    try:
                        if (await client.get("/messages")).json():
                            return
                    except httpx.TransportError:  # still starting (seconds on a loaded machine)
                        pass
                    await asyncio.sleep(0.5)
        raise TimeoutError(f"the SMS sender sent nothing in {timeout:.0f} s: see its log in {stack.root}")
    finally:
        await producer.stop()


async def _warm_up(stack: Stack) -> None:
    """Wait until the pipeline dispatches a report: services loaded, consumers assigned."""
    dispatch = AIOKafkaConsumer(
        topics.dispatch("5339"), **stack.kafka.aiokafka(), group_id=None, auto_offset_reset="latest",
        isolation_level="read_committed",
    )
    await dispatch.start()
    await dispatch.seek_to_end()
    for tp in dispatch.assignment():
        await dispatch.position(tp)
    producer = AIOKafkaProducer(**stack.kafka.aiokafka())
    await producer.start()
    probe = ReportReceived(  # not to NETWORK: its 10,000 members would get it while the alarm runs
        report_id=new_id(),
        network_id="zavel",
        zone_id="5339",
        trace_id=new_id(),
        stamps=Stamps(received=utcnow()),
        report=Report(text="Gisteren stond er een onbekende bestelwagen.", reporter=Reporter(ref="warm-up")),
    )
    await producer.send_and_wait(topics.REPORTS_RECEIVED, encode(probe), key=b"zavel")
    await producer.stop()
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline:
            stack.check_alive()
            batch = await dispatch.getmany(timeout_ms=500)
            if any(orjson.loads(r.value or b"{}").get("report_id") == probe.report_id
                   for recs in batch.values() for r in recs):
                return
        raise TimeoutError("the pipeline did not dispatch the warm-up report in 300 s")
    finally:
        await dispatch.stop()
