"""A loopback SMTP server (aiosmtpd) that keeps every message it receives.

Messages are stored in memory (``SinkHandler.messages``) and, when a directory is given, each as
``<n>.eml`` there so tests in another process and developers can read them. It accepts any
recipient, except that a recipient whose local part starts with ``reject-`` is refused with 550
and one starting with ``busy-`` with 451 (so tests can provoke permanent and transient errors).
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes


class SinkHandler:
    def __init__(self, maildir: Path | None = None) -> None:
        self.messages: list[Received] = []
        self.maildir = maildir
        self._n = itertools.count(1)
        if maildir is not None:
            maildir.mkdir(parents=True, exist_ok=True)
            existing = [int(p.stem) for p in maildir.glob("*.eml") if p.stem.isdigit()]
            self._n = itertools.count(max(existing, default=0) + 1)

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
