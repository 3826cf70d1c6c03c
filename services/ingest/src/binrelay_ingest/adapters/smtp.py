"""Inbound e-mail: an SMTP listener (aiosmtpd) for mails to a network's report address.

``<network id>@<report domain>`` (e.g. ``zavel@reports.binrelay.test``) is the report address of a
network; other recipients are refused with 550. A mail becomes one report per addressed network:
the plain-text body (or the HTML body turned into text), the subject on top, attachments stored
in the attachment store and recorded as metadata, the sender matched to a member by e-mail or
taken as an unknown reporter. The SMTP transaction is answered 250 only once ingest has accepted
the report (202), 451 when ingest is unavailable (the sending server retries), 550 when ingest
refuses it. When ingest's answer holds ``advice`` (urgent? call 101 / 112), the reporter gets it
back by mail.

**Replies.** The senders' mails carry ``Reply-To: replies@<report domain>`` (``BINRELAY_SMTP_REPLY_TO``,
the same setting for the senders and this adapter), so a reply comes here. A mail is read as a reply
(:class:`.acks.ReplyDesk`, the same grammar and binding as SMS and chat) when it is sent to the
reply address, or when its ``In-Reply-To``/``References`` names one of our mails, or when its own
first paragraph (:mod:`.mail_reply`: quoted text, the client's "On … wrote:" line, the original
and the signature left out) is a command — JA/OUI/YES, NEE/NON/NO + reason — with a ref (body or
subject ``[Ref 1a2b3c4d]``) or from a member with what waits for their answer. One of our
Message-IDs binds the reply to that mail; else the refs; else the one message pending for the
sender's address (several: a question back, by mail). A reply is answered by mail through the
relay: a confirmation, the question, or the help text; a reply that is no command and reads as a
report becomes one (its own lines only, never the quoted original); a reply from an address no
member has is refused (550, counted, nothing logged); a mail no one typed (auto-reply, bounce)
is never taken as a command nor answered. Without a reply desk (no Redis and Kafka given to
:func:`start_listener`), every mail is a report, as before.

Run: ``binrelay-adapter-smtp`` (settings: :class:`.config.AdapterSettings`).
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
import signal
import sys
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from html.parser import HTMLParser
from typing import Any

import aiosmtplib
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from binrelay_shared.attachments import AttachmentStore
from binrelay_shared.events import Channel
from binrelay_shared.kafka_security import kafka_client_config, require_kafka
from binrelay_shared.local_secrets import secrets_or_exit
from binrelay_shared.logging import configure_logging, get_logger
from binrelay_shared.metrics import serve_metrics
from binrelay_shared.network import Member, load_networks
from binrelay_shared.redis_auth import check_redis_or_exit, redis_client
from binrelay_shared.settings import networks_or_exit, settings_or_exit

from . import mail_reply
from . import reply_rules as rules
from .acks import Outcome, ReplyDesk, ResponsePublisher
from .client import IngestClient, IngestRefused, IngestUnavailable, idempotency_key
from .config import AdapterSettings
from .members import Directory, directory_or_exit, opaque_ref, watch
from .metrics import AdapterMetrics

log = get_logger(__name__)

#: This adapter's Redis ACL user (binrelay_shared.redis_acl) and Kafka principal (binrelay_shared.acl:
#: it may only write bin.responses.v1).
REDIS_USER = "adapter-smtp"
KAFKA_PRINCIPAL = "adapter-smtp"

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
        desk: ReplyDesk | None = None,
    ) -> None:
        self.metrics = metrics or AdapterMetrics("smtp")
        self.settings = settings
        self.client = client
        self.directory = directory
        self.networks = networks
        self.store = store
        self.desk = desk

    def is_reply_address(self, address: str) -> bool:
        return self.desk is not None and address.strip().lower() == self.settings.smtp_reply_to.strip().lower()

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if not self.is_reply_address(address) and not report_networks(
                [address], self.settings.report_domain, self.networks):
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
            replied = await self.take_reply(msg, envelope)
            if replied is not None:
                return replied
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

    async def take_reply(self, msg: EmailMessage, envelope: Envelope) -> str | None:
        """Handle the mail as a reply (the SMTP answer), or None: it is a report."""
        if self.desk is None:
            return None
        to_reply_address = any(self.is_reply_address(r) for r in envelope.rcpt_tos)
        headers = {k.lower(): str(v) for k, v in msg.items()}
        if mail_reply.is_automatic(headers, str(envelope.mail_from or "")):
            if not to_reply_address:
                return None  # a report address: taken as before (never answered)
            self.metrics.count("ignored")
            log.info("automatic mail to the reply address ignored")
            return "250 OK"
        sender = parseaddr(str(msg.get("From", "")))[1] or str(envelope.mail_from or "")
        subject = str(msg.get("Subject", "") or "").strip()
        body = body_text(msg)
        command = mail_reply.command_text(subject, body)
        ids = mail_reply.message_ids(msg.get("In-Reply-To"), msg.get("References"))
        reply = rules.parse(command)
        if not to_reply_address and reply.command not in (rules.Command.yes, rules.Command.no):
            names_ours = ids and await self.desk.names_ours(ids)
            if not names_ours:
                return None
        member = self.directory.find("email", sender) if sender else None
        try:
            outcome = await self.desk.handle(Channel.email, sender, member, command, in_reply_to=ids)
        except Exception as exc:  # Kafka or Redis away: the sending server retries the same mail
            self.metrics.count("deferred")
            log.warning("reply not handled", error=type(exc).__name__)
            return "451 4.3.0 cannot take the reply now, try again later"
        if outcome.result == "report":
            return None if not to_reply_address else await self.reply_as_report(msg, envelope, member)
        self.metrics.count(outcome.result)
        if outcome.result == "refused_unknown":
            return "550 5.7.1 replies are taken from members only"
        await self.answer_reply(msg, sender, subject, outcome, member)
        return "250 OK reply received"

    async def answer_reply(self, msg: EmailMessage, sender: str, subject: str, outcome: Outcome,
                           member: Member | None) -> None:
        """The confirmation, the question or the help text, by mail to the replier."""
        text = outcome.answer
        if outcome.result == "responded":
            language = rules.language_of("", member.language if member else None)
            text = mail_reply.received_text(language, sorted({r.ref for r in outcome.responses if r.ref}))
        if text and sender:
            message_id = str(msg.get("Message-ID", "") or "").strip() or make_msgid()
            await self.reply(sender, subject, message_id, text, what=outcome.result)

    async def reply_as_report(self, msg: EmailMessage, envelope: Envelope, member: Member | None) -> str:
        """A mail to the reply address that is no command and reads as a report: its own lines (never
        the quoted original) as a report, to the member's network when they have one only."""
        networks: list[str | None] = [member.networks[0]] if member and len(member.networks) == 1 else [None]
        await self.take(msg, envelope, networks=networks, own_lines_only=True)
        self.metrics.count("report")
        return "250 OK report received"

    async def take(self, msg: EmailMessage, envelope: Envelope, *, networks: list[str | None] | None = None,
                   own_lines_only: bool = False) -> list[dict[str, Any]]:
        """Post the mail as one report per addressed network; answer the advice by mail."""
        if networks is None:
            networks = list(report_networks(list(envelope.rcpt_tos), self.settings.report_domain, self.networks))
        sender = parseaddr(str(msg.get("From", "")))[1] or str(envelope.mail_from or "")
        subject = str(msg.get("Subject", "") or "").strip()
        text = body_text(msg)
        if own_lines_only:
            text = mail_reply.fresh_text(text)
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
                "attachments": attachments,
                "adapter_message_id": message_id[:200],
            }
            if network:
                body["network"] = network
            answer = await self.client.post_report(body, idempotency_key(f"email-{network or '-'}", message_id))
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

    async def reply(self, to: str, subject: str, in_reply_to: str, advice: str, what: str = "advice") -> None:
        answer = EmailMessage()
        answer["From"] = self.settings.smtp_from
        answer["To"] = to
        answer["Subject"] = (subject if subject.lower().startswith("re:") else f"Re: {subject}") if subject \
            else "BIN Relay"
        answer["Date"] = formatdate(usegmt=True)
        answer["Message-ID"] = make_msgid(domain="binrelay")
        answer["In-Reply-To"] = in_reply_to
        answer["References"] = in_reply_to
        answer["Auto-Submitted"] = "auto-replied"
        answer.set_content(advice)
        try:
            await aiosmtplib.send(
                answer, hostname=self.settings.smtp_host, port=self.settings.smtp_port, timeout=30
            )
        except (aiosmtplib.SMTPException, OSError) as exc:  # the report is in: the answer is best effort
            log.warning("answer not mailed", what=what, error=type(exc).__name__)


def start_listener(
    settings: AdapterSettings,
    client: IngestClient | None = None,
    metrics: AdapterMetrics | None = None,
    *,
    networks: set[str] | None = None,
    directory: Directory | None = None,
    desk: ReplyDesk | None = None,
) -> tuple[Controller, ReportHandler]:
    """Start the SMTP listener in a background thread (``controller.stop()`` ends it). With a
    ``desk`` (:func:`reply_desk`) it also takes replies; without, every mail is a report."""
    # aiosmtpd logs every command line, sender and recipient at INFO: addresses are personal data.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    handler = ReportHandler(
        settings,
        client or IngestClient(settings),
        directory or Directory.load(settings.members_file),
        known_networks(settings) if networks is None else networks,
        AttachmentStore(settings.attachments_dir),
        metrics,
        desk,
    )
    controller = Controller(
        handler,
        hostname=settings.smtp_listen_host,
        port=settings.smtp_listen_port,
        data_size_limit=settings.max_message_bytes,
    )
    controller.start()
    return controller, handler


def stop_listener(controller: Controller, handler: ReportHandler) -> None:
    """Close the reply desk's Kafka producer and Redis client in the listener's loop, then stop it."""
    desk, loop = handler.desk, getattr(controller, "loop", None)
    if desk is not None and loop is not None and loop.is_running():

        async def close() -> None:
            await desk.publisher.stop()
            await desk.redis.aclose()

        try:
            asyncio.run_coroutine_threadsafe(close(), loop).result(timeout=30)
        except Exception as exc:  # stopping all the same
            log.warning("reply desk not closed", error=type(exc).__name__)
    controller.stop()


def reply_desk(settings: AdapterSettings) -> ReplyDesk:
    """The desk that binds replies: Redis as ``adapter-smtp``, Responses as that Kafka principal.

    The Redis client and the Kafka producer connect on first use, in the listener's own loop."""
    publisher = ResponsePublisher(kafka_client_config(settings, KAFKA_PRINCIPAL))
    return ReplyDesk(redis_client(settings, REDIS_USER), publisher, settings.ack_key())


def main() -> None:
    """``binrelay-adapter-smtp``: the inbound e-mail adapter, until SIGTERM."""
    settings = settings_or_exit(AdapterSettings)
    configure_logging("adapter-smtp", settings.log_level, settings.log_json)
    # The local files first: a bad network file is named as such, whatever else is missing.
    networks = set(networks_or_exit(settings))
    # A missing or wrong secret, Redis or Kafka login stops here (exit 2), not at the first reply.
    secrets_or_exit(settings, {"ack_key_secret": "ack-key"})
    check_redis_or_exit(settings, REDIS_USER)
    require_kafka(settings, KAFKA_PRINCIPAL)
    directory = directory_or_exit(settings)
    metrics = AdapterMetrics("smtp")
    serve_metrics(metrics.registry, settings)
    try:
        controller, handler = start_listener(settings, metrics=metrics, networks=networks, directory=directory,
                                             desk=reply_desk(settings))
    except OSError as exc:  # the port taken, or an address this machine does not have
        print(f"error: BINRELAY_SMTP_LISTEN_HOST={settings.smtp_listen_host!r}, BINRELAY_SMTP_LISTEN_PORT="
              f"{settings.smtp_listen_port}: cannot listen there ({exc.strerror or exc}): choose a free port",
              file=sys.stderr)
        sys.exit(2)
    log.info("listening", port=settings.smtp_listen_port, networks=sorted(handler.networks))

    async def wait() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        watching = asyncio.create_task(watch(settings, directory, KAFKA_PRINCIPAL))  # the registry's changes
        await stop.wait()
        watching.cancel()
        await asyncio.gather(watching, return_exceptions=True)

    try:
        asyncio.run(wait())
    finally:
        stop_listener(controller, handler)


if __name__ == "__main__":
    main()
