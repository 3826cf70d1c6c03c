"""SMS over SMPP 3.4 (to an operator's SMSC), as an alternative to the HTTP gateway.

Select it with ``BINRELAY_SMS_TRANSPORT=smpp``. One bound transmitter session per worker, kept
open with ``enquire_link`` and re-bound when it drops; up to ``smpp_window`` ``submit_sm`` are
outstanding at once (the SMPP window: answers are matched by sequence number; a further send waits
for a slot, so an SMSC's own window is never overrun and throttled). Failures: throttling, queue full, system
errors, timeouts and lost connections are retryable; an invalid destination or a message the SMSC
refuses is permanent; bind failures (credentials) are retryable, like HTTP 401 (fixable by the
operator). SMPP has no idempotency key: a crash between ``submit_sm_resp`` and the Redis mark
can repeat an SMS (the at-least-once window; the HTTP gateway closes it).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from pathlib import Path

from pydantic import Field, SecretStr
from redis.asyncio import Redis

from binrelay_shared.addresses import normalize_phone
from binrelay_shared.events import Channel, DeliveryJob
from binrelay_shared.local_secrets import setting_secret

from ..base import Permanent, Receiver, Retryable
from ..registry import Provider
from ..settings import SenderSettings, SmsSettings
from . import smpp_pdu as p

RETRYABLE_STATUS = {p.ESME_RTHROTTLED, p.ESME_RMSGQFUL, p.ESME_RSYSERR, 0x45}  # 0x45: submit_sm failed
BIND_STATUS = {p.ESME_RBINDFAIL, p.ESME_RINVPASWD, p.ESME_RINVSYSID}


class SmppSettings(SmsSettings):
    """The operator's SMSC (SMPP 3.4, transmitter bind)."""

    smpp_host: str = Field("127.0.0.1", description="SMSC host")
    smpp_port: int = Field(2775, description="SMSC port")
    smpp_system_id: str = Field("binrelay", description="SMPP system_id")
    smpp_password: SecretStr | None = Field(None, description="SMPP password")
    smpp_password_file: Path | None = Field(None, description="File of it (default <secrets_dir>/smpp-password)")
    smpp_enquire_link_seconds: float = Field(30.0, description="Keep-alive interval of the SMPP session")
    smpp_window: int = Field(
        10, ge=1, le=1000,
        description="submit_sm outstanding at once on the session (the SMSC's window: ask the operator)",
    )


class _Session:
    """One bound transmitter connection: its writer, its outstanding requests, its reader task."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writer = writer
        self.pending: dict[int, asyncio.Future[p.Pdu]] = {}
        self.task = asyncio.ensure_future(self._read_loop(reader))

    @property
    def alive(self) -> bool:
        return not self.writer.is_closing() and not self.task.done()

    async def _read_loop(self, reader: asyncio.StreamReader) -> None:
        try:
            while True:
                pdu = await p.read_pdu(reader)
                if pdu.command_id == p.ENQUIRE_LINK:
                    self.writer.write(p.Pdu(p.ENQUIRE_LINK_RESP, 0, pdu.sequence).encode())
                    continue
                future = self.pending.pop(pdu.sequence, None)
                if future is not None and not future.done():
                    future.set_result(pdu)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            for future in self.pending.values():
                if not future.done():
                    future.set_exception(Retryable("smpp_connection_lost"))
            self.pending.clear()
            self.writer.close()

    async def request(self, pdu: p.Pdu, timeout: float) -> p.Pdu:
        if not self.alive:
            raise Retryable("smpp_not_bound")
        future: asyncio.Future[p.Pdu] = asyncio.get_running_loop().create_future()
        self.pending[pdu.sequence] = future
        self.writer.write(pdu.encode())
        try:
            await self.writer.drain()
            return await asyncio.wait_for(future, timeout)
        except (OSError, TimeoutError):
            self.pending.pop(pdu.sequence, None)
            self.close()
            raise Retryable("smpp_timeout") from None

    def close(self) -> None:
        self.task.cancel()
        self.writer.close()


class SmppReceiver:
    channel = Channel.sms

    def __init__(self, settings: SmppSettings) -> None:
        self.settings = settings
        self.password = setting_secret(settings, "smpp_password", "smpp-password").get_secret_value()
        self._seq = itertools.count(1)
        self._session: _Session | None = None
        self._keepalive: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._window = asyncio.Semaphore(settings.smpp_window)

    async def _bound(self) -> _Session:
        async with self._lock:
            if self._session is not None and self._session.alive:
                return self._session
            if self._session is not None:
                self._session.close()
                self._session = None
            s = self.settings
            try:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection(s.smpp_host, s.smpp_port), s.sms_timeout
                )
            except (OSError, TimeoutError):
                raise Retryable("smpp_connect") from None
            writer.write(p.bind_transmitter(s.smpp_system_id, self.password, next(self._seq)).encode())
            try:
                resp = await asyncio.wait_for(p.read_pdu(reader), s.sms_timeout)
            except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError):
                writer.close()
                raise Retryable("smpp_bind_no_answer") from None
            if resp.command_id != p.BIND_TRANSMITTER_RESP or resp.status != p.ESME_ROK:
                writer.close()
                raise Retryable(f"smpp_bind_{resp.status:#04x}")
            self._session = _Session(reader, writer)
            if self._keepalive is None or self._keepalive.done():
                self._keepalive = asyncio.ensure_future(self._enquire_links())
            return self._session

    async def _enquire_links(self) -> None:
        while True:
            await asyncio.sleep(self.settings.smpp_enquire_link_seconds)
            session = self._session
            if session is None or not session.alive:
                return
            with contextlib.suppress(Exception):
                await session.request(p.Pdu(p.ENQUIRE_LINK, 0, next(self._seq)), self.settings.sms_timeout)

    async def send(self, job: DeliveryJob) -> str | None:
        number = normalize_phone(job.address)
        if not number.lstrip("+").isdigit():
            raise Permanent("smpp_bad_number")
        async with self._window:
            session = await self._bound()
            pdu = p.submit_sm(self.settings.sms_from, number, job.text, next(self._seq))
            resp = await session.request(pdu, self.settings.sms_timeout)
        if resp.command_id == p.SUBMIT_SM_RESP and resp.status == p.ESME_ROK:
            try:
                return p.Cursor(resp.body).cstr()
            except ValueError:
                return None
        if resp.status in RETRYABLE_STATUS or resp.status in BIND_STATUS:
            raise Retryable(f"smpp_{resp.status:#04x}")
        raise Permanent(f"smpp_{resp.status:#04x}")

    async def close(self) -> None:
        if self._keepalive is not None:
            self._keepalive.cancel()
        session, self._session = self._session, None
        if session is not None:
            if session.alive:
                with contextlib.suppress(Exception):
                    await session.request(p.Pdu(p.UNBIND, 0, next(self._seq)), 5)
            session.close()


def _create(settings: SmppSettings, _sender: SenderSettings, _redis: Redis | None) -> Receiver:
    return SmppReceiver(settings)


PROVIDER = Provider(Channel.sms, "smpp", SmppSettings, _create)
