"""Oversized request headers are refused with 431, before they are held in memory.

uvicorn's httptools protocol has no limit on a request's head: a single 8 MB header was read
whole and answered 200. :func:`limited_protocol` is that protocol with one: the request line and
headers together may take ``max_header_bytes`` (``BINRELAY_INGEST_MAX_HEADER_BYTES``, 16 KiB by
default; a browser sends ~1 KiB, a Bearer key ~70 bytes). Past it the server answers 431 with the
API's error body — naming the header (its name only, never its value) — and closes the
connection; it never keeps more than the limit of a head.

Counting is exact: bytes fed to the parser while the head is still incomplete are head bytes (a
body cannot start before the blank line), and a head completed within one read is measured from
what the parser reports (request line, names, values).
"""

from __future__ import annotations

import re
from typing import Any

import orjson
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .api_models import ErrorBody, FieldError

#: How long a refused connection's further bytes are read and dropped before it is closed.
LINGER_SECONDS = 2.0

_NAME = re.compile(rb"^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$")


def too_large_body(header: str | None) -> bytes:
    """The 431 body: which header (or the headers as a whole) is too large; never a value."""
    field = header or "(headers)"
    return orjson.dumps(
        ErrorBody(
            error=f"request header fields too large: {field}", fields=[FieldError(field=field, reason="too large")]
        ).model_dump()
    )


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, refusing a request head over :attr:`max_header_bytes` with 431."""

    max_header_bytes = 16 * 1024

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_head = True
        self._began = False  # a request began within the read being parsed
        self._head = b""  # the head's first bytes, up to the limit (to name the header)
        self._head_fed = 0  # bytes of the head fed to the parser, in reads after its first
        self._head_size = 0  # bytes of the head measured from the parser's callbacks
        self._refused = False

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head = True
        self._began = True
        self._head_size = 0

    def on_url(self, url: bytes) -> None:
        self._head_size += len(url) + 16  # method, version, spaces, CRLF
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        if self._refused:
            return
        self._head_size += len(name) + len(value) + 4  # ": " and CRLF
        if self._head_size > self.max_header_bytes:
            self._refuse(name.decode("latin-1") if _NAME.match(name) else None)
            return
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._in_head = False
        if not self._refused:
            super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self._refused:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if not self._refused:
            super().on_message_complete()

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        self._began = False
        super().data_received(data)
        if not self._in_head or self._refused:
            return
        keep = self.max_header_bytes + 1
        if self._began:
            # The head started within this read (after the end of an earlier request, perhaps):
            # it is counted from the next read on — at most one read more than the limit is held.
            self._head, self._head_fed = data[:keep], 0
            return
        if len(self._head) < keep:
            self._head += data[: keep - len(self._head)]
        self._head_fed += len(data)
        if self._head_fed > self.max_header_bytes:
            self._refuse(self._open_header())

    def _open_header(self) -> str | None:
        """The name of the header line the limit falls in (from the first bytes kept)."""
        head = bytes(self._head)
        start = head.rfind(b"\r\n")
        if start < 0:
            return "(request line)"
        name, colon, _ = head[start + 2 :].partition(b":")
        return name.decode("latin-1") if colon and _NAME.match(name) else None

    def _refuse(self, header: str | None) -> None:
        """Answer 431 and close — lingering: what the client still sends is read and dropped for a
        moment, since closing a socket with unread data resets it, and a reset can make the
        client lose the answer before reading it."""
        self._refused = True
        body = too_large_body(header)
        self.transport.write(
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: application/json\r\n"
            b"content-length: " + str(len(body)).encode() + b"\r\nconnection: close\r\n\r\n" + body
        )
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(LINGER_SECONDS, self.transport.close)


def limited_protocol(max_header_bytes: int) -> type[LimitedHttpToolsProtocol]:
    """:class:`LimitedHttpToolsProtocol` with this limit, for ``uvicorn.run(http=...)``."""
    return type("LimitedHttpTools", (LimitedHttpToolsProtocol,), {"max_header_bytes": max_header_bytes})
