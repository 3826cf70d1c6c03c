"""Inbound chat: a Matrix bot (matrix-nio) in the networks' rooms.

``matrix_rooms`` maps a room (id or alias) to a network id. A text message in such a room becomes
a report of that network (``channel: chat``, the sender matched to a member by Matrix id or
unknown, the event id as adapter message id so a re-read is not a second report), and the bot
answers **in a thread** on that message: ingest's advice when there is one, else a short receipt.

Replies (:class:`.acks.ReplyDesk`, rules in :mod:`.reply_rules`): a thread reply or a reply
(``JA``/``OK``, ``NEE`` with a reason) to a message the senders delivered, or a 👍 / 👎 reaction to
it, answers *that* message: an approval request is approved or rejected, an alert acknowledged —
a ``Response`` on ``bin.responses.v1`` with the replier's member id, confirmed with a ✅ reaction.
A command with a ref, or alone in a direct room, is bound like an SMS (one pending message: that
one; several: the bot asks which, in a thread). In a network's room a text that is no command is
a report, as before; in a direct room it gets the help text. An account no member has gets
nothing (counted). The bot skips the history it finds at start, its own messages and the relay's
messages (``org.binrelay.*`` fields).

Run: ``binrelay-adapter-matrix`` (settings: :class:`.config.AdapterSettings`).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from typing import Any

import aiohttp
from nio import (
    AsyncClient,
    AsyncClientConfig,
    JoinResponse,
    LoginResponse,
    ReactionEvent,
    RoomMessageText,
    RoomResolveAliasResponse,
    RoomSendResponse,
    SyncResponse,
    WhoamiResponse,
)
from redis.asyncio import Redis

from binrelay_shared import replies
from binrelay_shared.events import Channel
from binrelay_shared.kafka_security import kafka_client_config, require_kafka
from binrelay_shared.local_secrets import secrets_or_exit
from binrelay_shared.logging import configure_logging, get_logger
from binrelay_shared.metrics import serve_metrics
from binrelay_shared.redis_auth import check_redis_or_exit, redis_client
from binrelay_shared.settings import settings_or_exit

from . import reply_rules
from .acks import Outcome, ReplyDesk, ResponsePublisher
from .client import IngestClient, IngestRefused, IngestUnavailable, idempotency_key
from .config import AdapterSettings
from .members import Directory, directory_or_exit, opaque_ref, watch
from .metrics import AdapterMetrics

#: This adapter's Redis ACL user (binrelay_shared.redis_acl).
REDIS_USER = "adapter-matrix"

log = get_logger(__name__)

#: This adapter's Kafka principal (binrelay_shared.acl): it may only write bin.responses.v1.
KAFKA_PRINCIPAL = "adapter-matrix"

RECEIPT = "Ontvangen · Reçu · Received"
NOT_TAKEN = (
    "Niet geregistreerd, probeer opnieuw · Non enregistré, réessayez · Not recorded, please try again (101 / 112)"
)


class MatrixSetupError(Exception):
    """The bot cannot start with its settings (the message names the setting and the fix)."""


class MatrixBot:
    def __init__(
        self,
        settings: AdapterSettings,
        *,
        client: IngestClient | None = None,
        redis: Redis | None = None,
        responses: ResponsePublisher | None = None,
        directory: Directory | None = None,
        metrics: AdapterMetrics | None = None,
    ) -> None:
        self.metrics = metrics or AdapterMetrics("matrix")
        logging.getLogger("nio").setLevel(logging.WARNING)  # nio logs Matrix user ids at INFO
        self.settings = settings
        self.ingest = client or IngestClient(settings)
        self.redis = redis or redis_client(settings, REDIS_USER)
        self.ack_key = settings.ack_key()
        self.responses = responses or ResponsePublisher(kafka_client_config(settings, KAFKA_PRINCIPAL))
        self.directory = directory or Directory.load(settings.members_file)
        self.desk = ReplyDesk(self.redis, self.responses, self.ack_key)
        self.nio = AsyncClient(
            settings.matrix_homeserver,
            settings.matrix_user_id,
            device_id=settings.matrix_device_id,
            config=AsyncClientConfig(max_limit_exceeded=0, max_timeouts=0, request_timeout=60),
        )
        self.rooms: dict[str, str] = {}
        self.ready = asyncio.Event()
        self.handled = 0

    async def start(self) -> None:
        """Log in, join the rooms and skip their history; :class:`MatrixSetupError` when the
        homeserver cannot be reached or refuses the bot's credential."""
        s = self.settings
        try:
            await self.login()
        except aiohttp.ClientError as exc:
            raise MatrixSetupError(
                f"BINRELAY_MATRIX_HOMESERVER={s.matrix_homeserver!r}: the homeserver cannot be reached "
                f"({type(exc).__name__}): check the URL and that it runs") from None
        for room, network in s.matrix_rooms.items():
            room_id = room
            if room.startswith("#"):
                alias = await self.nio.room_resolve_alias(room)
                if not isinstance(alias, RoomResolveAliasResponse):
                    log.warning("room alias not resolved", network=network)
                    continue
                room_id = alias.room_id
            joined = await self.nio.join(room_id)
            if not isinstance(joined, JoinResponse):
                log.warning("room not joined", network=network, error=str(getattr(joined, "status_code", "")))
            self.rooms[room_id] = network
        first = await self.nio.sync(timeout=0, full_state=True)  # history before the start is skipped
        if not isinstance(first, SyncResponse):
            raise RuntimeError("first sync failed")
        self.ready.set()
        log.info("bot ready", rooms=len(self.rooms))

    async def login(self) -> None:
        """With the access token (checked with whoami) or the password, else :class:`MatrixSetupError`."""
        s = self.settings
        if s.matrix_access_token:
            self.nio.access_token = s.matrix_access_token.get_secret_value()
            self.nio.user_id = s.matrix_user_id
            who = await self.nio.whoami()
            if not isinstance(who, WhoamiResponse):
                raise MatrixSetupError(
                    f"BINRELAY_MATRIX_ACCESS_TOKEN: the homeserver refused the bot's token "
                    f"({getattr(who, 'status_code', None) or who}): set a valid access token of "
                    f"{s.matrix_user_id} (or BINRELAY_MATRIX_PASSWORD instead)")
            if who.user_id != s.matrix_user_id:
                raise MatrixSetupError(
                    f"BINRELAY_MATRIX_USER_ID={s.matrix_user_id!r}: the access token is {who.user_id}'s: "
                    "set the bot's id or its token")
        elif s.matrix_password:
            resp = await self.nio.login(s.matrix_password.get_secret_value(), device_name="BIN Relay bot")
            if not isinstance(resp, LoginResponse):
                raise MatrixSetupError(
                    f"BINRELAY_MATRIX_PASSWORD: the homeserver refused the login of {s.matrix_user_id} "
                    f"({getattr(resp, 'status_code', None) or resp}): check BINRELAY_MATRIX_USER_ID and the password")
        else:
            raise MatrixSetupError("BINRELAY_MATRIX_ACCESS_TOKEN is not set: set it (or BINRELAY_MATRIX_PASSWORD)")

    async def run(self, stop: asyncio.Event) -> None:
        try:
            await self.start()
            while not stop.is_set():
                sync = asyncio.ensure_future(self.nio.sync(timeout=5000))
                stopped = asyncio.ensure_future(stop.wait())
                done, _ = await asyncio.wait({sync, stopped}, return_when=asyncio.FIRST_COMPLETED)
                if sync not in done:
                    sync.cancel()
                    break
                stopped.cancel()
                resp = sync.result()
                if not isinstance(resp, SyncResponse):
                    log.warning("sync failed", error=str(getattr(resp, "status_code", "")))
                    await asyncio.sleep(1)
                    continue
                await self.on_sync(resp)
        finally:
            await self.close()

    async def on_sync(self, resp: SyncResponse) -> None:
        for room_id in resp.rooms.invite:
            if room_id in self.rooms:
                await self.nio.join(room_id)
        for room_id, info in resp.rooms.join.items():
            for event in info.timeline.events:
                try:
                    if isinstance(event, RoomMessageText):
                        await self.on_message(room_id, event)
                    elif isinstance(event, ReactionEvent):
                        await self.on_reaction(room_id, event)
                except Exception as exc:  # one bad message must not stop the bot
                    log.warning("message not handled", error=type(exc).__name__)

    async def on_message(self, room_id: str, event: RoomMessageText) -> None:
        if event.sender == self.nio.user_id:
            return
        content: dict[str, Any] = event.source.get("content", {})
        if any(k.startswith("org.binrelay.") for k in content):
            return
        relates = content.get("m.relates_to") or {}
        root = relates.get("event_id") if relates.get("rel_type") == "m.thread" else None
        root = root or (relates.get("m.in_reply_to") or {}).get("event_id")
        network = self.rooms.get(room_id)
        if network is not None and reply_rules.parse(event.body).command is None:
            await self.report(room_id, network, event)  # a network room's message: a report
            return
        # a command anywhere, or anything in a direct room: a reply
        member = self.directory.find("chat", event.sender)
        outcome = await self.desk.handle(Channel.chat, event.sender, member, event.body, replied_to=root,
                                         may_report=False)
        await self.after(room_id, event.event_id, outcome)

    async def on_reaction(self, room_id: str, event: ReactionEvent) -> None:
        """👍 / 👎 on a message that asked for an answer: yes / no to that message."""
        if event.sender == self.nio.user_id or event.key.rstrip("\ufe0f") not in ("👍", "👎"):
            return
        if await replies.for_event(self.redis, event.reacts_to) is None:
            return  # a reaction to anything else is nobody's business
        member = self.directory.find("chat", event.sender)
        outcome = await self.desk.handle(Channel.chat, event.sender, member, event.key, replied_to=event.reacts_to,
                                         may_report=False)
        await self.after(room_id, event.reacts_to, outcome)  # confirmed on the message itself

    async def after(self, room_id: str, event_id: str, outcome: Outcome) -> None:
        """Count what became of a reply; confirm a bound one (✅), answer a question or help in a thread."""
        self.metrics.count(outcome.result)
        self.handled += 1
        if outcome.result == "responded":
            await self.nio.room_send(
                room_id,
                "m.reaction",
                {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id, "key": "✅"}},
            )
        elif outcome.answer:
            await self.answer(room_id, event_id, outcome.answer, None)

    async def report(self, room_id: str, network: str, event: RoomMessageText) -> None:
        member = self.directory.find("chat", event.sender)
        reporter: dict[str, Any] = {
            "ref": member.id if member else opaque_ref("chat", event.sender),
            "contact": event.sender[:200],
        }
        if member and member.language:
            reporter["language"] = member.language
        body = {
            "text": event.body.strip()[:5000] or "(empty)",
            "channel": "chat",
            "reporter": reporter,
            "network": network,
            "adapter_message_id": event.event_id[:200],
        }
        try:
            accepted = await self.ingest.post_report(body, idempotency_key("chat", event.event_id))
        except (IngestUnavailable, IngestRefused) as exc:
            self.metrics.count("refused" if isinstance(exc, IngestRefused) else "failed")
            log.warning("chat message not taken", error=type(exc).__name__)
            await self.answer(room_id, event.event_id, NOT_TAKEN, None)
            return
        self.handled += 1
        self.metrics.count("report")
        log.info("chat message taken as report", report_id=accepted.get("report_id"))
        await self.answer(room_id, event.event_id, str(accepted.get("advice") or RECEIPT), accepted.get("report_id"))

    async def answer(self, room_id: str, thread_root: str, text: str, report_id: str | None) -> None:
        content: dict[str, Any] = {
            "msgtype": "m.notice",
            "body": text,
            "m.relates_to": {
                "rel_type": "m.thread",
                "event_id": thread_root,
                "is_falling_back": True,
                "m.in_reply_to": {"event_id": thread_root},
            },
            "org.binrelay.answer_to": report_id or "",
        }
        resp = await self.nio.room_send(room_id, "m.room.message", content)
        if not isinstance(resp, RoomSendResponse):
            log.warning("answer not sent", error=str(getattr(resp, "status_code", "")))

    async def close(self) -> None:
        await self.nio.close()
        await self.ingest.close()
        await self.responses.stop()
        await self.redis.aclose()


def main() -> None:
    """``binrelay-adapter-matrix``: the Matrix bot, until SIGTERM."""
    settings = settings_or_exit(AdapterSettings)
    configure_logging("adapter-matrix", settings.log_level, settings.log_json)
    # A missing or wrong secret stops here (exit 2, the setting named), not at the first message.
    secrets_or_exit(settings, {"ack_key_secret": "ack-key"})
    check_redis_or_exit(settings, REDIS_USER)
    require_kafka(settings, KAFKA_PRINCIPAL)
    directory = directory_or_exit(settings)

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        metrics = AdapterMetrics("matrix")
        serve_metrics(metrics.registry, settings)
        watching = asyncio.create_task(watch(settings, directory, KAFKA_PRINCIPAL))  # the registry's changes
        try:
            await MatrixBot(settings, metrics=metrics, directory=directory).run(stop)
        finally:
            watching.cancel()
            await asyncio.gather(watching, return_exceptions=True)

    try:
        asyncio.run(run())
    except MatrixSetupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
