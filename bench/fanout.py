"""Fan-out of one police alarm to a network of 10,000 members, on the real broker.

Measures the time from the alarm's arrival on ``bin.reports.received.v1`` until
(1) every member's delivery job is on ``bin.outbox.sms.urgent.v1`` (an alarm is urgent: the
senders' urgent lane) and (2) the loopback SMS gateway (binrelay-devserver sms) has received
every message through the real SMS sender.
The members file is generated at run time (fictitious: Ofcom's drama ranges, one number per
member as the registry requires) and imported into the run's own registry (SQLite) by the
dispatcher's first start, as ``make up`` does.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any

import httpx
import orjson
import yaml
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from bench.harness import REPO, Stack, free_port
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
from binrelay_shared.members.record import FICTIONAL_PREFIXES

NETWORK = "meudon"


def _number(i: int) -> str:
    """The ``i``-th fictitious number: Ofcom's drama ranges after the examples' (+44 7700 900xxx),
    1000 each — the registry takes one member per number."""
    return f"{FICTIONAL_PREFIXES[1 + i // 1000]}{i % 1000:03d}"


def members_file(root: Path, n: int) -> Path:
    """The example members plus ``n`` consenting members of the network, SMS first."""
    base = yaml.safe_load((REPO / "deploy" / "members.example.yaml").read_text())
    for i in range(n):
        base["members"].append(
            {
                "id": f"bench-{i:05d}",
                "name": f"Lid {i:05d}",
                "networks": [NETWORK],
                "roles": [],
                "language": ("nl", "fr")[i % 2],
                "channels": [
                    {"channel": "sms", "address": _number(i)},
                    {"channel": "email", "address": f"bench-{i:05d}@example.org"},
                ],
                "consent": True,
            }
        )
    path = root / "members-bench.yaml"
    path.write_text(yaml.safe_dump(base, allow_unicode=True))
    return path


def start(stack: Stack, n: int, split: bool = True) -> dict[str, Any]:
    """Start the stages, the SMS gateway and the SMS sender for the fan-out (call before the loop)."""
    from binrelay_shared.local_secrets import ensure_all

    ensure_all(stack.secrets_dir)  # the dev SMS gateway signs its webhook with sms-webhook: it refuses to start without
    gateway_port = free_port()
    stack.extra_env.update(
        {
            "BINRELAY_MEMBERS_FILE": str(members_file(stack.root, n)),
            "BINRELAY_SMS_GATEWAY_URL": f"http://127.0.0.1:{gateway_port}",
            "BINRELAY_SMS_GATEWAY_TOKEN": "bench-token",
            # As `make up` runs it (deploy/local/stack.sh): the loopback gateway's bulk endpoint.
            "BINRELAY_SMS_GATEWAY_BATCH_SIZE": os.environ.get("BINRELAY_SMS_GATEWAY_BATCH_SIZE", "100"),
        }
    )
    stack.start_service("devserver:sms", "sms", "--port", str(gateway_port), "--token", "bench-token")
    for name in ("classifier", "privacy-filter", "dispatcher"):
        stack.start_stage(name, split)
    stack.start_service("sender:sms", "--channel", "sms")
    return {"gateway": f"http://127.0.0.1:{gateway_port}"}


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
        t0 = time.perf_counter()
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
        received = 0
        while time.monotonic() < deadline:
            stack.check_alive()
            received = len((await client.get("/messages")).json())
            if received >= n:
                break
            await asyncio.sleep(0.25)
        t_sink = time.perf_counter() - t0
    return {
        "members": n,
        "jobs_on_outbox": len(recipients),
        "outbox_seconds": round(t_outbox, 3),
        "sink_received": received,
        "sink_seconds": round(t_sink, 3),
        "sink_per_second": round(received / t_sink, 1) if t_sink else None,
    }


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
    probe = ReportReceived(
        report_id=new_id(),
        network_id=NETWORK,
        zone_id="5339",
        trace_id=new_id(),
        stamps=Stamps(received=utcnow()),
        report=Report(text="Gisteren stond er een onbekende bestelwagen.", reporter=Reporter(ref="warm-up")),
    )
    await producer.send_and_wait(topics.REPORTS_RECEIVED, encode(probe), key=NETWORK.encode())
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
