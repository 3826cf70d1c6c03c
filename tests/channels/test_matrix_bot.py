"""The Matrix bot against a real Synapse: room messages become reports answered in a thread, and
a coordinator's "OK" in the thread of an alert becomes an acknowledgement."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from binrelay_ingest.adapters.config import AdapterSettings
from binrelay_ingest.adapters.matrix_bot import RECEIPT, MatrixBot
from binrelay_senders.registry import make_receiver
from binrelay_senders.worker import SenderWorker
from binrelay_shared import topics
from binrelay_shared.events import Channel, ResponseKind, new_id
from binrelay_shared.settings import Settings
from tests.channels.conftest import sender_settings
from tests.channels.servers import ADVICE, MatrixUser, StubIngest, Synapse, job
from tests.kafka_helpers import TopicReader
from tests.redis_helpers import admin_redis

pytestmark = pytest.mark.integration


@dataclass
class Room:
    bot: MatrixUser
    coordinator: MatrixUser
    member: MatrixUser
    room_id: str
    bot_app: MatrixBot
    settings: AdapterSettings


async def until(predicate: object, timeout: float = 60.0) -> object:
    """Await until ``predicate()`` is truthy (the timeout only bounds a hang)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = await asyncio.to_thread(predicate)  # type: ignore[arg-type]
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(0.2)


@pytest.fixture
async def room(
    synapse: Synapse, settings: Settings, stub_ingest: StubIngest, tmp_path: Path
) -> AsyncIterator[Room]:
    n = new_id()[:8]  # unique user names per test
    bot = synapse.register(f"bin-bot-{n}")
    coordinator = synapse.register(f"zavel-coord-{n}")
    member = synapse.register(f"zavel-lid-{n}")
    room_id = synapse.create_room(coordinator, invite=[bot.user_id, member.user_id], name="BIN-Z Zavel")
    synapse.join(member, room_id)
    members = tmp_path / "members.yaml"
    members.write_text(
        f"members:\n  - id: zavel-coord-1\n    roles: [coordinator]\n    language: nl\n    channels:\n"
        f"      - {{channel: chat, address: '{coordinator.user_id}'}}\n"
    )
    adapter = AdapterSettings(
        kafka=settings.kafka,
        redis_url=settings.redis_url,
        ingest_url=stub_ingest.url,
        adapter_api_key="binr_chat_secret",
        matrix_homeserver=synapse.url,
        matrix_user_id=bot.user_id,
        matrix_access_token=bot.access_token,
        matrix_rooms={room_id: "zavel"},
        members_file=members,
    )
    app = MatrixBot(adapter)
    stop = asyncio.Event()
    task = asyncio.ensure_future(app.run(stop))
    await asyncio.wait_for(app.ready.wait(), 60)
    try:
        yield Room(bot, coordinator, member, room_id, app, adapter)
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


async def test_a_room_message_becomes_a_report_answered_in_a_thread(
    room: Room, synapse: Synapse, stub_ingest: StubIngest
) -> None:
    """Given the bot in network zavel's room,
    when a member posts a message there (and an urgent one after it),
    then ingest gets a chat report of network zavel with the event id as adapter message id, and
    the bot answers each in a thread on it: a receipt, and for the urgent one ingest's advice."""
    calm = synapse.send(
        room.member, room.room_id, {"msgtype": "m.text", "body": "Fietsendiefstal gisteren, Zavelstraat."}
    )
    urgent = synapse.send(room.member, room.room_id, {"msgtype": "m.text", "body": "Inbraak bezig bij de juwelier!"})
    await until(lambda: len(stub_ingest.posted) >= 2)
    first, second = stub_ingest.posted
    assert first["network"] == "zavel" and first["channel"] == "chat"
    assert first["adapter_message_id"] == calm and second["adapter_message_id"] == urgent
    assert first["reporter"]["ref"].startswith("chat:unknown:") and first["reporter"]["contact"] == room.member.user_id

    def answers() -> dict[str, str]:
        return {
            m["content"]["m.relates_to"]["event_id"]: m["content"]["body"]
            for m in synapse.messages(room.member, room.room_id)
            if m["sender"] == room.bot.user_id and m["content"].get("m.relates_to", {}).get("rel_type") == "m.thread"
        }

    found = await until(lambda: len(answers()) >= 2 and answers())
    assert found == {calm: RECEIPT, urgent: ADVICE}


async def test_a_coordinators_ok_in_the_alert_thread_acknowledges_it(
    room: Room, synapse: Synapse, stub_ingest: StubIngest, settings: Settings
) -> None:
    """Given an alert the chat sender delivered to the coordinators in the room,
    when the coordinator answers "OK" in the alert's thread,
    then a Response(kind=acknowledge, via chat) with the coordinator's member id is published on
    bin.responses.v1, and no report is posted."""
    redis = admin_redis(settings.redis_url)
    sender_conf = sender_settings(settings.redis_url)
    receiver = make_receiver(
        Channel.chat, sender_conf, redis, matrix_homeserver=synapse.url, matrix_user_id=room.bot.user_id,
        matrix_access_token=room.bot.access_token, matrix_device_id=room.bot.device_id,
    )
    worker = SenderWorker(receiver, sender_conf, redis)
    alert = job(Channel.chat, room.room_id, audience="coordinator", recipient_id="zavel-coordinators",
                text="Alarm: inbraak bezig, Grote Zavel (test).", expects=ResponseKind.acknowledge)
    reader = await TopicReader(settings.kafka, topics.RESPONSES).start()
    try:
        await worker.process([alert])
        alert_event = next(
            m["event_id"] for m in synapse.messages(room.coordinator, room.room_id)
            if m["content"].get("org.binrelay.report_id") == alert.report_id
        )
        synapse.send(room.coordinator, room.room_id, {
            "msgtype": "m.text", "body": "OK",
            "m.relates_to": {"rel_type": "m.thread", "event_id": alert_event, "is_falling_back": True,
                             "m.in_reply_to": {"event_id": alert_event}},
        })
        [response] = await reader.wait_for(lambda m: m.get("report_id") == alert.report_id, timeout=60)
        assert (response["kind"], response["via"], response["responder_id"]) == ("acknowledge", "chat", "zavel-coord-1")
        assert stub_ingest.posted == []
    finally:
        await reader.stop()
        await worker.receiver.close()
        await redis.aclose()
