"""E-mail over SMTP (aiosmtplib): up to ``smtp_connections`` connections per worker, each kept open
and reused mail after mail (batch after batch), reopened when the server drops it. A mail the
server refuses (a recipient, its data) does not cost the connection: aiosmtplib resets the
envelope (RSET) and the next mail goes on the same connection.

Every mail carries ``Reply-To: <smtp_reply_to>`` (the inbound SMTP adapter's reply address,
``replies@<report domain>``): a member's reply reaches the adapter, which binds it by its
``In-Reply-To``/``References`` to this mail's Message-ID. A mail that asks for an answer
(``DeliveryJob.expects``) also shows its ref in the subject (``[Ref 1a2b3c4d]``), for a reply
whose client drops those headers.
"""

from __future__ import annotations

import asyncio
import hashlib
from email.message import EmailMessage
from email.utils import formatdate

import aiosmtplib
from pydantic import Field, SecretStr
from redis.asyncio import Redis

from binrelay_shared.events import Channel, DeliveryJob
from binrelay_shared.replies import short_ref

from ..base import Permanent, Receiver, Retryable
from ..registry import Provider
from ..settings import ProviderSettings, SenderSettings


class SmtpSettings(ProviderSettings):
    """The zone's SMTP relay (locally the dev SMTP sink)."""

    smtp_host: str = Field("127.0.0.1", description="SMTP relay host")
    smtp_port: int = Field(2525, description="SMTP relay port")
    smtp_from: str = Field("BIN Relay <relay@binrelay.test>", description="From: of outgoing mail")
    smtp_reply_to: str | None = Field(
        "replies@reports.binrelay.test", description="Reply-To: of outgoing mail (the SMTP adapter's reply address)"
    )
    smtp_username: str | None = Field(None, description="SMTP AUTH user (optional)")
    smtp_password: SecretStr | None = Field(None, description="SMTP AUTH password (optional)")
    smtp_starttls: bool = Field(False, description="Use STARTTLS")
    smtp_timeout: float = Field(30.0, description="SMTP timeout per command (s)")
    smtp_connections: int = Field(4, description="SMTP connections kept open (mails sent in parallel)")


SUBJECTS = {
    "nl": "Bericht van je buurtinformatienetwerk",
    "fr": "Message de votre partenariat local de prévention",
    "en": "Message from your neighbourhood information network",
    "de": "Nachricht Ihres Nachbarschaftsinformationsnetzwerks",
}


def message_id(idempotency_key: str, domain: str = "binrelay") -> str:
    """A Message-ID derived from the idempotency key: a resent mail is recognisably the same."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def build_message(job: DeliveryJob, sender: str, reply_to: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = job.address
    if reply_to:
        msg["Reply-To"] = reply_to
    subject = job.subject or SUBJECTS.get(job.language, SUBJECTS["en"])
    if job.expects is not None:  # what a reply quotes, kept by every client in "Re: ..."
        subject = f"{subject} [Ref {short_ref(job.report_id)}]"
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = message_id(job.idempotency_key)
    msg["Content-Language"] = job.language
    msg["X-BIN-Relay-Report"] = job.report_id
    msg["X-BIN-Relay-Delivery"] = job.delivery_id
    msg.set_content(job.text)
    return msg


class EmailReceiver:
    """Delivers jobs as plain-text mails through the configured SMTP relay.

    Keeps up to ``smtp_connections`` connections open (one SMTP transaction at a time on each),
    so a batch goes out in parallel without a connection set-up per mail.
    """

    channel = Channel.email

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._idle: asyncio.Queue[aiosmtplib.SMTP | None] = asyncio.Queue()
        for _ in range(max(1, settings.smtp_connections)):
            self._idle.put_nowait(None)  # a slot; connected on first use
        self._open: set[aiosmtplib.SMTP] = set()

    async def _connect(self) -> aiosmtplib.SMTP:
        s = self.settings
        client = aiosmtplib.SMTP(
            hostname=s.smtp_host, port=s.smtp_port, timeout=s.smtp_timeout, start_tls=s.smtp_starttls
        )
        await client.connect()
        if s.smtp_username and s.smtp_password:
            await client.login(s.smtp_username, s.smtp_password.get_secret_value())
        return client

    async def send(self, job: DeliveryJob) -> str | None:
        msg = build_message(job, self.settings.smtp_from, self.settings.smtp_reply_to)
        client = await self._idle.get()
        try:
            if client is None or not client.is_connected:
                self._drop(client)
                client = None
                client = await self._connect()
                self._open.add(client)
            await client.send_message(msg)
        except aiosmtplib.SMTPRecipientsRefused as exc:  # envelope reset: the connection stays
            client = await self._still_usable(client)
            codes = [r.code for r in exc.recipients]
            if any(400 <= c < 500 for c in codes):
                raise Retryable(f"smtp_rcpt_{codes[0]}") from None
            raise Permanent(f"smtp_rcpt_{codes[0] if codes else 'refused'}") from None
        except aiosmtplib.SMTPResponseException as exc:  # envelope reset (a 421 closed it: NOOP tells)
            client = await self._still_usable(client)
            if 400 <= exc.code < 500:
                raise Retryable(f"smtp_{exc.code}") from None
            if exc.code in (535, 530):  # credentials: a configuration problem, not the member's
                raise Retryable(f"smtp_auth_{exc.code}") from None
            raise Permanent(f"smtp_{exc.code}") from None
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            self._drop(client)
            client = None
            raise Retryable(f"smtp_{type(exc).__name__}") from None
        finally:
            self._idle.put_nowait(client)
        return str(msg["Message-ID"])

    async def _still_usable(self, client: aiosmtplib.SMTP | None) -> aiosmtplib.SMTP | None:
        """The connection after a refused mail, if it still answers (else dropped: None)."""
        if client is None:
            return None
        try:
            await client.noop()
        except (aiosmtplib.SMTPException, OSError, TimeoutError):
            self._drop(client)
            return None
        return client

    def _drop(self, client: aiosmtplib.SMTP | None) -> None:
        if client is not None:
            self._open.discard(client)
            try:
                client.close()
            except Exception:
                pass

    async def close(self) -> None:
        for client in list(self._open):
            self._open.discard(client)
            if client.is_connected:
                try:
                    await client.quit()
                except Exception:
                    client.close()


def _create(settings: SmtpSettings, _sender: SenderSettings, _redis: Redis | None) -> Receiver:
    return EmailReceiver(settings)


PROVIDER = Provider(Channel.email, "smtp", SmtpSettings, _create)
