"""The SMTP and Matrix adapters' real entry points, run as processes (the installed commands, as
`make up` starts them) against the session's Kafka, Redis and running pipeline, a real SMTP sink
and a real Synapse:

- ``binrelay-adapter-smtp``: a mail to a network's report address is on bin.reports.received.v1
  as an e-mail report, and the advice comes back by mail; a port it cannot listen on, or a
  setting that is not a number, stops it with exit 2 naming the setting, never a traceback;
- ``binrelay-adapter-matrix``: a member's message in the network's room is on
  bin.reports.received.v1 as a chat report, answered in a thread; a token the homeserver refuses,
  or rooms that are not JSON, stop it with exit 2 naming the setting.
"""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
import pytest

from binrelay_devservers.smtp_sink import SinkHandler
from binrelay_ingest.adapters.matrix_bot import RECEIPT
from binrelay_shared import topics
from binrelay_shared.events import new_id
from tests.channels.servers import MatrixUser, Synapse, parse_mail, wait_until
from tests.conftest import REPO, free_port
from tests.integration.test_operator_cli import _key, _start
from tests.kafka_helpers import TopicReader
from tests.pipeline import Pipeline
from tests.supervision import terminate

pytestmark = pytest.mark.integration
BIN = REPO / ".venv" / "bin"


def _run(command: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The adapter started and waited for: it must stop on its own (the bound only stops a hang)."""
    return subprocess.run([str(BIN / command)], env=env, capture_output=True, text=True, timeout=300, check=False)


def _refused(done: subprocess.CompletedProcess[str], setting: str) -> None:
    """Exit 2, the setting named on stderr, no traceback."""
    assert done.returncode == 2, (done.returncode, done.stderr[-3000:])
    assert "Traceback" not in done.stderr + done.stdout, done.stderr[-3000:]
    assert setting in done.stderr, done.stderr[-3000:]


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A loopback port something else listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield int(s.getsockname()[1])


async def _smtp_env(pipeline: Pipeline, sink_port: int, tmp_path: Path) -> dict[str, str]:
    return {
        **pipeline.env,
        "BINRELAY_INGEST_URL": pipeline.ingest_url,
        "BINRELAY_ADAPTER_API_KEY": await _key(pipeline, "adapter", adapter="email"),
        "BINRELAY_SMTP_LISTEN_PORT": str(free_port()),
        "BINRELAY_SMTP_PORT": str(sink_port),
        "BINRELAY_METRICS_PORT": str(free_port()),
        "BINRELAY_ATTACHMENTS_DIR": str(tmp_path / "attachments"),
    }


async def test_the_smtp_adapter_entry_point_turns_a_mail_into_a_report(
    pipeline: Pipeline, smtp_sink: tuple[int, SinkHandler], tmp_path: Path
) -> None:
    """Given `binrelay-adapter-smtp` started with its own adapter key, the session's Kafka and Redis,
    and the SMTP sink as its relay for answers,
    when a member mails an urgent report to zavel's report address,
    then the mail is accepted, a ReportReceived with channel email and the mail's Message-ID is on
    bin.reports.received.v1, the advice (112) comes back by mail, and the log names no address."""
    sink_port, sink = smtp_sink
    env = await _smtp_env(pipeline, sink_port, tmp_path)
    port = int(env["BINRELAY_SMTP_LISTEN_PORT"])
    log = tmp_path / "adapter-smtp.log"
    sender = f"lid-{uuid.uuid4().hex[:8]}@example.org"
    mid = f"<entry-{new_id()}@example.org>"
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "zavel@reports.binrelay.test"
    msg["Subject"] = "Inbraak"
    msg["Message-ID"] = mid
    msg.set_content("Er wordt nu ingebroken in de winkel op de Grote Zavel, ze zijn nog binnen!")
    reader = await TopicReader(pipeline.settings.kafka, topics.REPORTS_RECEIVED).start()
    proc = _start(["binrelay-adapter-smtp"], env, log)
    try:
        deadline = time.monotonic() + 180  # five services and this one start on a busy machine
        while True:
            assert proc.poll() is None, log.read_text()[-3000:]
            try:
                await aiosmtplib.send(msg, hostname="127.0.0.1", port=port, timeout=60)
                break
            except aiosmtplib.SMTPConnectError:
                assert time.monotonic() < deadline, "the listener never opened\n" + log.read_text()[-3000:]
                await asyncio.sleep(0.2)
        [event] = await reader.wait_for(lambda m: (m.get("report") or {}).get("adapter_message_id") == mid,
                                        timeout=120)
        assert event["report"]["channel"] == "email" and event["network_id"] == "zavel"
        await asyncio.to_thread(
            wait_until, lambda: any(parse_mail(m.data)["To"] == sender for m in sink.messages), timeout=120)
        [answer] = [parse_mail(m.data) for m in sink.messages if parse_mail(m.data)["To"] == sender]
        assert "112" in answer.get_content() and answer["In-Reply-To"] == mid
    finally:
        await reader.stop()
        terminate(proc)
    text = log.read_text()
    assert "listening" in text and sender not in text  # the reporter's address is not logged


async def test_the_smtp_adapter_stops_on_a_bad_setting_naming_it(
    pipeline: Pipeline, smtp_sink: tuple[int, SinkHandler], tmp_path: Path, taken_port: int
) -> None:
    """Given `binrelay-adapter-smtp` with a listen port another process holds, then with a listen
    port that is not a number,
    when it is started,
    then each time it exits 2 naming BINRELAY_SMTP_LISTEN_PORT, without a traceback."""
    env = await _smtp_env(pipeline, smtp_sink[0], tmp_path)
    for port, named in ((str(taken_port), f"BINRELAY_SMTP_LISTEN_PORT={taken_port}"),
                        ("25x", "BINRELAY_SMTP_LISTEN_PORT")):
        done = await asyncio.to_thread(_run, "binrelay-adapter-smtp", {**env, "BINRELAY_SMTP_LISTEN_PORT": port})
        _refused(done, named)


async def _matrix_env(pipeline: Pipeline, synapse: Synapse) -> tuple[dict[str, str], str, MatrixUser, MatrixUser]:
    """The bot's environment, zavel's room, the bot and a member in that room."""
    n = new_id()[:8]
    bot = synapse.register(f"entry-bot-{n}")
    coordinator = synapse.register(f"entry-coord-{n}")
    member = synapse.register(f"entry-lid-{n}")
    room_id = synapse.create_room(coordinator, invite=[bot.user_id, member.user_id], name="BIN-Z Zavel")
    synapse.join(member, room_id)
    env = {
        **pipeline.env,
        "BINRELAY_INGEST_URL": pipeline.ingest_url,
        "BINRELAY_ADAPTER_API_KEY": await _key(pipeline, "adapter", adapter="chat"),
        "BINRELAY_MATRIX_HOMESERVER": synapse.url,
        "BINRELAY_MATRIX_USER_ID": bot.user_id,
        "BINRELAY_MATRIX_ACCESS_TOKEN": bot.access_token,
        "BINRELAY_MATRIX_ROOMS": json.dumps({room_id: "zavel"}),
        "BINRELAY_METRICS_PORT": str(free_port()),
    }
    return env, room_id, bot, member


async def test_the_matrix_adapter_entry_point_turns_a_room_message_into_a_report(
    pipeline: Pipeline, synapse: Synapse, tmp_path: Path
) -> None:
    """Given `binrelay-adapter-matrix` started with its own adapter key and the bot's token, in
    zavel's room on the real Synapse,
    when a member posts a message in the room once the bot is ready,
    then a ReportReceived with channel chat, network zavel and the event id as adapter message id
    is on bin.reports.received.v1, and the bot answers in a thread on that message (a receipt)."""
    env, room_id, bot, member = await _matrix_env(pipeline, synapse)
    log = tmp_path / "adapter-matrix.log"
    reader = await TopicReader(pipeline.settings.kafka, topics.REPORTS_RECEIVED).start()
    proc = _start(["binrelay-adapter-matrix"], env, log)
    try:
        # What is in the room before the bot's first sync is history it skips: wait until it is ready.
        await asyncio.to_thread(
            wait_until, lambda: proc.poll() is not None or "bot ready" in log.read_text(), timeout=180)
        assert proc.poll() is None, log.read_text()[-3000:]
        event_id = await asyncio.to_thread(synapse.send, member, room_id, {
            "msgtype": "m.text", "body": "Fietsendiefstal gisteren avond aan de Zavelstraat."})
        [event] = await reader.wait_for(
            lambda m: (m.get("report") or {}).get("adapter_message_id") == event_id, timeout=120)
        assert event["report"]["channel"] == "chat" and event["network_id"] == "zavel"

        def answer() -> str | None:
            for m in synapse.messages(member, room_id):
                relates = m["content"].get("m.relates_to") or {}
                if m["sender"] == bot.user_id and relates.get("rel_type") == "m.thread" \
                        and relates.get("event_id") == event_id:
                    return str(m["content"]["body"])
            return None

        assert await asyncio.to_thread(wait_until, answer, timeout=120, interval=0.3) == RECEIPT
    finally:
        await reader.stop()
        terminate(proc)
    assert member.user_id not in log.read_text()  # nio logs Matrix ids at INFO: kept out


async def test_the_matrix_adapter_stops_on_a_bad_setting_naming_it(pipeline: Pipeline, synapse: Synapse) -> None:
    """Given `binrelay-adapter-matrix` with a token the homeserver does not know, then with rooms
    that are not JSON,
    when it is started,
    then each time it exits 2 naming BINRELAY_MATRIX_ACCESS_TOKEN, resp. BINRELAY_MATRIX_ROOMS,
    without a traceback."""
    env, *_ = await _matrix_env(pipeline, synapse)
    refused = await asyncio.to_thread(_run, "binrelay-adapter-matrix",
                                      {**env, "BINRELAY_MATRIX_ACCESS_TOKEN": "syt_not_a_token_" + new_id()})
    _refused(refused, "BINRELAY_MATRIX_ACCESS_TOKEN")
    assert "syt_not_a_token_" not in refused.stderr + refused.stdout  # a secret, even a wrong one, is not printed
    _refused(await asyncio.to_thread(_run, "binrelay-adapter-matrix", {**env, "BINRELAY_MATRIX_ROOMS": "zavel"}),
             "BINRELAY_MATRIX_ROOMS")
