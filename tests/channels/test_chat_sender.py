"""The Matrix sender against a real Synapse homeserver on loopback: delivery, and what happens to a
member chat cannot reach (the next channel, or the coordinators told)."""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from redis.asyncio import Redis

from binrelay_dispatcher.dispatcher import Dispatcher
from binrelay_dispatcher.undelivered import AUDIENCE
from binrelay_senders.base import Receiver
from binrelay_senders.registry import make_receiver
from binrelay_senders.settings import SenderSettings
from binrelay_senders.worker import SenderWorker
from binrelay_shared import topics, trace
from binrelay_shared.events import Channel, DeliveryJob, DeliveryOutcome, Outcome, ResponseKind
from binrelay_shared.network import load_members, load_networks
from binrelay_shared.replies import EVENT_KEY
from tests.channels.conftest import sender_settings
from tests.channels.servers import Gateway, MatrixUser, Synapse, job, sha, wait_until
from tests.conftest import REPO
from tests.redis_helpers import admin_redis

MEMBERS_FILE = REPO / "deploy" / "members.example.yaml"


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
    redis = admin_redis(redis_url)
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
    redis = admin_redis(redis_url)
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
    redis = admin_redis(redis_url)
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


# -- the example members on the local homeserver (what `make up` does) ---------------------------


@dataclass
class ExampleMembers:
    """matrix_setup run as channels.sh runs it: the bot's session and the members' passwords."""

    bot: MatrixUser
    passwords: dict[str, str]

    def login(self, synapse: Synapse, localpart: str) -> MatrixUser:
        r = httpx.post(f"{synapse.url}/_matrix/client/v3/login", timeout=30, json={
            "type": "m.login.password", "identifier": {"type": "m.id.user", "user": localpart},
            "password": self.passwords[localpart]})
        r.raise_for_status()
        body = r.json()
        return MatrixUser(body["user_id"], self.passwords[localpart], body["access_token"], body["device_id"])

    def direct_messages(self, synapse: Synapse, localpart: str) -> list[str]:
        """Log in as the member, accept the bot's one invitation, read that direct room."""
        member = self.login(synapse, localpart)
        invites = wait_until(lambda: synapse.api(member, "GET", "/sync", params={"timeout": 0})["rooms"]
                             .get("invite", {}))
        [room] = invites
        synapse.join(member, room)
        return [m["content"]["body"] for m in synapse.messages(member, room)]


#: A member added to the registry after the members file was imported: in no file.
REGISTRY_ONLY = "zavel-registry-chat-1"


async def _add_registry_member(url: str) -> None:
    from binrelay_shared.db.migrate import upgrade
    from binrelay_shared.members import MemberRecord, Registry

    await upgrade(url)
    registry = Registry.at(url)
    try:
        member = MemberRecord(id=REGISTRY_ONLY, networks=["zavel"], chat_id=f"@{REGISTRY_ONLY}:binrelay.test")
        await registry.add(member, by="zavel-coord-1")
    finally:
        await registry.close()


@pytest.fixture(scope="session")
def example_members(synapse: Synapse, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ExampleMembers]:
    state = tmp_path_factory.mktemp("matrix-setup")
    argv = [str(REPO / ".venv" / "bin" / "python"), "-m", "binrelay_devservers.matrix_setup", "--url", synapse.url,
            "--secret-file", str(synapse.data_dir / "registration_shared_secret"), "--state-dir", str(state),
            "--networks-dir", str(REPO / "deploy" / "networks"), "--members", "--bot", "binrelay-setup"]
    # The member registry as `make up` has it: the example members file imported at the first
    # start, and a member added since (`binrelay members add`), in no file.
    url = f"sqlite+aiosqlite:///{state}/registry.db"
    env = {**os.environ, "BINRELAY_DATABASE_URL": url, "BINRELAY_MEMBERS_FILE": str(MEMBERS_FILE)}
    asyncio.run(_add_registry_member(url))
    # as deploy/local/channels.sh runs it (a process, stdout to matrix.env), and again as a second
    # `make up` would: the second run must succeed on the accounts and rooms the first made
    runs = [subprocess.run(argv, capture_output=True, text=True, timeout=300, cwd=REPO, env=env) for _ in range(2)]
    for run in runs:
        assert run.returncode == 0, run.stderr[-3000:]
    env = dict(shlex.split(line.removeprefix("export "))[0].split("=", 1)
               for line in runs[-1].stdout.splitlines() if line.startswith("export "))
    passwords = json.loads((state / "member-passwords.json").read_text())
    yield ExampleMembers(
        MatrixUser(env["BINRELAY_MATRIX_USER_ID"], "", env["BINRELAY_MATRIX_ACCESS_TOKEN"], "BINRELAYLOCAL"),
        passwords,
    )


def test_the_example_members_chat_ids_are_users_of_the_local_homeserver() -> None:
    """The dev stack's Synapse has federation off: a member on another server name cannot be invited."""
    chat = [a.address for m in load_members(MEMBERS_FILE).members for a in m.channels if a.channel == "chat"]
    assert chat and all(a.startswith("@") and a.endswith(":binrelay.test") for a in chat), chat


async def test_make_up_registers_the_example_members_so_a_chat_alarm_reaches_them(
    synapse: Synapse, example_members: ExampleMembers, redis_url: str
) -> None:
    """Given the local Synapse prepared as `make up` prepares it (the registry's members registered:
    the example members file's, imported, and one added to the registry since),
    when the chat sender delivers a police alarm to a chat-only example member by their Matrix id,
    then the outcome is delivered, and the member, logged in, finds the alarm in the direct room."""
    assert set(example_members.passwords) >= {"zavel-member-2", "zavel-coord-1", "meudon-member-3", REGISTRY_ONLY}
    settings = sender_settings(redis_url)
    redis = admin_redis(redis_url)
    worker = SenderWorker(bot_receiver(settings, synapse, example_members.bot, redis), settings, redis)
    j = job(Channel.chat, "@zavel-member-2:binrelay.test", recipient_id="zavel-member-2",
            text="ALERTE POLICE: cambriolage en cours, Grand Sablon (test).")
    try:
        [outs] = await worker.process([j])
        assert [o.event.outcome for o in outs] == [Outcome.delivered]
        bodies = example_members.direct_messages(synapse, "zavel-member-2")
        assert bodies == ["ALERTE POLICE: cambriolage en cours, Grand Sablon (test)."]
    finally:
        await worker.receiver.close()
        await redis.aclose()


@pytest.mark.parametrize(("address", "why"), [
    ("@nobody-here:binrelay.test", "unknown user"),
    ("@zavel-member-2:matrix.example.org", "another server name: federation off, M_FORBIDDEN"),
])
async def test_a_chat_member_who_cannot_be_invited_gets_the_alarm_by_sms(
    synapse: Synapse, gateway: Gateway, redis_url: str, address: str, why: str
) -> None:
    """Given a member whose chat id cannot be invited (an unknown user; a user of another server),
    with SMS as next channel,
    when the chat sender handles a police alarm for them,
    then the outcome is fell_back with the Matrix reason, in the trace with the member id (never the
    address), and the SMS job it makes reaches the loopback gateway on the member's number."""
    bot = synapse.register(f"relay-bot-fb-{sha(address)[:8]}")
    settings = sender_settings(redis_url)
    redis = admin_redis(redis_url)
    chat = SenderWorker(bot_receiver(settings, synapse, bot, redis), settings, redis)
    sms = SenderWorker(make_receiver(Channel.sms, settings, sms_gateway_url=gateway.url,
                                     sms_gateway_token=gateway.token), settings, redis)
    j = job(Channel.chat, address, recipient_id="meudon-member-9", fallback=(Channel.sms,),
            fallback_addresses={Channel.sms: "+447700900099"}, text="POLICE ALERT: burglary in progress (test).")
    try:
        [outs] = await chat.process([j])
        [outcome] = [o.event for o in outs if isinstance(o.event, DeliveryOutcome)]
        assert outcome.outcome is Outcome.fell_back, why
        assert outcome.reason and outcome.reason.startswith("matrix_"), outcome.reason
        assert outcome.attempts == 1  # permanent: not retried
        [nxt] = [o.event for o in outs if o.topic == topics.outbox(Channel.sms)]
        assert isinstance(nxt, DeliveryJob) and nxt.address == "+447700900099" and nxt.fallback == ()
        [sent] = await sms.process([nxt])
        assert [o.event.outcome for o in sent] == [Outcome.delivered]
        [text] = [m for m in gateway.state.sent if m["to"] == "+447700900099"]
        assert "burglary in progress" in text["text"]
        fields = await trace.read(redis, j.report_id)
        assert f"fell_back:chat:meudon-member-9:{outcome.reason}" in fields
        assert "delivery:sms:delivered" in fields
        assert not any(address in f for f in fields)
    finally:
        await chat.receiver.close()
        await sms.receiver.close()
        await redis.aclose()


async def test_a_chat_only_member_who_cannot_be_reached_fails_and_the_coordinators_are_told(
    synapse: Synapse, example_members: ExampleMembers, redis_url: str
) -> None:
    """Given Zavel's chat-only member whose chat id cannot be invited (here: on another server name,
    as in the demo before the example ids were made local),
    when the chat sender handles a police alarm for them,
    then the outcome is failed with the reason in the trace (never silence), and the dispatcher
    turns that outcome into an alert to Zavel's coordinators, by member id, which the chat sender
    delivers to the first coordinator's own Matrix account."""
    settings = sender_settings(redis_url)
    redis = admin_redis(redis_url)
    chat = SenderWorker(bot_receiver(settings, synapse, example_members.bot, redis), settings, redis)
    unreachable = "@zavel-member-2:matrix.example.org"
    j = job(Channel.chat, unreachable, recipient_id="zavel-member-2", text="ALERTE POLICE (test).")
    networks = load_networks(REPO / "deploy" / "networks", load_members(MEMBERS_FILE))
    dispatcher = Dispatcher(networks, redis)
    try:
        [outs] = await chat.process([j])
        [outcome] = [o.event for o in outs]
        assert isinstance(outcome, DeliveryOutcome)
        assert outcome.outcome is Outcome.failed
        assert outcome.reason == "matrix_create_dm_M_FORBIDDEN"
        fields = await trace.read(redis, j.report_id)
        assert "failed:chat:zavel-member-2:matrix_create_dm_M_FORBIDDEN" in fields

        [alerts] = await dispatcher.process_outcomes([outcome])
        jobs = {o.event.recipient_id: o.event for o in alerts}
        assert set(jobs) == {"zavel-coord-1", "zavel-coord-2"}
        assert all(isinstance(a, DeliveryJob) and a.audience == AUDIENCE for a in jobs.values())
        coord1, coord2 = jobs["zavel-coord-1"], jobs["zavel-coord-2"]
        assert (coord1.channel, coord1.fallback) == (Channel.chat, (Channel.email, Channel.sms))
        assert coord2.channel is Channel.email and coord2.language == "fr"
        assert "zavel-member-2" in coord1.text and "matrix.example.org" not in coord1.text
        assert "Lid zavel-member-2" in coord1.text  # Dutch, the coordinator's language
        # A redelivered outcome alerts no one twice.
        assert await dispatcher.process_outcomes([outcome]) == [[]]
        assert "coordinators_alerted:zavel-member-2" in await trace.read(redis, j.report_id)

        [sent] = await chat.process([coord1])
        assert [o.event.outcome for o in sent] == [Outcome.delivered]
        [alert] = example_members.direct_messages(synapse, "zavel-coord-1")
        assert "zavel-member-2" in alert and "ALERTE POLICE" not in alert
    finally:
        await chat.receiver.close()
        await redis.aclose()
