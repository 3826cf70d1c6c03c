"""The SMS-gateway inbound webhook: signed calls from the loopback gateway, reports into ingest,
advice back by SMS, and replies bound to what they answer (a question when several wait)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from binrelay_ingest.adapters.config import AdapterSettings
from binrelay_ingest.adapters.sms_webhook import create_app, signature, verify
from binrelay_senders.registry import make_receiver
from binrelay_senders.worker import SenderWorker
from binrelay_shared import addresses, replies, topics
from binrelay_shared.events import Channel, ResponseKind
from binrelay_shared.replies import short_ref
from binrelay_shared.settings import Settings
from tests.channels.conftest import sender_settings
from tests.channels.servers import ADVICE, Gateway, Served, StubIngest, job, serve, start_gateway, wait_until
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
    assert gw.received_to() == Counter({"+32470001111": 1})  # put on the wire once, not deduped by the gateway


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


async def test_an_ok_by_sms_acknowledges_the_one_alert_it_names(
    webhook: tuple[Served, Gateway, AdapterSettings], stub_ingest: StubIngest, settings: Settings
) -> None:
    """Given two alerts delivered by SMS to a coordinator, each asking for an OK,
    when the coordinator answers "Ok!" by SMS,
    then nothing is acknowledged: they get an SMS back asking which, listing both refs;
    when they answer "OK <ref of the second>",
    then one Response(kind=acknowledge, ref) for that alert alone, with the coordinator's member id
    as responder (never the number), is published, and no report is posted;
    and a last "OK" acknowledges the first, the only one left."""
    _, gw, _ = webhook
    redis = admin_redis(settings.redis_url)
    conf = sender_settings(settings.redis_url)
    receiver = make_receiver(Channel.sms, conf, sms_gateway_url=gw.url, sms_gateway_token=gw.token)
    worker = SenderWorker(receiver, conf, redis)
    alerts = [
        job(Channel.sms, "+32 470 00 22 22", audience="coordinator", recipient_id="meudon-coord-1",
            text=f"Alarm {n}: inbraak bezig (test).", expects=ResponseKind.acknowledge, network_id="meudon")
        for n in (1, 2)
    ]
    first, second = (short_ref(a.report_id) for a in alerts)
    reader = await TopicReader(settings.kafka, topics.RESPONSES).start()
    try:
        await worker.process(alerts)
        answer = inbound(gw, **{"from": "+32470002222", "to": "8800", "text": "Ok!"})
        assert answer["status"] == 200 and "asked" in str(answer["body"])
        question = wait_until(lambda: [m for m in gw.state.sent if m["to"] == "+32470002222" and "Ref" in m["text"]])
        assert f"Ref {first}" in question[-1]["text"] and f"Ref {second}" in question[-1]["text"]
        inbound(gw, **{"from": "+32470002222", "to": "8800", "text": f"OK ref {second}"})
        [response] = await reader.wait_for(lambda m: m.get("report_id") in {a.report_id for a in alerts},
                                           timeout=60)
        assert response["report_id"] == alerts[1].report_id and response["ref"] == second
        assert (response["kind"], response["via"], response["responder_id"]) == ("acknowledge", "sms",
                                                                                 "meudon-coord-1")
        inbound(gw, **{"from": "+32470002222", "to": "8800", "text": "OK"})
        later = await reader.wait_for(lambda m: m.get("report_id") == alerts[0].report_id, timeout=60)
        assert [r["ref"] for r in later] == [first]
        # the first "Ok!" published nothing: the only responses are the two that came after it
        assert [r["report_id"] for r in reader.seen if r.get("report_id") in {a.report_id for a in alerts}] == [
            alerts[1].report_id, alerts[0].report_id]
        assert stub_ingest.posted == []
    finally:
        await reader.stop()
        await worker.receiver.close()
        await redis.aclose()


async def test_short_texts_get_help_unknown_numbers_are_refused_and_reports_go_to_ingest(
    webhook: tuple[Served, Gateway, AdapterSettings], stub_ingest: StubIngest
) -> None:
    """Given a member with nothing pending and an unknown number,
    when the member texts "NEE" and "Bedankt", then they get the help text (in Dutch) and nothing
    is posted; when the unknown number texts "JA" or "STOP", then it is refused and gets nothing;
    when the member texts a report, then it goes to ingest as before."""
    _, gw, _ = webhook
    for text in ("NEE", "Bedankt"):
        answer = inbound(gw, **{"from": "+32470002222", "to": "8800", "text": text})
        assert "help" in str(answer["body"])
    helps = [m for m in gw.state.sent if m["to"] == "+32470002222"]
    assert len(helps) == 2 and all("antwoord OK of JA" in m["text"] for m in helps)
    for text in ("JA", "STOP"):
        answer = inbound(gw, **{"from": "+32470009999", "to": "8800", "text": text})
        assert "refused_unknown" in str(answer["body"])
    assert not [m for m in gw.state.sent if m["to"] == "+32470009999"]
    assert gw.received_to()["+32470002222"] == 2 and gw.received_to()["+32470009999"] == 0  # at the wire
    assert stub_ingest.posted == []
    inbound(gw, **{"from": "+32470002222", "to": "8800", "text": "Verdachte wagen rijdt traag door de straat"})
    [body] = stub_ingest.posted
    assert body["reporter"]["ref"] == "meudon-coord-1"


def test_the_pending_answers_are_keyed_the_same_on_both_sides() -> None:
    """Given the sender writes and the adapters read what waits for an answer, then both use the
    one definition in binrelay_shared (keys, address hash, phone spelling)."""
    from binrelay_ingest.adapters import acks, members
    from binrelay_senders import worker
    from binrelay_senders.providers import smpp, sms_http

    assert acks.replies is worker.replies is replies
    assert replies.address_key("k", "sms", "+32 470 00 22 22") == replies.address_key("k", "sms", "0032470002222")
    assert replies.address_key("k", "chat", "@A:b") == replies.address_key("k", "chat", "@a:b")
    assert members.normalize_phone is sms_http.normalize_phone is smpp.normalize_phone is addresses.normalize_phone
