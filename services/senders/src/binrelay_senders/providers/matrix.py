"""Chat over Matrix (matrix-nio): a message in a network's room, or in a direct room with a user.

The job's ``address`` is a room id (``!abc:server``), a room alias (``#bin-zavel:server``) or a
user id (``@coordinator:server``: the bot opens a direct room with them once and remembers it in
Redis). A user the homeserver does not know is a permanent failure (``matrix_unknown_user``):
Synapse would otherwise create the direct room, "invite" nobody and take the message — a delivery
to no one. The Matrix transaction id is derived from the idempotency key, so a resend after a crash
with the same session is dropped by the homeserver. The event carries ``org.binrelay.report_id``
so the bot can tell which alert a coordinator's thread reply ("OK") acknowledges.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    ErrorResponse,
    JoinedRoomsResponse,
    JoinResponse,
    LoginResponse,
    ProfileGetError,
    RoomCreateResponse,
    RoomPreset,
    RoomResolveAliasResponse,
    RoomSendResponse,
)
from pydantic import Field, SecretStr
from redis.asyncio import Redis

from binrelay_shared.addresses import address_hash
from binrelay_shared.events import Channel, DeliveryJob

from ..base import Permanent, Receiver, Retryable
from ..registry import Provider
from ..settings import ProviderSettings, SenderSettings

DM_KEY = "bin:chat:dm:{}"
RETRYABLE_CODES = {"M_LIMIT_EXCEEDED", "M_UNKNOWN", "M_UNKNOWN_TOKEN", "M_RESOURCE_LIMIT_EXCEEDED", None}
TXN_NAMESPACE = uuid.UUID("5b1f3a52-6c57-4bd3-9f0b-8e1c1c0e0b1e")


class MatrixSettings(ProviderSettings):
    """The homeserver and the relay bot's session."""

    matrix_homeserver: str = Field("http://127.0.0.1:8008", description="Matrix homeserver URL")
    matrix_user_id: str = Field("@binrelay:binrelay.test", description="The relay bot's Matrix id")
    matrix_access_token: SecretStr | None = Field(None, description="Bot access token (or a password)")
    matrix_password: SecretStr | None = Field(None, description="Bot password, when no token is given")
    matrix_device_id: str = Field("BINRELAYSENDER", description="Device id of the sender's session")


def txn_id(idempotency_key: str) -> str:
    """The Matrix transaction id of a delivery: the same key gives the same id."""
    return uuid.uuid5(TXN_NAMESPACE, idempotency_key).hex


def _fail(resp: ErrorResponse, what: str) -> Exception:
    code = resp.status_code
    reason = f"matrix_{what}_{code or 'error'}"
    if code in RETRYABLE_CODES:
        return Retryable(reason)
    return Permanent(reason)


def _not_found(resp: ErrorResponse) -> bool:
    """A 404 (Synapse answers an unknown local user's profile with ``M_UNKNOWN`` "No row found")."""
    status = getattr(getattr(resp, "transport_response", None), "status", None)
    return resp.status_code == "M_NOT_FOUND" or status == 404


class ChatReceiver:
    """Posts jobs as ``m.text`` messages with the relay bot's session."""

    channel = Channel.chat

    def __init__(self, settings: MatrixSettings, redis: Redis | None = None, *, ack_key_secret: str) -> None:
        self.settings = settings
        self.redis = redis
        self.ack_key_secret = ack_key_secret  # keys the direct-room lookup by user (no Matrix id in Redis)
        logging.getLogger("nio").setLevel(logging.WARNING)  # nio logs Matrix user ids at INFO
        self.client = AsyncClient(
            settings.matrix_homeserver,
            settings.matrix_user_id,
            device_id=settings.matrix_device_id,
            config=AsyncClientConfig(max_limit_exceeded=0, max_timeouts=0, request_timeout=30),
        )
        self._ready = False
        self._joined: set[str] = set()
        self._aliases: dict[str, str] = {}
        self._lock = asyncio.Lock()

    async def _ensure_session(self) -> None:
        if self._ready:
            return
        async with self._lock:
            if self._ready:
                return
            s = self.settings
            if s.matrix_access_token:
                self.client.access_token = s.matrix_access_token.get_secret_value()
                self.client.user_id = s.matrix_user_id
            elif s.matrix_password:
                resp = await self.client.login(s.matrix_password.get_secret_value(), device_name="BIN Relay sender")
                if not isinstance(resp, LoginResponse):
                    raise Retryable("matrix_login_failed")
            else:
                raise Retryable("matrix_no_credentials")
            joined = await self.client.joined_rooms()
            if isinstance(joined, JoinedRoomsResponse):
                self._joined = set(joined.rooms)
            self._ready = True

    async def _room_for(self, address: str) -> str:
        if address.startswith("!"):
            room_id = address
        elif address.startswith("#"):
            if address not in self._aliases:
                resp = await self.client.room_resolve_alias(address)
                if not isinstance(resp, RoomResolveAliasResponse):
                    raise _fail(resp, "alias")
                self._aliases[address] = resp.room_id
            room_id = self._aliases[address]
        elif address.startswith("@"):
            return await self._direct_room(address)
        else:
            raise Permanent("matrix_bad_address")
        if room_id not in self._joined:
            resp = await self.client.join(room_id)
            if not isinstance(resp, JoinResponse):
                raise _fail(resp, "join")
            self._joined.add(room_id)
        return room_id

    async def _direct_room(self, user_id: str) -> str:
        key = DM_KEY.format(address_hash(self.ack_key_secret, user_id))
        if self.redis is not None:
            known = await self.redis.get(key)
            if known:
                return known.decode() if isinstance(known, bytes) else str(known)
        # Only "not found" counts: a server may refuse profiles of users who share no room with the
        # bot (M_FORBIDDEN) and a remote profile may be out of reach; room_create tells those apart.
        profile = await self.client.get_profile(user_id)
        if isinstance(profile, ProfileGetError) and _not_found(profile):
            raise Permanent("matrix_unknown_user")
        resp = await self.client.room_create(
            is_direct=True, invite=[user_id], preset=RoomPreset.trusted_private_chat
        )
        if not isinstance(resp, RoomCreateResponse):
            raise _fail(resp, "create_dm")
        self._joined.add(resp.room_id)
        if self.redis is not None:
            await self.redis.set(key, resp.room_id)
        return resp.room_id

    async def send(self, job: DeliveryJob) -> str | None:
        try:
            await self._ensure_session()
            room_id = await self._room_for(job.address)
            content: dict[str, Any] = {
                "msgtype": "m.text",
                "body": job.text,
                "org.binrelay.report_id": job.report_id,
                "org.binrelay.delivery_id": job.delivery_id,
            }
            resp = await self.client.room_send(room_id, "m.room.message", content, tx_id=txn_id(job.idempotency_key))
        except (Retryable, Permanent):
            raise
        except (OSError, TimeoutError) as exc:
            raise Retryable(f"matrix_{type(exc).__name__}") from None
        except Exception as exc:  # aiohttp errors and the like: transient
            raise Retryable(f"matrix_{type(exc).__name__}") from None
        if not isinstance(resp, RoomSendResponse):
            raise _fail(resp, "send")
        return str(resp.event_id)

    async def close(self) -> None:
        await self.client.close()


def _create(settings: MatrixSettings, sender: SenderSettings, redis: Redis | None) -> Receiver:
    return ChatReceiver(settings, redis, ack_key_secret=sender.ack_key())


PROVIDER = Provider(Channel.chat, "matrix", MatrixSettings, _create)
