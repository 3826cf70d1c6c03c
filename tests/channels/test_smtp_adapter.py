"""The inbound e-mail adapter: a real SMTP listener, mails sent to it with aiosmtplib."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
import pytest

from binrelay_devservers.smtp_sink import SinkHandler
from binrelay_ingest.adapters.config import AdapterSettings
from binrelay_ingest.adapters.smtp import ReportHandler, html_to_text, start_listener
from tests.channels.servers import ADVICE, StubIngest, parse_mail, wait_until
from tests.conftest import REPO, free_port

pytestmark = pytest.mark.integration

MEMBERS = """
members:
  - id: zavel-lid-1
    networks: [zavel]
    language: nl
    channels:
      - {channel: email, address: "lid-1@example.org"}
"""


@pytest.fixture
def listener(
    stub_ingest: StubIngest, smtp_sink: tuple[int, SinkHandler], tmp_path: Path
) -> Iterator[tuple[int, ReportHandler, AdapterSettings]]:
    members = tmp_path / "members.yaml"
    members.write_text(MEMBERS)
    settings = AdapterSettings(
        ingest_url=stub_ingest.url,
        adapter_api_key="binr_test_secret",
        smtp_listen_port=free_port(),
        smtp_port=smtp_sink[0],
        networks_dir=REPO / "deploy" / "networks",
        members_file=members,
        attachments_dir=tmp_path / "attachments",
        adapter_max_attempts=3,
    )
    controller, handler = start_listener(settings)
    try:
        yield settings.smtp_listen_port, handler, settings
    finally:
        controller.stop()


def mail(sender: str, to: str, subject: str, plain: str | None, html: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{abs(hash((sender, subject)))}@example.org>"
    if plain is not None:
        msg.set_content(plain)
        if html is not None:
            msg.add_alternative(html, subtype="html")
    elif html is not None:
        msg.set_content(html, subtype="html")
    return msg


async def test_a_plain_mail_from_a_member_becomes_a_report(
    listener: tuple[int, ReportHandler, AdapterSettings], stub_ingest: StubIngest
) -> None:
    """Given the SMTP listener and a member known by e-mail,
    when the member mails zavel@reports.binrelay.test,
    then ingest gets a report for network zavel, channel email, with the member id as reporter,
    the subject and body as text, the adapter's credential and the Message-ID as adapter id."""
    port, handler, _ = listener
    msg = mail("Lid Een <lid-1@example.org>", "zavel@reports.binrelay.test", "Verdachte wagen",
               "Een witte bestelwagen rijdt al een uur rond op de Grote Zavel.")
    await aiosmtplib.send(msg, hostname="127.0.0.1", port=port, timeout=30)
    [body] = stub_ingest.posted
    assert body["network"] == "zavel" and body["channel"] == "email"
    assert body["reporter"] == {"ref": "zavel-lid-1", "contact": "lid-1@example.org", "language": "nl"}
    assert body["text"].startswith("Verdachte wagen\n\nEen witte bestelwagen")
    assert body["adapter_message_id"] == msg["Message-ID"]
    assert stub_ingest.headers[0]["authorization"] == "Bearer binr_test_secret"
    sample = handler.metrics.registry.get_sample_value(
        "binrelay_adapter_messages_total", {"adapter": "smtp", "result": "report"}
    )
    assert sample == 1
    assert logging.getLogger("mail.log").getEffectiveLevel() >= logging.WARNING  # aiosmtpd logs addresses


async def test_an_html_mail_with_an_attachment_from_an_unknown_sender(
    listener: tuple[int, ReportHandler, AdapterSettings], stub_ingest: StubIngest, tmp_path: Path
) -> None:
    """Given a mail with only an HTML body and a photo attached, from an address no member has,
    when it is sent to meudon's report address,
    then the report's text is the HTML as text, the photo is stored and recorded as an attachment,
    and the reporter is unknown (an opaque reference, the address only as contact)."""
    port, _, _ = listener
    msg = mail("onbekend@example.net", "meudon@reports.binrelay.test", "Graffiti",
               None, "<html><body><p>Nieuwe <b>graffiti</b> op de muur,</p><p>Meudonstraat.</p></body></html>")
    msg.add_attachment(b"\x89PNG fictitious image bytes", maintype="image", subtype="png", filename="muur.png")
    await aiosmtplib.send(msg, hostname="127.0.0.1", port=port, timeout=30)
    [body] = stub_ingest.posted
    assert body["text"] == "Graffiti\n\nNieuwe graffiti op de muur,\n\nMeudonstraat."
    [att] = body["attachments"]
    assert att["content_type"] == "image/png" and att["filename"] == "muur.png" and att["size"] == 27
    assert att["ref"].startswith("sha256:")
    assert any((tmp_path / "attachments").rglob(att["ref"].removeprefix("sha256:")))
    assert body["reporter"]["ref"].startswith("email:unknown:")
    assert "example.net" not in body["reporter"]["ref"]


async def test_an_urgent_mail_gets_the_advice_back_by_mail(
    listener: tuple[int, ReportHandler, AdapterSettings], stub_ingest: StubIngest, smtp_sink: tuple[int, SinkHandler]
) -> None:
    """Given ingest answers a report with advice (call 101 / 112),
    when a member mails an urgent report, then the member gets the advice back by mail."""
    port, _, _ = listener
    await aiosmtplib.send(
        mail("lid-1@example.org", "zavel@reports.binrelay.test", "Inbraak", "Inbraak bezig in de winkel naast ons!"),
        hostname="127.0.0.1", port=port, timeout=30,
    )
    _, sink = smtp_sink
    wait_until(lambda: sink.messages)
    answer = parse_mail(sink.messages[0].data)
    assert answer["To"] == "lid-1@example.org" and answer["Subject"] == "Re: Inbraak"
    assert answer.get_content().strip() == ADVICE


async def test_unknown_recipients_are_refused_and_an_unavailable_ingest_defers_the_mail(
    listener: tuple[int, ReportHandler, AdapterSettings], stub_ingest: StubIngest
) -> None:
    """Given the SMTP listener,
    when a mail is addressed to an address that is no network's, then it is refused (550);
    when ingest answers 503 for longer than the retries, then the mail is deferred (451) so the
    sending server retries, and nothing was recorded twice."""
    port, _, _ = listener
    with pytest.raises(aiosmtplib.SMTPRecipientsRefused):
        await aiosmtplib.send(mail("a@example.org", "nobody@reports.binrelay.test", "x", "x"),
                              hostname="127.0.0.1", port=port, timeout=30)
    stub_ingest.fail_next.extend([503, 503, 503])
    with pytest.raises(aiosmtplib.SMTPResponseException) as err:
        await aiosmtplib.send(mail("a@example.org", "zavel@reports.binrelay.test", "Diefstal", "Fiets gestolen."),
                              hostname="127.0.0.1", port=port, timeout=30)
    assert err.value.code == 451
    assert stub_ingest.posted == []


def test_html_to_text_drops_markup_scripts_and_styles() -> None:
    """Given an HTML body with a style and a script, then only the readable text remains."""
    assert html_to_text("<style>p{}</style><p>Hallo&nbsp;<i>daar</i></p><script>x()</script>") == "Hallo\xa0daar"
