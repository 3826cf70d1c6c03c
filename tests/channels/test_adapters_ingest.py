"""The inbound adapters against the real ingest service (a process, with its credential check):
what they post is accepted, published on bin.reports.received.v1, and answered with advice."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
import httpx
import pytest

from binrelay_devservers.smtp_sink import SinkHandler
from binrelay_ingest.adapters.config import AdapterSettings
from binrelay_ingest.adapters.sms_webhook import create_app
from binrelay_ingest.adapters.smtp import start_listener
from binrelay_ingest.keys import create_key
from binrelay_shared import topics, trace
from binrelay_shared.events import new_id
from binrelay_shared.replies import short_ref
from binrelay_shared.settings import Settings
from tests.channels.servers import parse_mail, serve, start_gateway, wait_until
from tests.channels.test_sender_process import sender
from tests.conftest import REPO, TEST_ZONE, free_port
from tests.kafka_helpers import TopicReader
from tests.pipeline import Pipeline
from tests.redis_helpers import admin_redis, mac_key

pytestmark = pytest.mark.integration


async def adapter_key(redis_url: str, adapter: str) -> str:
    redis = admin_redis(redis_url)
    try:
        key, _ = await create_key(redis, mac_key=mac_key(),
            role="adapter", zone=TEST_ZONE, adapter=adapter, label="channels test")
        return key
    finally:
        await redis.aclose()


async def test_a_mail_reaches_kafka_through_the_real_ingest_and_the_advice_comes_back(
    pipeline: Pipeline, settings: Settings, smtp_sink: tuple[int, SinkHandler], tmp_path: Path
) -> None:
    """Given the SMTP adapter with its own adapter key, posting to the running ingest service,
    when a member mails an urgent report to zavel's report address,
    then the mail is accepted (250), a ReportReceived with channel email and adapter id is on
    bin.reports.received.v1, and the advice (101 / 112) comes back by mail."""
    sink_port, sink = smtp_sink
    adapter = AdapterSettings(
        ingest_url=pipeline.ingest_url,
        adapter_api_key=await adapter_key(settings.redis_url, "email"),
        smtp_listen_port=free_port(),
        smtp_port=sink_port,
        networks_dir=REPO / "deploy" / "networks",
        attachments_dir=tmp_path / "attachments",
    )
    controller, _ = start_listener(adapter)
    reader = await TopicReader(settings.kafka, topics.REPORTS_RECEIVED).start()
    try:
        mid = f"<e2e-{new_id()}@example.org>"  # unique: ingest answers a repeated id from its first answer
        msg = EmailMessage()
        msg["From"] = "lid-e2e@example.org"
        msg["To"] = "zavel@reports.binrelay.test"
        msg["Subject"] = "Inbraak"
        msg["Message-ID"] = mid
        msg.set_content("Er wordt nu ingebroken in de winkel op de Grote Zavel, ze zijn nog binnen!")
        await aiosmtplib.send(msg, hostname="127.0.0.1", port=adapter.smtp_listen_port, timeout=60)
        [event] = await reader.wait_for(
            lambda m: m.get("report", {}).get("adapter_message_id") == mid, timeout=60
        )
        assert event["report"]["channel"] == "email" and event["network_id"] == "zavel"
        wait_until(lambda: sink.messages, timeout=60)
        answer = parse_mail(sink.messages[0].data)
        assert answer["To"] == "lid-e2e@example.org" and "112" in answer.get_content()
    finally:
        await reader.stop()
        controller.stop()


async def test_an_sms_reaches_kafka_through_the_real_ingest(pipeline: Pipeline, settings: Settings) -> None:
    """Given the SMS webhook with its own adapter key, posting to the running ingest service,
    when the gateway delivers a signed inbound SMS,
    then a ReportReceived with channel sms is on bin.reports.received.v1."""
    port = free_port()
    gw = start_gateway(webhook_url=f"http://127.0.0.1:{port}/v1/sms/inbound", secret="e2e")
    adapter = AdapterSettings(
        kafka=settings.kafka,
        redis_url=settings.redis_url,
        ingest_url=pipeline.ingest_url,
        adapter_api_key=await adapter_key(settings.redis_url, "sms-gateway"),
        sms_webhook_secret="e2e",
        sms_gateway_url=gw.url,
        sms_gateway_token=gw.token,
    )
    served = serve(create_app(adapter), port)
    reader = await TopicReader(settings.kafka, topics.REPORTS_RECEIVED).start()
    sms_id = f"e2e-sms-{new_id()}"
    try:
        async with httpx.AsyncClient(timeout=60) as client:
            r = await client.post(
                f"{gw.url}/_control/inbound",
                json={"id": sms_id, "from": "+447700900123", "text": "Verdachte wagen in de Meudonstraat"},
            )
        assert r.json()["status"] == 200, r.json()
        [event] = await reader.wait_for(
            lambda m: m.get("report", {}).get("adapter_message_id") == sms_id, timeout=60
        )
        assert event["report"]["channel"] == "sms"
    finally:
        await reader.stop()
        served.stop()
        gw.stop()


async def test_full_loop_mail_in_sms_out_and_the_coordinators_ok_comes_back(
    pipeline: Pipeline, settings: Settings, smtp_sink: tuple[int, SinkHandler], tmp_path: Path
) -> None:
    """Given the whole pipeline, the SMTP adapter, the SMS webhook and the SMS sender, on the seed
    plans and the example members file (urgent member report: officer and coordinators, SMS first),
    when a member mails an urgent report to zavel's report address,
    then the officer's SMS reaches the gateway, 'delivered' outcomes and the trace's
    delivery:sms:delivered are recorded for the report, and the coordinator's "JA <ref>" by SMS
    becomes an acknowledgement of that report on bin.responses.v1 (with the ref: the session's
    other urgent reports may wait for this coordinator's OK too, and a bare JA would get a question)."""
    sink_port, _ = smtp_sink
    hook_port = free_port()
    gw = start_gateway(webhook_url=f"http://127.0.0.1:{hook_port}/v1/sms/inbound", secret="loop")
    adapter = AdapterSettings(
        kafka=settings.kafka,
        redis_url=settings.redis_url,
        ingest_url=pipeline.ingest_url,
        adapter_api_key=await adapter_key(settings.redis_url, "loop"),
        smtp_listen_port=free_port(),
        smtp_port=sink_port,
        networks_dir=REPO / "deploy" / "networks",
        attachments_dir=tmp_path / "attachments",
        sms_webhook_secret="loop",
        sms_gateway_url=gw.url,
        sms_gateway_token=gw.token,
    )
    controller, _ = start_listener(adapter)
    hook = serve(create_app(adapter), hook_port)
    received = await TopicReader(settings.kafka, topics.REPORTS_RECEIVED).start()
    outcomes = await TopicReader(settings.kafka, topics.DELIVERIES).start()
    responses = await TopicReader(settings.kafka, topics.RESPONSES).start()
    env = {"BINRELAY_SMS_GATEWAY_URL": gw.url, "BINRELAY_SMS_GATEWAY_TOKEN": gw.token}
    try:
        with sender("sms", settings, tmp_path / "sender-sms.log", **env):
            mid = f"<loop-{new_id()}@example.org>"
            msg = EmailMessage()
            msg["From"] = "lid-loop@example.org"
            msg["To"] = "zavel@reports.binrelay.test"
            msg["Subject"] = "Inbraak bezig"
            msg["Message-ID"] = mid
            msg.set_content("Inbraak bezig in de juwelier op de Grote Zavel, de daders zijn nog binnen!")
            await aiosmtplib.send(msg, hostname="127.0.0.1", port=adapter.smtp_listen_port, timeout=60)
            [event] = await received.wait_for(
                lambda m: m.get("report", {}).get("adapter_message_id") == mid, timeout=60
            )
            rid = event["report_id"]
            await outcomes.wait_for(
                lambda m: m.get("report_id") == rid and m.get("recipient_id") == "officer-5339-zavel"
                and m.get("outcome") == "delivered",
                timeout=120,
            )
            assert any(m["to"] == "+447700900001" for m in gw.state.sent)
            redis = admin_redis(settings.redis_url)
            try:
                assert "delivery:sms:delivered" in await trace.read(redis, rid)
            finally:
                await redis.aclose()
            await outcomes.wait_for(
                lambda m: m.get("report_id") == rid and m.get("recipient_id") == "zavel-coord-1", timeout=120
            )
            async with httpx.AsyncClient(timeout=60) as client:
                ja = {"id": f"loop-ja-{new_id()}", "from": "+447700900004", "text": f"JA Ref {short_ref(rid)}"}
                r = await client.post(f"{gw.url}/_control/inbound", json=ja)
            assert r.json()["status"] == 200, r.json()
            [ack] = await responses.wait_for(lambda m: m.get("report_id") == rid, timeout=60)
            assert (ack["kind"], ack["via"], ack["responder_id"]) == ("acknowledge", "sms", "zavel-coord-1")
            assert ack["ref"] == short_ref(rid)
    finally:
        for reader in (received, outcomes, responses):
            await reader.stop()
        hook.stop()
        controller.stop()
        gw.stop()
