"""A minimal pipelining Redis client for ingest's two hot calls (the gate script, the batched
post-publish writes).

Why: redis-py's asyncio client spends ~100 µs of Python per command (connection checkout,
retry wrappers, packing, parsing) — a quarter of ingest's CPU at 1,000 reports/s. Here ONE
connection carries every request's command back to back; Redis answers in order, so replies are
matched to waiters first-in, first-out, and the commands queued in one event-loop turn leave in
one ``write``. RESP2 only; replies are bytes, ints, lists, None or
:class:`RespError`. Anything the hot path does not need (pub/sub, TLS, cluster) stays with
redis-py; :func:`supported` says whether a URL can use this client.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any
from urllib.parse import unquote, urlparse

from pydantic import SecretStr


class RespError(Exception):
    """An error reply from Redis (``-ERR ...``, ``-NOSCRIPT ...``)."""


def supported(url: str) -> bool:
    """True for plain TCP ``redis://`` URLs (no TLS, no unix socket)."""
    return urlparse(url).scheme == "redis"


def encode(args: tuple[Any, ...]) -> bytes:
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        b = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(out)


_INCOMPLETE = object()


def _parse(buf: bytearray, pos: int) -> tuple[Any, int]:
    """One reply from ``buf`` at ``pos``: (value, next position) or (_INCOMPLETE, pos)."""
    end = buf.find(b"\r\n", pos)
    if end < 0:
        return _INCOMPLETE, pos
    kind = buf[pos]
    line = bytes(buf[pos + 1 : end])
    nxt = end + 2
    if kind == 43:  # +
        return line, nxt
    if kind == 45:  # -
        return RespError(line.decode(errors="replace")), nxt
    if kind == 58:  # :
        return int(line), nxt
    if kind == 36:  # $
        n = int(line)
        if n < 0:
            return None, nxt
        if len(buf) < nxt + n + 2:
            return _INCOMPLETE, pos
        return bytes(buf[nxt : nxt + n]), nxt + n + 2
    if kind == 42:  # *
        n = int(line)
        if n < 0:
            return None, nxt
        items = []
        for _ in range(n):
            item, nxt = _parse(buf, nxt)
            if item is _INCOMPLETE:
                return _INCOMPLETE, pos
            items.append(item)
        return items, nxt
    raise RespError(f"unexpected reply type {chr(kind)!r}")


class _Protocol(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: Any = None  # an asyncio or uvloop transport
        self.waiters: deque[asyncio.Future[Any]] = deque()
        self.buf = bytearray()
        self.closed = False
        self.outgoing: list[bytes] = []

    def send(self, data: bytes, waiters: list[asyncio.Future[Any]]) -> None:
        """Queue a command's bytes; everything queued in one loop turn leaves in ONE write."""
        if self.closed:
            for fut in waiters:
                fut.set_exception(ConnectionError("connection to Redis lost"))
            return
        self.waiters.extend(waiters)
        if not self.outgoing:
            asyncio.get_running_loop().call_soon(self._flush)
        self.outgoing.append(data)

    def _flush(self) -> None:
        data, self.outgoing = self.outgoing, []
        if data and not self.closed and self.transport is not None:
            self.transport.write(b"".join(data))

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buf.extend(data)
        pos = 0
        buf = self.buf
        while pos < len(buf):
            try:
                value, nxt = _parse(buf, pos)
            except (ValueError, RespError) as exc:  # a protocol error: drop the connection
                self._fail(ConnectionError(f"bad reply from Redis: {type(exc).__name__}"))
                if self.transport is not None:
                    self.transport.close()
                return
            if value is _INCOMPLETE:
                break
            pos = nxt
            if self.waiters:
                fut = self.waiters.popleft()
                if not fut.done():
                    fut.set_result(value)
        if pos:
            del buf[:pos]

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.outgoing = []
        self._fail(ConnectionError("connection to Redis lost"))

    def _fail(self, exc: Exception) -> None:
        while self.waiters:
            fut = self.waiters.popleft()
            if not fut.done():
                fut.set_exception(exc)


class RespClient:
    """One pipelined connection; reconnects on the next call after a loss."""

    def __init__(self, url: str, *, username: str | None = None, password: SecretStr | None = None) -> None:
        u = urlparse(url)
        self.host = u.hostname or "127.0.0.1"
        self.port = u.port or 6379
        self.db = int((u.path or "/0").lstrip("/") or 0)
        self.username = username or (unquote(u.username) if u.username else None)
        self._password = password or (SecretStr(unquote(u.password)) if u.password else None)
        self.proto: _Protocol | None = None
        self.lock = asyncio.Lock()

    async def _connection(self) -> _Protocol:
        proto = self.proto
        if proto is not None and not proto.closed:
            return proto
        async with self.lock:
            if self.proto is not None and not self.proto.closed:
                return self.proto
            loop = asyncio.get_running_loop()
            _, proto = await loop.create_connection(_Protocol, self.host, self.port)
            setup: list[tuple[Any, ...]] = []
            if self._password:
                secret = self._password.get_secret_value()
                setup.append(("AUTH", self.username, secret) if self.username else ("AUTH", secret))
            if self.db:
                setup.append(("SELECT", self.db))
            for cmd in setup:
                fut: asyncio.Future[Any] = loop.create_future()
                proto.waiters.append(fut)
                assert proto.transport is not None
                proto.transport.write(encode(cmd))
                reply = await fut
                if isinstance(reply, RespError):
                    proto.transport.close()
                    raise reply
            self.proto = proto
            return proto

    async def call(self, *args: Any) -> Any:
        """Send one command; its reply (a RespError reply is returned, not raised)."""
        proto = await self._connection()
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        proto.send(encode(args), [fut])
        return await fut

    async def call_many(self, commands: list[tuple[Any, ...]]) -> list[Any]:
        """Send many commands in one write; their replies, in order."""
        if not commands:
            return []
        proto = await self._connection()
        loop = asyncio.get_running_loop()
        futures = [loop.create_future() for _ in commands]
        proto.send(b"".join(encode(c) for c in commands), futures)
        return list(await asyncio.gather(*futures))

    async def close(self) -> None:
        if self.proto is not None and self.proto.transport is not None:
            self.proto.transport.close()
        self.proto = None
