"""The operator's commands and an adapter's real entry point, run as processes against the
session's Kafka, Redis and running pipeline (not their Python functions):

- ``binrelay trace REPORT_ID`` (text and ``--json``) after a report went through the pipeline;
- ``binrelay topics create --zone Z`` creating a new zone's topic, twice (idempotent);
- ``binrelay approve ID --reject``, then an approval after it: the dispatcher applies the first
  and refuses the second as settled (read back with ``binrelay trace``);
- ``binrelay-adapter-sms``: a signed inbound SMS to its webhook becomes a report on Kafka.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from binrelay_ingest.adapters.sms_webhook import signature
from binrelay_ingest.keys import create_key
from binrelay_shared import topics
from binrelay_shared.kafka import partitions
from tests.conftest import REPO, free_port
from tests.kafka_helpers import TopicReader, admin_kafka
from tests.pipeline import Pipeline
from tests.redis_helpers import admin_redis, mac_key

pytestmark = pytest.mark.integration
BIN = REPO / ".venv" / "bin"


async def _run(pipeline: Pipeline, *argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(
        subprocess.run, [str(BIN / argv[0]), *argv[1:]], env={**pipeline.env, "NO_COLOR": "1", "COLUMNS": "250",
                                                             **(env or {})},
        capture_output=True, text=True, timeout=180)


def _start(argv: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen([str(BIN / argv[0]), *argv[1:]], env=env, stdout=out, stderr=out)


async def _key(pipeline: Pipeline, role: str, **kwargs: Any) -> str:
    redis = admin_redis(pipeline.settings.redis_url)
    try:
        key, _ = await create_key(redis, mac_key=mac_key(), role=role, zone=pipeline.settings.zone_id,
                                  label="operator cli test", **kwargs)
    finally:
        await redis.aclose()
    return key


async def _post(pipeline: Pipeline, path: str, key: str, body: dict[str, Any]) -> str:
    async with httpx.AsyncClient(base_url=pipeline.ingest_url, timeout=60) as client:
        resp = await client.post(path, json=body, headers={"Authorization": f"Bearer {key}"})
    assert resp.status_code == 202, resp.text
    return str(resp.json()["report_id"])


async def _trace_until(pipeline: Pipeline, report_id: str, wanted: str, timeout: float = 120) -> dict[str, Any]:
    """``binrelay trace --json --wait --until`` (the CLI's own waiting); its steps must name ``wanted``."""
    done = await _run(pipeline, "binrelay", "trace", report_id, "--json", "--wait", str(timeout), "--until", wanted)
    assert done.returncode == 0, done.stderr
    found: dict[str, Any] = json.loads(done.stdout)
    assert any(step.startswith(wanted) for step in found["reached"]), f"{wanted} not in the trace: {found}"
    return found


async def test_binrelay_trace_shows_every_stage_a_report_reached(pipeline: Pipeline) -> None:
    """Given a report posted to the running ingest,
    when `binrelay trace ID --json` and `binrelay trace ID` are run,
    then they show it received, classified, cleared and dispatched to the zone; and an unknown id
    is a clear message with a non-zero exit, not a stack trace."""
    key = await _key(pipeline, "adapter", adapter="webhook")
    rid = await _post(pipeline, "/v1/reports", key, {
        "text": "Verdachte wagen aan de Zavelstraat", "network": "zavel", "reporter": {"ref": "cli-member"}})
    found = await _trace_until(pipeline, rid, topics.dispatch(pipeline.settings.zone_id))
    text = json.dumps(found)
    for topic in (topics.REPORTS_RECEIVED, topics.REPORTS_CLASSIFIED, topics.REPORTS_CLEARED):
        assert topic in text or topics.lane(topic, True) in text, (topic, found)
    human = await _run(pipeline, "binrelay", "trace", rid)
    assert human.returncode == 0 and topics.dispatch(pipeline.settings.zone_id) in human.stdout, human.stdout
    pending = await _run(pipeline, "binrelay", "trace", rid, "--wait", "0.5", "--until", "no-such-step")
    assert pending.returncode == 0 and "not reached yet after 0.5 s: no-such-step" in pending.stderr, pending
    unknown = await _run(pipeline, "binrelay", "trace", "no-such-report")
    assert unknown.returncode != 0 and "Traceback" not in unknown.stderr + unknown.stdout
    assert "no-such-report" in unknown.stderr + unknown.stdout


async def test_binrelay_topics_create_adds_a_new_zone_topic_idempotently(pipeline: Pipeline) -> None:
    """Given the running broker without zone 9971's dispatch topic,
    when `binrelay topics create --zone 9971` runs twice,
    then both succeed and the topic exists afterwards."""
    from aiokafka import AIOKafkaConsumer

    zone = "9971"
    topic = topics.dispatch(zone)
    for _ in range(2):
        done = await _run(pipeline, "binrelay", "topics", "create", "--zone", pipeline.settings.zone_id,
                          "--zone", zone)
        assert done.returncode == 0, done.stdout + done.stderr
    consumer = AIOKafkaConsumer(**admin_kafka(pipeline.settings.kafka).aiokafka())
    await consumer.start()
    try:
        assert await partitions(consumer, topic), f"{topic} was not created"
    finally:
        await consumer.stop()


async def test_binrelay_approve_reject_is_applied_and_a_later_approval_refused(pipeline: Pipeline) -> None:
    """Given a police prevention message held for approval in Zavel,
    when the operator runs `binrelay approve ID --reject` and then `binrelay approve ID`,
    then both commands succeed and the dispatcher's trace (read with `binrelay trace`) shows the
    rejection applied and the approval refused as settled."""
    police = await _key(pipeline, "police")
    held = await _post(pipeline, "/v1/messages", police, {
        "kind": "prevention", "network": "zavel", "language": "nl", "text": "Sluit uw tuinhuis af."})
    await _trace_until(pipeline, held, topics.dispatch(pipeline.settings.zone_id))
    reject = await _run(pipeline, "binrelay", "approve", held, "--reject", "--network", "zavel")
    assert reject.returncode == 0 and "reject sent" in reject.stdout, reject.stdout + reject.stderr
    await _trace_until(pipeline, held, "response:reject:applied")
    approve = await _run(pipeline, "binrelay", "approve", held, "--network", "zavel")
    assert approve.returncode == 0, approve.stderr
    await _trace_until(pipeline, held, "response:approve:settled")


async def test_the_sms_adapter_entry_point_turns_a_signed_sms_into_a_report(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    """Given `binrelay-adapter-sms` started as `make up` starts it (its own key, webhook secret and
    the session's Kafka and Redis),
    when the gateway posts a signed inbound SMS to its webhook, and then one with a bad signature,
    then the first is on bin.reports.received.v1 as an SMS report and the second is refused (401)."""
    port, secret = free_port(), uuid.uuid4().hex
    env = {
        "BINRELAY_INGEST_URL": pipeline.ingest_url,
        "BINRELAY_ADAPTER_API_KEY": await _key(pipeline, "adapter", adapter="sms"),
        "BINRELAY_SMS_WEBHOOK_PORT": str(port),
        "BINRELAY_SMS_WEBHOOK_SECRET": secret,
        "BINRELAY_SMS_GATEWAY_URL": f"http://127.0.0.1:{free_port()}",  # answers are best effort
        "BINRELAY_SMS_GATEWAY_TOKEN": "unused",
        "BINRELAY_SMS_NUMBERS": json.dumps({"+32 2 555 01 01": "zavel"}),
        "BINRELAY_METRICS_PORT": str(free_port()),
    }
    log = tmp_path / "adapter-sms.log"
    reader = await TopicReader(pipeline.settings.kafka, topics.REPORTS_RECEIVED).start()
    proc = _start(["binrelay-adapter-sms"], {**pipeline.env, **env}, log)
    try:
        url = f"http://127.0.0.1:{port}"
        message_id = f"sms-{uuid.uuid4().hex}"
        body = json.dumps({"id": message_id, "from": "+32 470 99 00 11", "to": "+32 2 555 01 01",
                           "text": "Verdachte man kijkt in auto's in de Zavelstraat",
                           "received_at": "2026-03-03T12:00:00Z"}).encode()
        deadline = time.monotonic() + 120
        async with httpx.AsyncClient(base_url=url, timeout=60) as client:
            while True:
                assert proc.poll() is None, log.read_text()[-3000:]
                stamp = str(int(time.time()))
                try:
                    resp = await client.post("/v1/sms/inbound", content=body, headers={
                        "x-gateway-timestamp": stamp, "x-gateway-signature": signature(secret, stamp, body),
                        "content-type": "application/json"})
                    break
                except httpx.ConnectError:
                    assert time.monotonic() < deadline, log.read_text()[-3000:]
                    await asyncio.sleep(0.2)
            assert resp.status_code == 200, resp.text
            bad = await client.post("/v1/sms/inbound", content=body, headers={
                "x-gateway-timestamp": stamp, "x-gateway-signature": "sha256=" + "0" * 64})
            assert bad.status_code == 401
        [event] = await reader.wait_for(
            lambda m: (m.get("report") or {}).get("adapter_message_id") == message_id, timeout=120)
        assert event["report"]["channel"] == "sms" and event["network_id"] == "zavel"
    finally:
        await reader.stop()
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
    text = log.read_text()
    assert "listening" in text and "+32 470 99 00 11" not in text  # the member's number is not logged
