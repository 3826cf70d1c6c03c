"""Replies as commands, end to end on the real broker and real channels.

A dispatcher process of its own runs the seed plans (ids prefixed ``rp-``; its own consumer group
and Redis database), with one change to the fictitious members: ``meudon-coord-2`` is reached by
chat first, on the test's Synapse. The jobs it publishes for a test's report are delivered by the
real senders (SMS through the loopback gateway, chat through Synapse), which record what waits for
an answer; replies come in through the gateway's signed inbound webhook (``/_control/inbound``)
into the SMS adapter, and as Matrix thread replies to the Matrix bot; their Responses go over
``bin.responses.v1`` to the dispatcher. Nothing waits on the clock: every check polls for an event
with a generous deadline, and a "nothing happened" is checked after a later event that would have
come after it.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from redis.asyncio import Redis

from binrelay_dispatcher import state
from binrelay_ingest.adapters.config import AdapterSettings
from binrelay_ingest.adapters.matrix_bot import MatrixBot
from binrelay_ingest.adapters.sms_webhook import create_app
from binrelay_senders.registry import make_receiver
from binrelay_senders.worker import SenderWorker
from binrelay_shared import topics, trace
from binrelay_shared.codec import encode
from binrelay_shared.consent import SMS_WITHDRAWN_KEY
from binrelay_shared.events import Channel, DeliveryJob, DeliveryOutcome, ReportCleared, utcnow
from binrelay_shared.replies import short_ref
from binrelay_shared.settings import Settings
from tests.channels.conftest import sender_settings
from tests.channels.servers import (
    Gateway,
    MatrixUser,
    Served,
    StubIngest,
    Synapse,
    serve,
    start_gateway,
    start_stub_ingest,
)
from tests.conftest import free_port
from tests.dispatcher.conftest import _start, _write_plans, dispatcher_env, stop_process, wait_ready
from tests.dispatcher.helpers import cleared
from tests.kafka_helpers import TopicReader, produce
from tests.redis_helpers import admin_redis

pytestmark = pytest.mark.integration

DAY = datetime.fromisoformat("2026-01-13T14:00:00+01:00")
NIGHT = datetime.fromisoformat("2026-01-13T23:30:00+01:00")
COORD_1 = "+447700900017"  # meudon-coord-1: SMS first (members.example.yaml, fictitious)
MEMBER_1 = "+447700900019"  # meudon-member-1: in the group, approves nothing
ZAVEL_MEMBER_1 = "+447700900007"  # zavel-member-1: SMS, then e-mail
WEBHOOK_SECRET = "replies-webhook-secret"
Msg = dict[str, Any]


@dataclass
class Stack:
    kafka: str
    redis: Redis
    gateway: Gateway
    synapse: Synapse
    coordinator: MatrixUser  # meudon-coord-2 on the test's Synapse
    sms: SenderWorker
    chat: SenderWorker
    outboxes: dict[str, TopicReader]
    responses: TopicReader
    stub: StubIngest
    registry_url: str  # the member registry the dispatcher and the SMS adapter share
    dispatcher_log: Path

    async def post(self, *reports: ReportCleared) -> None:
        for r in reports:
            await produce(self.kafka, topics.REPORTS_CLEARED, [encode(r)], key=(r.network_id or "").encode())

    async def poll(self) -> None:
        """Take in what the outboxes hold now."""
        for reader in self.outboxes.values():
            try:
                await reader.wait_for(lambda m: False, timeout=0.1)
            except AssertionError:
                pass

    async def jobs(self, report_id: str, count: int, timeout: float = 60.0) -> list[DeliveryJob]:
        """The first ``count`` jobs of a report over every outbox (polled; the deadline bounds a hang)."""
        return await outbox_jobs(self.outboxes, report_id, count, timeout)

    async def deliver(self, jobs: list[DeliveryJob]) -> None:
        """Deliver jobs as the senders do (SMS through the gateway, chat through Synapse)."""
        results = await self.sms.process([j for j in jobs if j.channel is Channel.sms])
        results += await self.chat.process([j for j in jobs if j.channel is Channel.chat])
        outcomes = [o.event.outcome.value for outs in results for o in outs if isinstance(o.event, DeliveryOutcome)]
        assert outcomes == ["delivered"] * len(outcomes), outcomes

    def text(self, number: str, text: str) -> dict[str, Any]:
        """An SMS from ``number`` to the relay, through the gateway's signed webhook."""
        r = httpx.post(f"{self.gateway.url}/_control/inbound", json={"from": number, "to": "8800", "text": text},
                       timeout=60)
        r.raise_for_status()
        body = dict(r.json())
        assert body["status"] == 200, body
        return dict(orjson.loads(body["body"]))

    def sms_to(self, number: str) -> list[str]:
        return [m["text"] for m in self.gateway.state.sent if m["to"] == number]

    async def trace_of(self, report_id: str, field: str, timeout: float = 60.0) -> dict[str, str]:
        """The report's trace once it holds ``field``."""
        return await until(lambda: _has(self.redis, report_id, field), timeout)

    async def responses_of(self, *report_ids: str, count: int = 1) -> list[Msg]:
        """Every Response about these reports on bin.responses.v1, once ``count`` have arrived."""
        await self.responses.wait_for(lambda m: m.get("report_id") in report_ids, timeout=60, count=count)
        return [m for m in self.responses.seen if m.get("report_id") in report_ids]

    async def approval(self, report_id: str) -> Msg:
        raw = await self.redis.get(state.approval_key(report_id))
        assert raw is not None
        return dict(orjson.loads(raw))


async def outbox_jobs(outboxes: dict[str, TopicReader], report_id: str, count: int,
                      timeout: float = 60.0) -> list[DeliveryJob]:
    """The first ``count`` jobs of a report over these outboxes (polled; the deadline bounds a hang)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = []
        for reader in outboxes.values():
            try:
                await reader.wait_for(lambda m: False, timeout=0.1)
            except AssertionError:
                pass
            found += [DeliveryJob.model_validate(m) for m in reader.seen if m.get("report_id") == report_id]
        if len(found) >= count:
            return found
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{len(found)}/{count} jobs of {report_id}")


async def _has(redis: Redis, report_id: str, field: str) -> dict[str, str] | None:
    found = await trace.read(redis, report_id)
    return found if field in found else None


async def until(probe: Callable[[], Any], timeout: float = 60.0) -> Any:
    """Await ``probe()`` (a coroutine) until it is truthy; the deadline only bounds a hang."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = await probe()
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(0.2)


def _dm_invites(synapse: Synapse, user: MatrixUser) -> list[str]:
    body = synapse.api(user, "GET", "/sync", params={"timeout": 0})
    return list(body.get("rooms", {}).get("invite", {}))


@pytest.fixture(scope="module")
async def stack(settings: Settings, synapse: Synapse, tmp_path_factory: pytest.TempPathFactory
                ) -> AsyncIterator[Stack]:
    work = tmp_path_factory.mktemp("replies-e2e")
    n = os.urandom(4).hex()
    bot = synapse.register(f"rp-bot-{n}")
    coordinator = synapse.register(f"rp-coord-{n}")
    plans, members = _write_plans(work, prefix="rp-")
    text = members.read_text("utf-8")
    chat_first = f'{{channel: chat, address: "{coordinator.user_id}"}}'
    assert '{channel: email, address: "meudon-coord-2@example.org"}' in text
    members.write_text(text.replace('{channel: email, address: "meudon-coord-2@example.org"}', chat_first), "utf-8")
    redis_url = settings.redis_url.rsplit("/", 1)[0] + "/4"
    redis = admin_redis(redis_url)
    await redis.flushdb()
    env = dispatcher_env(settings, redis_url, plans, members, "dispatcher-replies")
    registry_url = env["BINRELAY_DATABASE_URL"]
    log = work / "dispatcher.log"
    proc = _start(env, log)
    port = free_port()
    gw = start_gateway(webhook_url=f"http://127.0.0.1:{port}/v1/sms/inbound", secret=WEBHOOK_SECRET)
    stub = start_stub_ingest()
    adapter = AdapterSettings(
        kafka=settings.kafka, redis_url=redis_url, ingest_url=stub.url, adapter_api_key="binr_sms_secret",
        sms_webhook_secret=WEBHOOK_SECRET, sms_gateway_url=gw.url, sms_gateway_token=gw.token,
        members_file=members, adapter_max_attempts=2, database_url=registry_url,
        matrix_homeserver=synapse.url, matrix_user_id=bot.user_id, matrix_access_token=bot.access_token,
        matrix_device_id="RPBOT",
    )
    served: Served = serve(create_app(adapter), port)
    matrix = MatrixBot(adapter)
    stop = asyncio.Event()
    bot_task = asyncio.ensure_future(matrix.run(stop))
    conf = sender_settings(redis_url)
    sms = SenderWorker(make_receiver(Channel.sms, conf, sms_gateway_url=gw.url, sms_gateway_token=gw.token),
                       conf, redis)
    chat = SenderWorker(make_receiver(Channel.chat, conf, redis, matrix_homeserver=synapse.url,
                                      matrix_user_id=bot.user_id, matrix_access_token=bot.access_token,
                                      matrix_device_id="RPSENDER"), conf, redis)
    outboxes = {c: await TopicReader(settings.kafka, topics.outbox(c)).start() for c in ("sms", "email", "chat")}
    responses = await TopicReader(settings.kafka, topics.RESPONSES).start()
    harness = Stack(settings.kafka, redis, gw, synapse, coordinator, sms, chat, outboxes, responses, stub,
                    registry_url, log)
    try:
        await asyncio.wait_for(matrix.ready.wait(), 60)
        await wait_ready(settings, proc, log, "rp-kastelein")
        yield harness
    finally:
        stop.set()
        await asyncio.gather(asyncio.wait_for(bot_task, 30), return_exceptions=True)
        for r in (*outboxes.values(), responses):
            await r.stop()
        await sms.receiver.close()
        await chat.receiver.close()
        served.stop()
        gw.stop()
        stub.stop()
        await stop_process(proc)
        await redis.aclose()


async def released(stack: Stack, report_id: str) -> int:
    """How many group deliveries an approval released: sent now, or held on a timer (quiet hours
    at the real time of the approval): the count does not depend on the clock."""
    await stack.poll()
    now = sum(1 for r in stack.outboxes.values() for m in r.seen
              if m.get("report_id") == report_id and m.get("audience") == "group")
    timers: list[Any] = await stack.redis.zrange(state.TIMERS, 0, -1)
    later = len([t for t in timers if orjson.loads(t).get("job", {}).get("report_id") == report_id])
    return now + later


def feedback(text: str) -> ReportCleared:
    return cleared("rp-meudon", DAY, origin="police", kind="feedback", text=text)


async def test_approval_by_sms_ja_and_a_non_approvers_ja_refused(stack: Stack) -> None:
    """Given police feedback held for the approval of Meudon's coordinators, the request delivered
    by SMS to meudon-coord-1 (ending with its ref),
    when a group member who approves nothing texts "JA <ref>", and then the coordinator texts "JA",
    then the member's Response is refused by the dispatcher (not_entitled, in the trace, the
    approval still pending), and the coordinator's approves it: the Response names the ref and the
    coordinator, the approval is recorded and the group's deliveries are released."""
    msg = feedback("Dader gevat, bedankt voor de meldingen")
    ref = short_ref(msg.report_id)
    await stack.post(msg)
    requests = await stack.jobs(msg.report_id, 2)
    assert {j.recipient_id: j.channel.value for j in requests} == {"meudon-coord-1": "sms", "meudon-coord-2": "chat"}
    await stack.deliver(requests)
    assert any(t.endswith(f"Ref {ref}") and "JA" in t for t in stack.sms_to(COORD_1))

    assert stack.text(MEMBER_1, f"JA {ref}")["status"] == "responded"
    refused = await stack.trace_of(msg.report_id, "response:approve:not_entitled")
    assert (await stack.approval(msg.report_id))["s"] == "pending"

    answer = stack.text(COORD_1, "JA")
    assert answer == {"status": "responded", "report_ids": [msg.report_id]}
    traced = await stack.trace_of(msg.report_id, "response:approve:applied")
    assert traced["response:approve:not_entitled"] == refused["response:approve:not_entitled"]
    approval = await stack.approval(msg.report_id)
    assert approval["s"] == "approved" and approval["r"].startswith("meudon-coord-1@")
    ours = await stack.responses_of(msg.report_id, count=2)
    assert [(r["responder_id"], r["kind"], r["via"], r["ref"]) for r in ours] == [
        ("meudon-member-1", "approve", "sms", ref), ("meudon-coord-1", "approve", "sms", ref)]
    assert await until(lambda: released(stack, msg.report_id)) >= 3  # the three group members


async def test_approval_by_chat_reply(stack: Stack) -> None:
    """Given police feedback whose approval request reached meudon-coord-2 by chat (a direct room),
    when the coordinator answers "oui" in the request's thread,
    then the bot confirms with ✅, the Response(approve, via chat, ref) names meudon-coord-2, and the
    dispatcher approves."""
    msg = feedback("Opgelet voor valse agenten aan de deur")
    await stack.post(msg)
    requests = await stack.jobs(msg.report_id, 2)
    await stack.deliver(requests)
    for room in await asyncio.to_thread(_dm_invites, stack.synapse, stack.coordinator):
        await asyncio.to_thread(stack.synapse.join, stack.coordinator, room)

    async def request_event() -> tuple[str, str] | None:
        rooms = await asyncio.to_thread(stack.synapse.api, stack.coordinator, "GET", "/joined_rooms")
        for room_id in rooms.get("joined_rooms", []):
            for ev in await asyncio.to_thread(stack.synapse.messages, stack.coordinator, room_id):
                if ev.get("content", {}).get("org.binrelay.report_id") == msg.report_id:
                    return room_id, str(ev["event_id"])
        return None

    room_id, event_id = await until(request_event)
    reply = await asyncio.to_thread(stack.synapse.send, stack.coordinator, room_id, {
        "msgtype": "m.text", "body": "oui",
        "m.relates_to": {"rel_type": "m.thread", "event_id": event_id, "is_falling_back": True,
                         "m.in_reply_to": {"event_id": event_id}},
    })
    traced = await stack.trace_of(msg.report_id, "response:approve:applied")
    assert "response:approve:not_entitled" not in traced
    [response] = await stack.responses_of(msg.report_id)
    assert (response["responder_id"], response["via"], response["ref"]) == (
        "meudon-coord-2", "chat", short_ref(msg.report_id))
    assert (await stack.approval(msg.report_id))["s"] == "approved"

    async def confirmed() -> bool:
        body = await asyncio.to_thread(stack.synapse.api, stack.coordinator, "GET", f"/rooms/{room_id}/messages",
                                       params={"dir": "b", "limit": 50})
        return any(e.get("type") == "m.reaction" and e["content"]["m.relates_to"]["event_id"] == reply
                   and e["content"]["m.relates_to"]["key"] == "✅" for e in body.get("chunk", []))

    assert await until(confirmed)


async def test_rejection_by_nee_keeps_the_reason_and_nothing_is_released(stack: Stack) -> None:
    """Given police feedback held for approval, the request delivered to meudon-coord-1 by SMS,
    when the coordinator texts "NEE, niet voor de hele groep",
    then the dispatcher rejects it with that reason (in the Response and the approval's state);
    and a later "JA <ref>" finds it settled — after which the group has received nothing."""
    msg = feedback("Verdachte persoon gezien, signalement volgt")
    ref = short_ref(msg.report_id)
    await stack.post(msg)
    await stack.deliver(await stack.jobs(msg.report_id, 2))
    assert stack.text(COORD_1, "NEE, niet voor de hele groep")["status"] == "responded"
    await stack.trace_of(msg.report_id, "response:reject:applied")
    approval = await stack.approval(msg.report_id)
    assert approval["s"] == "rejected" and approval["why"] == "niet voor de hele groep"
    [response] = await stack.responses_of(msg.report_id)
    assert (response["kind"], response["reason"], response["ref"]) == ("reject", "niet voor de hele groep", ref)

    assert stack.text(COORD_1, f"JA ref {ref}")["status"] == "responded"
    await stack.trace_of(msg.report_id, "response:approve:settled")
    assert await released(stack, msg.report_id) == 0


async def test_two_alerts_pending_and_one_ok_gets_a_question_not_a_double_acknowledgement(stack: Stack) -> None:
    """Given two urgent member reports in Meudon, each delivered by SMS to meudon-coord-1 asking
    for an OK,
    when the coordinator texts "OK",
    then they get an SMS asking which, naming both refs, and nothing is acknowledged;
    when they text "OK <second ref>", then only the second report is acknowledged."""
    first = cleared("rp-meudon", utcnow(), urgency="urgent", text="Verdachte personen in de tuinen")
    second = cleared("rp-meudon", utcnow(), urgency="urgent", text="Iemand probeert ramen te openen")
    await stack.post(first, second)
    for r in (first, second):
        jobs = await stack.jobs(r.report_id, 2)
        await stack.deliver([j for j in jobs if j.recipient_id == "meudon-coord-1"])
    asked_before = len(stack.sms_to(COORD_1))
    assert stack.text(COORD_1, "OK")["status"] == "asked"
    question = stack.sms_to(COORD_1)[asked_before:]
    assert len(question) == 1
    assert f"Ref {short_ref(first.report_id)}" in question[0] and f"Ref {short_ref(second.report_id)}" in question[0]

    assert stack.text(COORD_1, f"OK {short_ref(second.report_id)}") == {
        "status": "responded", "report_ids": [second.report_id]}
    await stack.trace_of(second.report_id, "response:acknowledge:applied")
    # the later OK's Response is on the broker: had the first "OK" published any, it came before
    theirs = await stack.responses_of(first.report_id, second.report_id)
    assert [r["report_id"] for r in theirs] == [second.report_id]
    raw = await stack.redis.get(state.ack_key(first.report_id))
    assert raw is not None and orjson.loads(raw)["s"] in ("pending", "escalated")  # never acknowledged
    assert "response:acknowledge:applied" not in await trace.read(stack.redis, first.report_id)


def _members_changed(log: Path) -> int:
    """How many times the dispatcher has read changed members from the registry (its log)."""
    return sum(1 for line in log.read_text("utf-8").splitlines() if '"members changed"' in line)


async def test_stop_by_sms_is_confirmed_and_honoured_from_the_next_message_on(stack: Stack) -> None:
    """Given zavel-member-1 (SMS, then e-mail), who got a police alarm by SMS,
    when they text "STOP" (through the gateway's signed webhook),
    then their SMS consent is withdrawn in the member registry (when, how "sms STOP", by
    themselves) and on the dispatcher's fast path, they get a confirmation by SMS in Dutch, and
    the next alarm reaches them by e-mail while the other members' channels are unchanged; once
    the dispatcher has read the change from the registry, an alarm still goes by e-mail with the
    fast path's entry gone: the registry alone says so."""
    from binrelay_shared.members import Registry

    before = cleared("rp-zavel", NIGHT, origin="police", kind="alarm", urgency="urgent", text="Vermiste man")
    await stack.post(before)
    first = {j.recipient_id: j.channel.value for j in await stack.jobs(before.report_id, 7)}
    assert first["zavel-member-1"] == "sms"
    changes = _members_changed(stack.dispatcher_log)
    try:
        assert stack.text(ZAVEL_MEMBER_1, "STOP")["status"] == "stopped"
        assert "geen sms meer" in stack.sms_to(ZAVEL_MEMBER_1)[-1]
        registry = Registry.at(stack.registry_url)
        try:
            consent = (await registry.get("zavel-member-1")).consent["sms"]
            history = await registry.history("zavel-member-1")
        finally:
            await registry.close()
        assert (consent.given, consent.how, consent.by) == (False, "sms STOP", "zavel-member-1")
        assert consent.at <= utcnow() and history[-1]["by"] == "zavel-member-1", history
        raw = await stack.redis.hget(SMS_WITHDRAWN_KEY, "zavel-member-1")
        assert raw is not None
        record = orjson.loads(raw)
        assert record["how"] == "sms STOP" and datetime.fromisoformat(record["at"]) <= utcnow()

        after = cleared("rp-zavel", NIGHT, origin="police", kind="alarm", urgency="urgent", text="Vermiste vrouw")
        await stack.post(after)
        then = {j.recipient_id: j.channel.value for j in await stack.jobs(after.report_id, 7)}
        assert then["zavel-member-1"] == "email"
        assert {k: v for k, v in then.items() if k != "zavel-member-1"} == {
            k: v for k, v in first.items() if k != "zavel-member-1"}

        async def read_again() -> bool:
            return _members_changed(stack.dispatcher_log) > changes
        await until(read_again)  # the STOP's members change, read from the registry
        await stack.redis.hdel(SMS_WITHDRAWN_KEY, "zavel-member-1")
        later = cleared("rp-zavel", NIGHT, origin="police", kind="alarm", urgency="urgent", text="Vermist kind")
        await stack.post(later)
        assert {j.recipient_id: j.channel.value for j in await stack.jobs(later.report_id, 7)} == then
    finally:
        await stack.redis.hdel(SMS_WITHDRAWN_KEY, "zavel-member-1")
