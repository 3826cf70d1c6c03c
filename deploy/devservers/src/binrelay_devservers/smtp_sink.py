"""A loopback SMTP server (aiosmtpd) that keeps every message it receives.

Messages are stored in memory (``SinkHandler.messages``) and, when a directory is given, each as
``<n>.eml`` there so tests in another process and developers can read them. It accepts any
recipient, except that a recipient whose local part starts with ``reject-`` is refused with 550
and one starting with ``busy-`` with 451 (so tests can provoke permanent and transient errors).

Every message that completes DATA is kept, repeats included — SMTP cannot tell a resent mail
from a new one, so the sink does not try: ``message_ids()`` counts what arrived per
``Message-ID`` (BIN Relay derives it from the delivery's idempotency key), which is how a test
proves "received once" at the wire. ``hold()`` makes new transactions wait at ``MAIL FROM``
(before any data is taken, so a client that dies there delivered nothing) until ``release()``;
``holding`` says how many wait (tests use it to stop a sender at a known point).
``transactions`` counts the transactions (``MAIL FROM``) per client connection: how a test sees
a sender reuse one connection for many mails.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
from collections import Counter
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message_id(self) -> str | None:
        value = BytesHeaderParser().parsebytes(self.data).get("Message-ID")
        return str(value).strip() if value is not None else None


class SinkHandler:
    def __init__(self, maildir: Path | None = None) -> None:
        self.messages: list[Received] = []
        self.maildir = maildir
        self._n = itertools.count(1)
        if maildir is not None:
            maildir.mkdir(parents=True, exist_ok=True)
            existing = [int(p.stem) for p in maildir.glob("*.eml") if p.stem.isdigit()]
            self._n = itertools.count(max(existing, default=0) + 1)
        self._open = threading.Event()
        self._open.set()
        self._lock = threading.Lock()
        self.holding = 0
        """Transactions waiting at MAIL FROM while held."""
        self.transactions: Counter[str] = Counter()
        """Transactions begun (MAIL FROM) per client connection (its peer address)."""

    def message_ids(self) -> Counter[str | None]:
        """How many messages arrived per Message-ID, repeats included."""
        return Counter(m.message_id for m in list(self.messages))

    def hold(self) -> None:
        """Make new transactions wait at MAIL FROM (nothing of theirs is taken) until :meth:`release`."""
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, mail_options: list[str]
    ) -> str:
        if not self._open.is_set():
            with self._lock:
                self.holding += 1
            try:
                # Released from another thread (the test's): a threading.Event, polled.
                while not self._open.is_set():  # noqa: ASYNC110
                    await asyncio.sleep(0.01)
            finally:
                with self._lock:
                    self.holding -= 1
        self.transactions[str(session.peer)] += 1
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        local = address.split("@", 1)[0].lower()
        if local.startswith("reject-"):
            return "550 5.1.1 mailbox unavailable"
        if local.startswith("busy-"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        data = envelope.original_content or b""
        if isinstance(data, str):
            data = data.encode()
        rec = Received(str(envelope.mail_from), list(envelope.rcpt_tos), data)
        self.messages.append(rec)
        if self.maildir is not None:
            path = self.maildir / f"{next(self._n)}.eml"
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(data)
            tmp.rename(path)  # readers never see a half-written file
        return "250 Message accepted for delivery"


def start_sink(port: int, maildir: Path | None = None, host: str = "127.0.0.1") -> tuple[Controller, SinkHandler]:
    """Start the sink in a background thread; ``controller.stop()`` ends it."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs addresses at INFO
    handler = SinkHandler(maildir)
    kwargs: dict[str, Any] = {"hostname": host, "port": port}
    controller = Controller(handler, **kwargs)
    controller.start()
    return controller, handler
