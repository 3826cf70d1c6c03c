"""Inbound chat: a Matrix bot (matrix-nio) in the networks' rooms.

``matrix_rooms`` maps a room (id or alias) to a network id. A text message in such a room becomes
a report of that network (``channel: chat``, the sender matched to a member by Matrix id or
unknown, the event id as adapter message id so a re-read is not a second report), and the bot
answers **in a thread** on that message: ingest's advice when there is one, else a short receipt.

A thread reply (or a reply) "OK" / "JA" / "OUI" to an alert the senders delivered (any room,
direct rooms included) becomes a ``Response(kind=acknowledge)`` on ``bin.responses.v1`` instead
of a report, when the one replying is the member the alert was for or a known member; the bot
confirms with a ✅ reaction. The bot skips the history it finds at start, its own messages and
the relay's messages (``org.binrelay.*`` fields).

Run: ``binrelay-adapter-matrix`` (settings: :class:`.config.AdapterSettings`).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    JoinResponse,
    LoginResponse,
    RoomMessageText,
    RoomResolveAliasResponse,
    RoomSendResponse,
    SyncResponse,
)
from redis.asyncio import Redis

from binrelay_shared.events import Channel
from binrelay_shared.kafka_security import kafka_client_config, require_kafka
from binrelay_shared.local_secrets import secrets_or_exit
from binrelay_shared.logging import configure_logging, get_logger
from binrelay_shared.metrics import serve_metrics
from binrelay_shared.redis_auth import check_redis_or_exit, redis_client
from binrelay_shared.settings import members_or_exit, settings_or_exit

from .acks import ResponsePublisher, address_hash, chat_record, is_ack
from .client import IngestClient, IngestRefused, IngestUnavailable, idempotency_key
from .config import AdapterSettings
from .members import Directory, opaque_ref
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
        s = self.settings
        if s.matrix_access_token:
            self.nio.access_token = s.matrix_access_token.get_secret_value()
            self.nio.user_id = s.matrix_user_id
        elif s.matrix_password:
            resp = await self.nio.login(s.matrix_password.get_secret_value(), device_name="BIN Relay bot")
            if not isinstance(resp, LoginResponse):
                raise RuntimeError("matrix login failed")
        else:
            raise RuntimeError("set BINRELAY_MATRIX_ACCESS_TOKEN or BINRELAY_MATRIX_PASSWORD")
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

    async def run(self, stop: asyncio.Event) -> None:
        await self.start()
        try:
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
                if isinstance(event, RoomMessageText):
                    try:
                        await self.on_message(room_id, event)
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
        if root and is_ack(event.body):
            record = await chat_record(self.redis, root)
            if record is not None:
                await self.acknowledge(room_id, event, record)
                return
        network = self.rooms.get(room_id)
        if network is None:
            return
        await self.report(room_id, network, event)

    async def acknowledge(self, room_id: str, event: RoomMessageText, record: dict[str, Any]) -> None:
        member = self.directory.find("chat", event.sender)
        if member is not None:
            responder = member.id
        elif record.get("address") == address_hash(self.ack_key, event.sender):
            responder = str(record["recipient_id"])
        else:
            self.metrics.count("ignored")
            log.info("acknowledgement from someone the alert was not for: ignored")
            return
        response = await self.responses.acknowledge(record, responder, Channel.chat)
        self.handled += 1
        self.metrics.count("acknowledged")
        log.info("acknowledged", report_id=response.report_id)
        await self.nio.room_send(
            room_id,
            "m.reaction",
            {"m.relates_to": {"rel_type": "m.annotation", "event_id": event.event_id, "key": "✅"}},
        )

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
    directory = Directory(members_or_exit(settings, required=False))

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        metrics = AdapterMetrics("matrix")
        serve_metrics(metrics.registry, settings.metrics_port)
        await MatrixBot(settings, metrics=metrics, directory=directory).run(stop)

    asyncio.run(run())


if __name__ == "__main__":
    main()
