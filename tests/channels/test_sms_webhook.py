"""The SMS-gateway inbound webhook: signed calls from the loopback gateway, reports into ingest,
advice back by SMS, and a coordinator's "OK" as an acknowledgement on bin.responses.v1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from binrelay_ingest.adapters import acks
from binrelay_ingest.adapters.config import AdapterSettings
from binrelay_ingest.adapters.sms_webhook import create_app, signature, verify
from binrelay_senders.registry import make_receiver
from binrelay_senders.worker import SenderWorker
from binrelay_shared import addresses, topics
from binrelay_shared.events import Channel
from binrelay_shared.settings import Settings
from tests.channels.conftest import sender_settings
from tests.channels.servers import ADVICE, Gateway, Served, StubIngest, job, serve, start_gateway
from tests.conftest import free_port
from tests.kafka_helpers import TopicReader
from tests.redis_helpers import admin_redis

pytestmark = pytest.mark.integration

SECRET = "test-webhook-secret"


@pytest.fixture
def webhook(
    settings: Settings, stub_ingest: StubIngest, tmp_path: Path
) -> Iterator[tuple[Served, Gateway, AdapterSettings]]:
    port = free_port()
    gw = start_gateway(webhook_url=f"http://127.0.0.1:{port}/v1/sms/inbound", secret=SECRET)
    members = tmp_path / "members.yaml"
    members.write_text(
        "members:\n  - id: meudon-coord-1\n    roles: [coordinator]\n    channels:\n"
        "      - {channel: sms, address: '+32470002222'}\n"
    )
    adapter = AdapterSettings(
        kafka=settings.kafka,
        redis_url=settings.redis_url,
        ingest_url=stub_ingest.url,
        adapter_api_key="binr_sms_secret",
        sms_webhook_secret=SECRET,
        sms_gateway_url=gw.url,
        sms_gateway_token=gw.token,
        members_file=members,
        sms_numbers={"8800": "meudon"},
        adapter_max_attempts=2,
    )
    served = serve(create_app(adapter), port)
    try:
        yield served, gw, adapter
    finally:
        served.stop()
        gw.stop()


def inbound(gw: Gateway, **body: str) -> dict[str, object]:
    r = httpx.post(f"{gw.url}/_control/inbound", json=body, timeout=60)
    r.raise_for_status()
    return dict(r.json())


def test_an_incoming_sms_becomes_a_report_and_gets_the_advice_back(
    webhook: tuple[Served, Gateway, AdapterSettings], stub_ingest: StubIngest
) -> None:
    """Given the gateway posting a signed inbound SMS to the webhook,
    when an unknown member texts an urgent report to the network's number,
    then ingest gets a report (channel sms, network from the number, opaque reporter ref) and the
    reporter gets ingest's advice back by SMS."""
    _, gw, _ = webhook
    answer = inbound(gw, **{"from": "+32470001111", "to": "8800", "text": "Inbraak bezig in de Meudonstraat"})
    assert answer["status"] == 200
    [body] = stub_ingest.posted
    assert body["channel"] == "sms" and body["network"] == "meudon"
    assert body["text"] == "Inbraak bezig in de Meudonstraat"
    assert body["reporter"]["ref"].startswith("sms:unknown:") and body["reporter"]["contact"] == "+32470001111"
    assert [(m["to"], m["text"]) for m in gw.state.sent] == [("+32470001111", ADVICE)]


def test_a_badly_signed_call_is_refused(
    webhook: tuple[Served, Gateway, AdapterSettings], stub_ingest: StubIngest
) -> None:
    """Given a webhook call signed with the wrong secret, then it gets 401 and nothing is posted."""
    _, gw, _ = webhook
    answer = inbound(gw, **{"from": "+32470001111", "text": "Diefstal", "secret": "wrong"})
    assert answer["status"] == 401
    assert stub_ingest.posted == []


def test_signatures_check_secret_body_and_age() -> None:
    """Given a signed body, then only the same secret, body and a recent timestamp verify."""
    import time

    ts = str(int(time.time()))
    sig = signature("s", ts, b"{}")
    assert verify("s", ts, sig, b"{}", 300)
    assert not verify("t", ts, sig, b"{}", 300)
    assert not verify("s", ts, sig, b"{ }", 300)
    old = str(int(time.time()) - 1000)
    assert not verify("s", old, signature("s", old, b"{}"), b"{}", 300)


async def test_a_coordinators_ok_by_sms_acknowledges_the_alerts(
    webhook: tuple[Served, Gateway, AdapterSettings], stub_ingest: StubIngest, settings: Settings
) -> None:
    """Given two alerts delivered by SMS to a coordinator (audience coordinator),
    when the coordinator answers "OK" by SMS,
    then a Response(kind=acknowledge) for each report, with the coordinator's member id as
    responder (never the number), is published on bin.responses.v1 and no report is posted;
    and a second "OK" finds nothing left to acknowledge."""
    _, gw, _ = webhook
    redis = admin_redis(settings.redis_url)
    conf = sender_settings(settings.redis_url)
    receiver = make_receiver(Channel.sms, conf, sms_gateway_url=gw.url, sms_gateway_token=gw.token)
    worker = SenderWorker(receiver, conf, redis)
    alerts = [
        job(Channel.sms, "+32 470 00 22 22", audience="coordinator", recipient_id="meudon-coord-1",
            text=f"Alarm {n}: inbraak bezig (test).")
        for n in (1, 2)
    ]
    reader = await TopicReader(settings.kafka, topics.RESPONSES).start()
    try:
        await worker.process(alerts)
        answer = inbound(gw, **{"from": "+32470002222", "to": "8800", "text": "Ok!"})
        assert answer["status"] == 200
        ours = {a.report_id for a in alerts}
        responses = await reader.wait_for(lambda m: m.get("report_id") in ours, timeout=60, count=2)
        assert {r["report_id"] for r in responses} == ours
        for response in responses:
            assert response["kind"] == "acknowledge" and response["via"] == "sms"
            assert response["responder_id"] == "meudon-coord-1"
        assert stub_ingest.posted == []
        again = inbound(gw, **{"from": "+32470002222", "to": "8800", "text": "OK"})
        assert "nothing to acknowledge" in str(again["body"])
    finally:
        await reader.stop()
        await worker.receiver.close()
        await redis.aclose()


def test_the_ack_lookup_keys_are_the_same_on_both_sides() -> None:
    """Given the sender writes and the adapter reads the ack lookup, then both use the one
    definition in binrelay_shared.addresses (keys, address hash, phone spelling)."""
    from binrelay_ingest.adapters import members
    from binrelay_senders import worker
    from binrelay_senders.providers import smpp, sms_http

    assert acks.ACK_SMS_KEY is worker.ACK_SMS_KEY is addresses.ACK_SMS_KEY
    assert acks.ACK_CHAT_KEY is worker.ACK_CHAT_KEY is addresses.ACK_CHAT_KEY
    assert acks.address_hash is worker.address_hash is addresses.address_hash
    assert members.normalize_phone is sms_http.normalize_phone is smpp.normalize_phone is addresses.normalize_phone
    assert acks.is_ack("OK") and acks.is_ack(" ja! ") and acks.is_ack("Oui.") and not acks.is_ack("ok, ik kom")
