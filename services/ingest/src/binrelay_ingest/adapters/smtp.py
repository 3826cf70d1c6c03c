"""Inbound e-mail: an SMTP listener (aiosmtpd) for mails to a network's report address.

``<network id>@<report domain>`` (e.g. ``zavel@reports.binrelay.test``) is the report address of a
network; other recipients are refused with 550. A mail becomes one report per addressed network:
the plain-text body (or the HTML body turned into text), the subject on top, attachments stored
in the attachment store and recorded as metadata, the sender matched to a member by e-mail or
taken as an unknown reporter. The SMTP transaction is answered 250 only once ingest has accepted
the report (202), 451 when ingest is unavailable (the sending server retries), 550 when ingest
refuses it. When ingest's answer holds ``advice`` (urgent? call 101 / 112), the reporter gets it
back by mail.

Run: ``binrelay-adapter-smtp`` (settings: :class:`.config.AdapterSettings`).
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
import signal
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from html.parser import HTMLParser
from typing import Any

import aiosmtplib
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from binrelay_shared.attachments import AttachmentStore
from binrelay_shared.logging import configure_logging, get_logger
from binrelay_shared.metrics import serve_metrics
from binrelay_shared.network import load_networks
from binrelay_shared.settings import members_or_exit, networks_or_exit, settings_or_exit

from .client import IngestClient, IngestRefused, IngestUnavailable, idempotency_key
from .config import AdapterSettings
from .members import Directory, opaque_ref
from .metrics import AdapterMetrics

log = get_logger(__name__)

MAX_TEXT = 5000
MAX_ATTACHMENTS = 10


class _Text(HTMLParser):
    """HTML → plain text: paragraphs and line breaks kept, scripts and styles dropped."""

    BLOCK = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head"):
            self._skip += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head") and self._skip:
            self._skip -= 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    parser = _Text()
    parser.feed(markup)
    parser.close()
    text = html.unescape("".join(parser.parts))
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()


def body_text(msg: EmailMessage) -> str:
    """The plain body, else the HTML body as text ('' when there is neither)."""
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError):
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if part.get_content_subtype() == "html":
        return html_to_text(str(content))
    return str(content).strip()


def report_networks(rcpt_tos: list[str], domain: str, networks: set[str]) -> list[str]:
    found = []
    for rcpt in rcpt_tos:
        local, _, dom = rcpt.lower().rpartition("@")
        if dom == domain.lower() and local in networks and local not in found:
            found.append(local)
    return found


def known_networks(settings: AdapterSettings) -> set[str]:
    """Network ids of the network files, read by the shared loader (raises
    :class:`~binrelay_shared.network.PlanError` on a bad file; the start uses ``networks_or_exit``)."""
    return set(load_networks(settings.networks_dir, None))


class ReportHandler:
    """aiosmtpd handler: RCPT checks the report address, DATA posts the report to ingest."""

    def __init__(
        self,
        settings: AdapterSettings,
        client: IngestClient,
        directory: Directory,
        networks: set[str],
        store: AttachmentStore,
        metrics: AdapterMetrics | None = None,
    ) -> None:
        self.metrics = metrics or AdapterMetrics("smtp")
        self.settings = settings
        self.client = client
        self.directory = directory
        self.networks = networks
        self.store = store

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if not report_networks([address], self.settings.report_domain, self.networks):
            return "550 5.1.1 not a report address of a network"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        if isinstance(raw, str):
            raw = raw.encode()
        if len(raw) > self.settings.max_message_bytes:
            return "552 5.3.4 message too big"
        msg = message_from_bytes(raw, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        try:
            results = await self.take(msg, envelope)
        except IngestUnavailable:
            self.metrics.count("deferred")
            log.warning("ingest unavailable: mail deferred")
            return "451 4.3.0 cannot take the report now, try again later"
        except IngestRefused as exc:
            self.metrics.count("refused")
            log.warning("ingest refused the mail", status=exc.status, error=exc.error)
            return f"550 5.6.0 report refused: {exc.error}"[:200]
        except ValueError as exc:
            self.metrics.count("ignored")
            return f"550 5.6.0 {exc}"
        for answer in results:
            self.metrics.count("report")
            log.info("mail taken as report", report_id=answer.get("report_id"))
        return "250 OK report received"

    async def take(self, msg: EmailMessage, envelope: Envelope) -> list[dict[str, Any]]:
        """Post the mail as one report per addressed network; answer the advice by mail."""
        networks = report_networks(list(envelope.rcpt_tos), self.settings.report_domain, self.networks)
        sender = parseaddr(str(msg.get("From", "")))[1] or str(envelope.mail_from or "")
        subject = str(msg.get("Subject", "") or "").strip()
        text = body_text(msg)
        if subject and not subject.lower().startswith(("re:", "fwd:", "tr:")) and subject not in text:
            text = f"{subject}\n\n{text}" if text else subject
        attachments = self.attachments(msg)
        if not text:
            if not attachments:
                raise ValueError("empty report: no text and no attachment")
            text = subject or "(attachment only)"
        member = self.directory.find("email", sender) if sender else None
        reporter: dict[str, Any] = {
            "ref": member.id if member else opaque_ref("email", sender or "unknown"),
            "contact": sender[:200] or None,
        }
        if member and member.language:
            reporter["language"] = member.language
        message_id = str(msg.get("Message-ID", "") or "").strip() or make_msgid()
        answers = []
        for network in networks:
            body = {
                "text": text[:MAX_TEXT],
                "channel": "email",
                "reporter": reporter,
                "network": network,
                "attachments": attachments,
                "adapter_message_id": message_id[:200],
            }
            answer = await self.client.post_report(body, idempotency_key(f"email-{network}", message_id))
            answers.append(answer)
            automatic = str(msg.get("Auto-Submitted", "no")).strip().lower() != "no"  # never answer a robot
            if answer.get("advice") and sender and not automatic:
                await self.reply(sender, subject, message_id, str(answer["advice"]))
        return answers

    def attachments(self, msg: EmailMessage) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for part in msg.iter_attachments():
            if len(out) >= MAX_ATTACHMENTS:
                break
            data = part.get_payload(decode=True)
            if not isinstance(data, bytes) or len(data) > self.settings.max_attachment_bytes:
                continue
            meta = self.store.put(data, part.get_content_type(), part.get_filename())
            out.append(meta.model_dump(mode="json"))
        return out

    async def reply(self, to: str, subject: str, in_reply_to: str, advice: str) -> None:
        answer = EmailMessage()
        answer["From"] = self.settings.smtp_from
        answer["To"] = to
        answer["Subject"] = f"Re: {subject}" if subject else "BIN Relay"
        answer["Date"] = formatdate(usegmt=True)
        answer["Message-ID"] = make_msgid(domain="binrelay")
        answer["In-Reply-To"] = in_reply_to
        answer["Auto-Submitted"] = "auto-replied"
        answer.set_content(advice)
        try:
            await aiosmtplib.send(
                answer, hostname=self.settings.smtp_host, port=self.settings.smtp_port, timeout=30
            )
        except (aiosmtplib.SMTPException, OSError) as exc:  # the report is in: the answer is best effort
            log.warning("advice not mailed", error=type(exc).__name__)


def start_listener(
    settings: AdapterSettings,
    client: IngestClient | None = None,
    metrics: AdapterMetrics | None = None,
    *,
    networks: set[str] | None = None,
    directory: Directory | None = None,
) -> tuple[Controller, ReportHandler]:
    """Start the SMTP listener in a background thread (``controller.stop()`` ends it)."""
    # aiosmtpd logs every command line, sender and recipient at INFO: addresses are personal data.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    handler = ReportHandler(
        settings,
        client or IngestClient(settings),
        directory or Directory.load(settings.members_file),
        known_networks(settings) if networks is None else networks,
        AttachmentStore(settings.attachments_dir),
        metrics,
    )
    controller = Controller(
        handler,
        hostname=settings.smtp_listen_host,
        port=settings.smtp_listen_port,
        data_size_limit=settings.max_message_bytes,
    )
    controller.start()
    return controller, handler


def main() -> None:
    """``binrelay-adapter-smtp``: the inbound e-mail adapter, until SIGTERM."""
    settings = settings_or_exit(AdapterSettings)
    configure_logging("adapter-smtp", settings.log_level, settings.log_json)
    networks = set(networks_or_exit(settings))
    directory = Directory(members_or_exit(settings, required=False))
    metrics = AdapterMetrics("smtp")
    serve_metrics(metrics.registry, settings.metrics_port)
    controller, handler = start_listener(settings, metrics=metrics, networks=networks, directory=directory)
    log.info("listening", port=settings.smtp_listen_port, networks=sorted(handler.networks))

    async def wait() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()

    try:
        asyncio.run(wait())
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
