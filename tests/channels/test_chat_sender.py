"""The Matrix sender against a real Synapse homeserver on loopback."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis

from binrelay_senders.base import Receiver
from binrelay_senders.registry import make_receiver
from binrelay_senders.settings import SenderSettings
from binrelay_senders.worker import SenderWorker
from binrelay_shared.events import Channel, DeliveryOutcome, Outcome, ResponseKind
from binrelay_shared.replies import EVENT_KEY
from tests.channels.conftest import sender_settings
from tests.channels.servers import MatrixUser, Synapse, job, wait_until


def bot_receiver(settings: SenderSettings, synapse: Synapse, bot: MatrixUser, redis: Redis | None = None) -> Receiver:
    """The chat sender's receiver (the configured transport: Matrix) with ``bot``'s session."""
    return make_receiver(
        Channel.chat, settings, redis,
        matrix_homeserver=synapse.url, matrix_user_id=bot.user_id, matrix_access_token=bot.access_token,
    )

pytestmark = pytest.mark.integration


async def test_a_chat_job_appears_in_the_networks_room_once(synapse: Synapse, redis_url: str) -> None:
    """Given the relay bot and a coordinator in a network's room on Synapse,
    when the chat sender delivers a job addressed to the room, twice (a redelivery),
    then the message appears once in the room, tagged with the report id, and the outcome is delivered."""
    bot = synapse.register("relay-bot-1")
    coordinator = synapse.register("coordinator-1")
    room = synapse.create_room(coordinator, invite=[bot.user_id], name="BIN Zavel")
    settings = sender_settings(redis_url)
    redis = Redis.from_url(redis_url)
    worker = SenderWorker(bot_receiver(settings, synapse, bot, redis), settings, redis)
    j = job(Channel.chat, room, audience="coordinator", recipient_id="coord-zavel-1",
            text="Alarm: inbraak bezig, Grote Zavel (test).", expects=ResponseKind.acknowledge)
    try:
        [outs] = await worker.process([j])
        [again] = await worker.process([j])
        results = [o.event.outcome for o in outs + again if isinstance(o.event, DeliveryOutcome)]
        assert results == [Outcome.delivered, Outcome.delivered]
        messages = wait_until(lambda: [m for m in synapse.messages(coordinator, room)
                                       if m["content"].get("org.binrelay.report_id") == j.report_id])
        assert len(messages) == 1
        assert messages[0]["content"]["body"] == "Alarm: inbraak bezig, Grote Zavel (test)."
        assert messages[0]["sender"] == bot.user_id
        assert await redis.exists(EVENT_KEY.format(messages[0]["event_id"]))
    finally:
        await worker.receiver.close()
        await redis.aclose()


async def test_a_chat_job_to_a_user_opens_a_direct_room(synapse: Synapse, redis_url: str) -> None:
    """Given a coordinator addressed by Matrix id,
    when the chat sender delivers two jobs to them,
    then both arrive in one direct room the bot created and invited them to."""
    bot = synapse.register("relay-bot-2")
    coordinator = synapse.register("coordinator-2")
    settings = sender_settings(redis_url)
    redis = Redis.from_url(redis_url)
    worker = SenderWorker(bot_receiver(settings, synapse, bot, redis), settings, redis)
    try:
        for text in ("Eerste testbericht.", "Tweede testbericht."):
            [outs] = await worker.process([job(Channel.chat, coordinator.user_id, text=text)])
            assert outs[0].event.outcome is Outcome.delivered
        invites = synapse.api(coordinator, "GET", "/sync", params={"timeout": 0})["rooms"].get("invite", {})
        assert len(invites) == 1
        [room] = invites
        synapse.join(coordinator, room)
        bodies = [m["content"]["body"] for m in synapse.messages(coordinator, room)]
        assert bodies == ["Eerste testbericht.", "Tweede testbericht."]
    finally:
        await worker.receiver.close()
        await redis.aclose()


async def test_a_room_the_bot_cannot_join_is_a_permanent_failure(synapse: Synapse, redis_url: str) -> None:
    """Given a private room the bot was not invited to,
    when the chat sender gets a job for it, then the outcome is failed without retries (M_FORBIDDEN)."""
    bot = synapse.register("relay-bot-3")
    other = synapse.register("someone-3")
    room = synapse.create_room(other, invite=[])
    settings = sender_settings(redis_url)
    redis = Redis.from_url(redis_url)
    worker = SenderWorker(bot_receiver(settings, synapse, bot, redis), settings, redis)
    try:
        [outs] = await worker.process([job(Channel.chat, room)])
        [outcome] = [o.event for o in outs]
        assert outcome.outcome is Outcome.failed
        assert outcome.attempts == 1
        assert outcome.reason == "matrix_join_M_FORBIDDEN"
    finally:
        await worker.receiver.close()
        await redis.aclose()


async def test_a_resend_after_a_crash_is_dropped_by_the_homeserver(synapse: Synapse, redis_url: str) -> None:
    """Given a chat sender that sent a job and died before marking it sent (the at-least-once window),
    when a new sender process with the same bot session sends the same job again,
    then Synapse recognises the transaction id and the room shows the message once."""
    bot = synapse.register("relay-bot-4")
    reader = synapse.register("coordinator-4")
    room = synapse.create_room(reader, invite=[bot.user_id])
    settings = sender_settings(redis_url)
    j = job(Channel.chat, room, text="Eenmalig testbericht.")
    first, second = bot_receiver(settings, synapse, bot), bot_receiver(settings, synapse, bot)
    try:
        event_1 = await first.send(j)
        await first.close()
        event_2 = await second.send(j)
        assert event_1 == event_2
        bodies = [m["content"]["body"] for m in synapse.messages(reader, room)]
        assert bodies.count("Eenmalig testbericht.") == 1
    finally:
        await second.close()
