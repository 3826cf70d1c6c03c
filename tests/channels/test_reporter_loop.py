"""The reporter's loop, end to end on the real broker and channels: a Meudon member reports by SMS
(through the loopback SMS gateway and the SMS webhook), gets a receipt by SMS; the police post a
feedback that refers to that report (POST /v1/messages with a police key); the reporter's phone gets
it directly, nobody else gets the reporter's number, and GET /v1/reports/{original id} shows it.

Every wait polls with a generous deadline; a negative check ("nobody else …") is made once a later
positive event (the coordinators' approval requests, sent after the reporter's feedback was
planned) has arrived.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import orjson
import pytest

from binrelay_devservers.smtp_sink import SinkHandler
from binrelay_dispatcher import state
from binrelay_ingest.adapters.config import AdapterSettings
from binrelay_ingest.adapters.sms_webhook import create_app
from binrelay_ingest.keys import create_key
from binrelay_shared import topics
from binrelay_shared.events import new_id
from binrelay_shared.network import load_members, load_network
from binrelay_shared.settings import Settings
from tests.channels.servers import parse_mail, serve, start_gateway, wait_until
from tests.channels.test_adapters_ingest import adapter_key
from tests.channels.test_sender_process import sender
from tests.conftest import REPO, TEST_ZONE, free_port
from tests.kafka_helpers import TopicReader
from tests.pipeline import Pipeline
from tests.redis_helpers import admin_redis, mac_key

pytestmark = pytest.mark.integration

REPORTER_PHONE = "+447700900019"  # meudon-member-1 (deploy/members.example.yaml), reads Dutch
REPORTER_ID = "meudon-member-1"
FEEDBACK = "De bestelwagen is gecontroleerd: hij is van een aannemer in de straat. Bedankt voor uw melding."
WAIT = 120.0


async def _police_key(settings: Settings) -> str:
    redis = admin_redis(settings.redis_url)
    try:
        key, _ = await create_key(redis, mac_key=mac_key(), role="police", zone=TEST_ZONE, label="reporter loop")
        return key
    finally:
        await redis.aclose()


def _in_quiet_hours(received: str) -> bool:
    """Whether Meudon's plan holds a non-bypassing delivery to meudon-member-1 at ``received``."""
    network = load_network(REPO / "deploy" / "networks" / "meudon.yaml",
                           load_members(REPO / "deploy" / "members.example.yaml"))
    at = datetime.fromisoformat(received).astimezone(ZoneInfo("Europe/Brussels"))
    return network.file.plan.quiet_hours.contains(at.time())


async def test_feedback_reaches_the_original_reporter_by_the_channel_they_used(
    pipeline: Pipeline, settings: Settings, smtp_sink: tuple[int, SinkHandler], tmp_path: Path
) -> None:
    """Given the whole pipeline on the seed plans, the SMS webhook, the SMS and e-mail senders,
    when a Meudon member reports a suspicious van by SMS,
    then their phone gets Meudon's receipt by SMS, in Dutch, at once;
    when the police post a feedback that refers_to that report,
    then the reporter's phone gets it directly (route feedback-to-reporter, no approval), the
    coordinators get the approval request for the group without the reporter's number, no other
    delivery goes to or mentions the reporter's number, the dispatcher logs neither the number nor the
    reporter's member id, and GET /v1/reports/{original id} (the SMS adapter's own key) shows the
    step feedback:sms:delivered."""
    sink_port, sink = smtp_sink
    hook_port = free_port()
    gw = start_gateway(webhook_url=f"http://127.0.0.1:{hook_port}/v1/sms/inbound", secret="loop-back")
    sms_key = await adapter_key(settings.redis_url, "sms-reporter-loop")
    adapter = AdapterSettings(
        kafka=settings.kafka,
        redis_url=settings.redis_url,
        ingest_url=pipeline.ingest_url,
        adapter_api_key=sms_key,
        sms_webhook_secret="loop-back",
        sms_gateway_url=gw.url,
        sms_gateway_token=gw.token,
    )
    hook = serve(create_app(adapter), hook_port)
    received = await TopicReader(settings.kafka, topics.REPORTS_RECEIVED).start()
    zone = await TopicReader(settings.kafka, topics.dispatch(TEST_ZONE)).start()
    outbox = {c: await TopicReader(settings.kafka, topics.outbox(c)).start() for c in ("sms", "email", "chat")}
    env = {"BINRELAY_SMS_GATEWAY_URL": gw.url, "BINRELAY_SMS_GATEWAY_TOKEN": gw.token,
           "BINRELAY_SMTP_PORT": str(sink_port)}
    redis = admin_redis(settings.redis_url)
    try:
        with (sender("sms", settings, tmp_path / "sender-sms.log", **env),
              sender("email", settings, tmp_path / "sender-email.log", **env)):
            # -- the member reports by SMS: the receipt comes back by SMS ----------------------
            sms_id = f"loop-{new_id()}"
            async with httpx.AsyncClient(timeout=60) as client:
                r = await client.post(f"{gw.url}/_control/inbound", json={
                    "id": sms_id, "from": REPORTER_PHONE,
                    "text": "Al drie dagen staat een verdachte bestelwagen zonder nummerplaat in de Meudonstraat.",
                })
            assert r.json()["status"] == 200, r.json()
            [event] = await received.wait_for(
                lambda m: m.get("report", {}).get("adapter_message_id") == sms_id, timeout=WAIT)
            rid = event["report_id"]
            assert (event["network_id"], event["report"]["channel"]) == ("meudon", "sms")
            receipt = wait_until(
                lambda: [m for m in gw.state.sent if m["to"] == REPORTER_PHONE and rid[:8] in m["text"]], timeout=WAIT)
            assert "BIN Meudon: uw melding is doorgegeven" in receipt[0]["text"]

            # -- the police post a feedback that refers to it -----------------------------------
            async with httpx.AsyncClient(base_url=pipeline.ingest_url, timeout=60) as client:
                resp = await client.post(
                    "/v1/messages", headers={"Authorization": f"Bearer {await _police_key(settings)}"},
                    json={"kind": "feedback", "network": "meudon", "language": "nl", "refers_to": rid,
                          "text": FEEDBACK})
            assert resp.status_code == 202, resp.text
            fid = resp.json()["report_id"]
            [dispatch] = await zone.wait_for(
                lambda m: m.get("report_id") == fid and m.get("routes") != ["no-plan"], timeout=WAIT)
            assert dispatch["routes"] == ["feedback-to-reporter", "police-broadcast"]
            assert dispatch["held"] == "approval"  # the group waits for a coordinator; the reporter does not
            assert REPORTER_PHONE not in orjson.dumps(dispatch["classification"]).decode()

            if _in_quiet_hours(dispatch["stamps"]["received"]):
                # At night the feedback (and the approval requests) wait for the end of quiet hours:
                # timers, stored with the report's claims before anything is published.
                held = [orjson.loads(m) for m in await redis.zrange(state.TIMERS, 0, -1)]
                jobs = [t["job"] for t in held if t.get("t") == "send" and t["job"]["report_id"] == fid]
            else:
                # By day: the reporter's SMS and meudon-coord-1's approval request (SMS), and
                # meudon-coord-2's (e-mail); the whole batch is out once these are.
                await outbox["sms"].wait_for(lambda m: m.get("report_id") == fid, count=2, timeout=WAIT)
                await outbox["email"].wait_for(lambda m: m.get("report_id") == fid, timeout=WAIT)
                await outbox["chat"].read_to_end()  # the batch is out: a chat job would be before the end
                jobs = [m for r_ in outbox.values() for m in r_.seen if m.get("report_id") == fid]
            [to_reporter] = [j for j in jobs if j["audience"] == "reporter"]
            assert (to_reporter["channel"], to_reporter["address"], to_reporter["language"]) == (
                "sms", REPORTER_PHONE, "nl")
            assert to_reporter["refers_to"] == rid and to_reporter["recipient_id"] == REPORTER_ID
            others = [j for j in jobs if j["audience"] != "reporter"]
            assert {j["audience"] for j in others} == {"coordinators"} and len(others) == 2
            for job in others:  # the approval requests name neither the reporter nor their report
                assert job["address"] != REPORTER_PHONE and REPORTER_PHONE not in job["text"]
                assert job.get("refers_to") is None
            if _in_quiet_hours(dispatch["stamps"]["received"]):
                return

            feedback_sms = wait_until(
                lambda: [m for m in gw.state.sent if m["to"] == REPORTER_PHONE and "gecontroleerd" in m["text"]],
                timeout=WAIT)
            assert f"opvolging van uw melding (ref {rid[:8]})" in feedback_sms[0]["text"]
            # nobody else got the reporter's number, by SMS or by mail (the approval requests are out)
            wait_until(lambda: any(m["to"] == "+447700900017" for m in gw.state.sent) and sink.messages,
                       timeout=WAIT)
            assert all(REPORTER_PHONE not in m["text"] for m in gw.state.sent)
            assert all(REPORTER_PHONE not in parse_mail(m.data).get_content() for m in sink.messages)

            # -- the adapter that posted the report sees the answer reach its reporter ----------
            names: list[str] = []
            deadline = asyncio.get_running_loop().time() + WAIT
            async with httpx.AsyncClient(base_url=pipeline.ingest_url, timeout=60) as client:
                while "feedback:sms:delivered" not in names:
                    assert asyncio.get_running_loop().time() < deadline, names
                    got = await client.get(f"/v1/reports/{rid}", headers={"Authorization": f"Bearer {sms_key}"})
                    assert got.status_code == 200, got.text
                    names = [step["step"] for step in got.json()["steps"]]
                    await asyncio.sleep(0.2)
            assert "delivery:sms:delivered" in names  # the receipt
        # the dispatcher's log of these two reports names neither the reporter's number nor their id
        lines = [line for line in pipeline.logs["dispatcher"].read_text(errors="replace").splitlines()
                 if rid in line or fid in line]
        assert lines and not [line for line in lines if REPORTER_PHONE in line or REPORTER_ID in line]
    finally:
        await redis.aclose()
        for reader in (received, zone, *outbox.values()):
            await reader.stop()
        hook.stop()
        gw.stop()
